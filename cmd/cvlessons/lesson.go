package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/cvlessons/cvlessons/lessons"
	augmentlesson "github.com/cvlessons/cvlessons/lessons/augment"
	"github.com/cvlessons/cvlessons/lessons/batchnorm"
	"github.com/cvlessons/cvlessons/lessons/detection"
	metricslesson "github.com/cvlessons/cvlessons/lessons/metrics"
	"github.com/cvlessons/cvlessons/lessons/resnet"
	"github.com/cvlessons/cvlessons/lessons/transfer"
	"github.com/cvlessons/cvlessons/lessons/vgg"
	"github.com/cvlessons/cvlessons/lessons/welcome"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// lessonEntries is the course catalogue, in teaching order. Each lesson package adds its line.
func lessonEntries() []lessons.Entry {
	return []lessons.Entry{
		welcome.Entry(),
		vgg.Entry(),
		resnet.Entry(),
		batchnorm.Entry(),
		transfer.Entry(),
		augmentlesson.Entry(),
		metricslesson.Entry(),
		detection.Entry(),
		detection.YOLOStudyEntry(),
	}
}

var cmdLesson = &command{
	name:  "lesson",
	usage: "lesson list [--json] | lesson run NAME... | --all [--preset class|quick|full] [--out DIR] [--json] [--record DIR]",
	short: "list or run lessons headless",
	long: `Lesson lists the course's lessons or runs one without Jupyter.

  lesson list          print each lesson's name, notebook and one-line description
  lesson run NAME...   run the lessons one after the other, writing each one's figures (PNG)
                       and summary.json to --out
  lesson run --all     run every lesson

Before it trains, a lesson prints its preset, what it will train and how long that took in the
committed run (measurements/); then a progress bar with the time left. Progress goes to stderr.
The summary (the lesson's measured numbers) goes to stdout, as text or, with --json, as the JSON
object also written to summary.json.

Flags for run:
  --preset P    class (the default when $CVLESSONS_PRESET is unset: a notebook within 10 minutes
                on 2 cores), quick (what the tests and CI run) or full (at most 30 minutes a lesson)
  --out DIR     where figures and summary.json go (default out/NAME; with several lessons,
                DIR/NAME)
  --json        print the summary as JSON
  --record DIR  also write the run, with the machine, date, commit, backend and duration, to
                DIR/NAME.PRESET.json: "--record measurements" updates the committed runs that
                the README's tables are generated from (then: go generate ./measurements)`,
	run: runLesson,
}

func runLesson(env *environment, args []string) error {
	if len(args) == 0 {
		return usagef("lesson: missing subcommand, want list or run")
	}
	switch args[0] {
	case "list":
		return lessonList(env, args[1:])
	case "run":
		return lessonRun(env, args[1:])
	case "-h", "--help", "-help":
		return flag.ErrHelp
	}
	return usagef("lesson: unknown subcommand %q, want list or run", args[0])
}

func lessonList(env *environment, args []string) error {
	fs := newFlagSet("lesson")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("lesson list: unexpected argument %q", fs.Arg(0))
	}
	entries := lessonEntries()
	if *asJSON {
		type item struct {
			Name     string `json:"name"`
			Title    string `json:"title"`
			Notebook string `json:"notebook"`
		}
		items := make([]item, len(entries))
		for i, e := range entries {
			items[i] = item{e.Name, e.Title, e.Notebook}
		}
		return lessonJSON(env, items)
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tNOTEBOOK\tWHAT IT SHOWS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\tnotebooks/%s\t%s\n", e.Name, e.Notebook, e.Title)
	}
	return tw.Flush()
}

// lessonSummary is what summary.json holds and --json prints.
type lessonSummary struct {
	Lesson  string         `json:"lesson"`
	Preset  lessons.Preset `json:"preset"`
	Figures []string       `json:"figures"`
	Summary string         `json:"summary"`
	Report  lessons.Result `json:"report"`
}

func lessonRun(env *environment, args []string) error {
	fs := newFlagSet("lesson")
	presetFlag := fs.String("preset", "", "class, quick or full")
	out := fs.String("out", "", "output directory")
	asJSON := fs.Bool("json", false, "print JSON")
	all := fs.Bool("all", false, "run every lesson")
	record := fs.String("record", "", "directory to record the runs in")
	// Accept flags before, between and after the names.
	var names []string
	for rest := args; ; {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	var entries []lessons.Entry
	switch {
	case *all && len(names) > 0:
		return usagef("lesson run: --all and lesson names %q: give one or the other", names)
	case *all:
		entries = lessonEntries()
	case len(names) == 0:
		return usagef("lesson run: missing lesson NAME (or --all); run \"cvlessons lesson list\"")
	}
	for _, name := range names {
		entry, ok := findLesson(name)
		if !ok {
			return usagef("lesson run: unknown lesson %q; run \"cvlessons lesson list\"", name)
		}
		entries = append(entries, entry)
	}
	preset, err := lessons.PresetFromEnv()
	if *presetFlag != "" {
		preset, err = lessons.ParsePreset(*presetFlag)
		if err != nil {
			return usagef("lesson run: --preset %q: want class, quick or full", *presetFlag)
		}
	}
	if err != nil {
		return err
	}
	for _, entry := range entries {
		dir := *out
		switch {
		case dir == "":
			dir = filepath.Join("out", entry.Name)
		case len(entries) > 1:
			dir = filepath.Join(dir, entry.Name)
		}
		if err := runOneLesson(env, entry, preset, dir, *record, *asJSON); err != nil {
			return err
		}
	}
	return nil
}

// runOneLesson runs one lesson with a terminal progress meter, writes its summary.json to dir,
// prints the summary and, when recordDir is not "", records the run there.
func runOneLesson(env *environment, entry lessons.Entry, preset lessons.Preset, dir, recordDir string, asJSON bool) error {
	name := entry.Name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lesson run: %w", err)
	}
	fmt.Fprintf(env.stderr, "lesson %s: running the %s preset, writing to %s\n", name, preset, dir)
	meter := progress.NewTerminal(env.stderr)
	start := time.Now()
	res, err := entry.Run(lessons.Options{Preset: preset, OutDir: dir, Progress: meter})
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("lesson %s: %w", name, err)
	}
	s := lessonSummary{Lesson: name, Preset: preset, Figures: res.Figures(), Summary: res.Summary(), Report: res}
	if s.Figures == nil {
		s.Figures = []string{}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("lesson %s: encoding the summary: %w", name, err)
	}
	summaryPath := filepath.Join(dir, "summary.json")
	if err := plot.WriteFileAtomic(summaryPath, append(data, '\n')); err != nil {
		return fmt.Errorf("lesson %s: %w", name, err)
	}
	if recordDir != "" {
		path, err := recordRun(recordDir, dir, entry, preset, start, elapsed, meter.Done(), res)
		if err != nil {
			return fmt.Errorf("lesson %s: %w", name, err)
		}
		fmt.Fprintf(env.stderr, "lesson %s: recorded %s (%s)\n", name, path, elapsed.Round(time.Second))
	}
	if asJSON {
		fmt.Fprintf(env.stdout, "%s\n", data)
		return nil
	}
	fmt.Fprintln(env.stdout, res.Summary())
	for _, f := range s.Figures {
		fmt.Fprintf(env.stdout, "figure: %s\n", f)
	}
	fmt.Fprintf(env.stdout, "summary: %s\n", summaryPath)
	return nil
}

func findLesson(name string) (lessons.Entry, bool) {
	for _, e := range lessonEntries() {
		if e.Name == name {
			return e, true
		}
	}
	return lessons.Entry{}, false
}

// lessonJSON writes v to stdout as indented JSON.
func lessonJSON(env *environment, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s\n", data)
	return nil
}
