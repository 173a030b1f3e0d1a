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
	long: `Backend prints which GoMLX backend the lessons and notebooks would use, why, which PJRT
(XLA) plugins go-xla finds installed locally, and whether the course's XLA CPU plugin is installed
(where, which version). It creates nothing and downloads nothing.

The choice: $GOMLX_BACKEND when set ("go" is the course's pure-Go backend, "xla:cpu" XLA on the
CPU); otherwise XLA when go-xla finds a PJRT plugin already installed; otherwise the pure-Go backend.

The course's XLA CPU plugin (scripts/setup.sh installs it from PyPI into
~/.local/share/cvlessons/xla, or $CVLESSONS_XLA_DIR) is used only when asked for:
GOMLX_BACKEND=xla:cpu. Seeded runs on XLA start from other initial weights than the recorded
ones, and XLA was not faster on the course's small nets; docs/backend.md has the details.

Flags:
  --json   print the choice as JSON: {"config": ..., "reason": ..., "plugins": [...],
           "plugin_path": ..., "xla_plugin": {"dir", "path", "installed", "version", "not_installed"}}`,
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
		type xlaPlugin struct {
			Dir          string `json:"dir"`
			Path         string `json:"path"`
			Installed    bool   `json:"installed"`
			Version      string `json:"version,omitempty"`
			NotInstalled string `json:"not_installed,omitempty"`
		}
		p := c.XLAPlugin
		out := struct {
			Config     string    `json:"config"`
			Reason     string    `json:"reason"`
			Plugins    []string  `json:"plugins"`
			PluginPath string    `json:"plugin_path,omitempty"`
			XLAPlugin  xlaPlugin `json:"xla_plugin"`
		}{c.Config, c.Reason, c.Plugins, c.PluginPath, xlaPlugin{p.Dir, p.Path, p.Installed, p.Version, p.NotInstalled}}
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
	plugins := "none on go-xla's search path"
	if len(c.Plugins) > 0 {
		plugins = strings.Join(c.Plugins, ", ")
	}
	fmt.Fprintf(env.stdout, "backend: %s\nreason:  %s\nplugins: %s\nxla:     the course's XLA CPU plugin is %s\n",
		c.Config, c.Reason, plugins, c.XLAPlugin.Summary())
	return nil
}
