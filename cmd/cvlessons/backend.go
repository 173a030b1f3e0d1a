package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/backend"
)

var cmdBackend = &command{
	name:  "backend",
	usage: "backend [--json]",
	short: "say which GoMLX backend would run and why",
	long: `Backend prints which GoMLX backend the lessons and notebooks would use, why, and which
PJRT (XLA) plugins are installed locally. It creates nothing and downloads nothing.

The choice: $GOMLX_BACKEND when set ("go" is the course's pure-Go backend, "xla:cpu" XLA on the
CPU); otherwise XLA when a PJRT plugin is already installed; otherwise the pure-Go backend.

Flags:
  --json   print the choice as JSON: {"config": ..., "reason": ..., "plugins": [...]}`,
	run: runBackend,
}

func runBackend(env *environment, args []string) error {
	fs := newFlagSet("backend")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("backend: unexpected argument %q", fs.Arg(0))
	}
	c := backend.Choose()
	if *asJSON {
		out := struct {
			Config  string   `json:"config"`
			Reason  string   `json:"reason"`
			Plugins []string `json:"plugins"`
		}{c.Config, c.Reason, c.Plugins}
		if out.Plugins == nil {
			out.Plugins = []string{}
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s\n", data)
		return nil
	}
	plugins := "none"
	if len(c.Plugins) > 0 {
		plugins = strings.Join(c.Plugins, ", ")
	}
	fmt.Fprintf(env.stdout, "backend: %s\nreason:  %s\nplugins: %s\n", c.Config, c.Reason, plugins)
	return nil
}
