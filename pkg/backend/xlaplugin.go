package backend

import (
	"os"
	"path/filepath"
	"strings"
)

// XLADirEnv names the environment variable that overrides the folder of the course's XLA CPU plugin
// (XLAPlugin.Dir). scripts/lib.sh sets the same default.
const XLADirEnv = "CVLESSONS_XLA_DIR"

// xlaPluginFile is the plugin's file name in its folder: go-xla takes a plugin's name from
// pjrt_c_api_<name>_plugin.so, so this one is "cpu".
const xlaPluginFile = "pjrt_c_api_cpu_plugin.so"

// XLAPlugin describes the course's XLA CPU plugin: the PJRT plugin scripts/setup.sh (through
// scripts/install-xla.sh) extracts from a wheel on PyPI pinned by its SHA-256, into a folder of the
// course's own. go-xla does not search that folder by itself, so the plugin never makes XLA the
// default; GOMLX_BACKEND=xla or xla:cpu uses it when go-xla finds no "cpu" plugin of its own (see
// Choose).
type XLAPlugin struct {
	// Dir is the plugin's folder: $CVLESSONS_XLA_DIR, else ~/.local/share/cvlessons/xla.
	Dir string
	// Path is the plugin library, Dir/pjrt_c_api_cpu_plugin.so.
	Path string
	// Installed reports whether Path is a regular file. Its SHA-256 is checked when it is installed,
	// not here (hashing 270 MB on every start would cost a second).
	Installed bool
	// Version is the first line of Dir/VERSION, written by the installer
	// ("fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106; ...)"), or "" when absent.
	Version string
	// NotInstalled is why the installer's last attempt failed, from Dir/not-installed.txt
	// ("2026-...Z: pip could not download ..."), or "".
	NotInstalled string
}

// CourseXLAPlugin looks for the course's XLA CPU plugin without loading it.
func CourseXLAPlugin() XLAPlugin {
	dir := os.Getenv(XLADirEnv)
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return XLAPlugin{}
		}
		dir = filepath.Join(home, ".local", "share", "cvlessons", "xla")
	}
	p := XLAPlugin{Dir: dir, Path: filepath.Join(dir, xlaPluginFile)}
	if st, err := os.Stat(p.Path); err == nil && st.Mode().IsRegular() {
		p.Installed = true
	}
	p.Version = firstLine(filepath.Join(dir, "VERSION"))
	if !p.Installed {
		p.NotInstalled = firstLine(filepath.Join(dir, "not-installed.txt"))
	}
	return p
}

// firstLine returns the first line of a small text file, trimmed, or "" when it cannot be read.
func firstLine(path string) string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) > 64<<10 {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

// Summary says in one line whether the plugin is installed, where, which version, and how to use
// it or how to install it.
func (p XLAPlugin) Summary() string {
	if p.Dir == "" {
		return "not installed (no home folder to look in; set " + XLADirEnv + ")"
	}
	if p.Installed {
		v := p.Version
		if v == "" {
			v = "version unknown: no VERSION file"
		}
		return "installed at " + p.Path + " (" + v + "); GOMLX_BACKEND=xla:cpu uses it"
	}
	s := "not installed in " + p.Dir
	if p.NotInstalled != "" {
		s += " (last attempt " + p.NotInstalled + ")"
	}
	return s + "; scripts/setup.sh installs it from PyPI"
}
