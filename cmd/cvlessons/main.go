// Command cvlessons runs the course from a terminal: it checks the set-up, lists and runs lessons
// headless, manages data sets, evaluates predictions and benchmarks the training backend.
//
// Usage:
//
//	cvlessons <command> [arguments]
//
// Run "cvlessons help <command>" for a command's flags. Exit status: 0 ok, 1 failure, 2 usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand, in the style of cmd/go's base.Command.
type command struct {
	// name is the word that selects the command.
	name string
	// usage is the one-line synopsis after "cvlessons ".
	usage string
	// short is a one-line description shown in the command list.
	short string
	// long is the full help text shown by "cvlessons help <name>".
	long string
	// run executes the command with the arguments after its name, writing results to stdout.
	run func(env *environment, args []string) error
}

// environment carries the streams a command writes to, so tests can capture them.
type environment struct {
	stdout, stderr io.Writer
}

// usageError reports a command-line mistake; the CLI exits with status 2 for it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// commands lists every subcommand, in the order "cvlessons help" shows them.
func commands() []*command {
	return []*command{
		cmdDoctor,
		cmdBackend,
		cmdData,
		cmdLesson,
		cmdMetrics,
		cmdEval,
		cmdPredict,
		cmdBench,
	}
}

func main() {
	env := &environment{stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(env, os.Args[1:]))
}

// run dispatches args to a command and returns the process exit status.
func run(env *environment, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		printUsage(env.stdout)
		return 0
	}
	if args[0] == "help" {
		if len(args) == 1 {
			printUsage(env.stdout)
			return 0
		}
		cmd := lookup(args[1])
		if cmd == nil {
			fmt.Fprintf(env.stderr, "cvlessons: unknown command %q; run \"cvlessons help\"\n", args[1])
			return 2
		}
		printHelp(env.stdout, cmd)
		return 0
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(env.stderr, "cvlessons: unknown command %q; run \"cvlessons help\"\n", args[0])
		return 2
	}
	err := cmd.run(env, args[1:])
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		printHelp(env.stdout, cmd)
		return 0
	}
	fmt.Fprintf(env.stderr, "cvlessons: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.stderr, "usage: cvlessons %s\nrun \"cvlessons help %s\" for details\n", cmd.usage, cmd.name)
		return 2
	}
	return 1
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "cvlessons runs the cvlessons computer-vision course.\n\nUsage:\n\n\tcvlessons <command> [arguments]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.short)
	}
	fmt.Fprintf(w, "\nRun \"cvlessons help <command>\" for more about a command.\n")
}

func printHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: cvlessons %s\n\n%s\n", c.usage, strings.TrimSpace(c.long))
}

// newFlagSet returns a flag set for the (sub)command name that reports errors instead of exiting
// and prints nothing by itself: run prints help or usage errors in one place. It takes a name, not
// the *command, so that a command's run function can use it without an initialization cycle.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args into fs, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}
