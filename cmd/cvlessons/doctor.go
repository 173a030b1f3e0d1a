package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
)

var cmdDoctor = &command{
	name:  "doctor",
	usage: "doctor",
	short: "check that Go, GoNB, Jupyter, the backend and the data sets are ready",
	long: `Doctor checks what the course needs and prints one line per item: ok, MISSING (required),
or warn (optional), each missing item followed by the command that fixes it.

Required: Go 1.26 or newer; a C compiler (GoMLX's XLA binding uses cgo); GoNB, goimports and
gopls (the notebook kernel and its helpers);
Jupyter from the OS packages at /usr/bin/jupyter; the GoNB kernel registered with Jupyter; a GoMLX
backend that starts. Optional: the data sets and pretrained weights in the catalogue
("cvlessons data list"), each checked by content as "cvlessons data verify" does (SHA-256 or what
the catalogue knows instead), so a damaged or substituted file of the right size is reported;
lessons that need a missing one say so when run.

The jupyterlab line (optional) says which UI "make lab" serves: JupyterLab from the course's venv
when scripts/install-lab.sh could install it from PyPI, the classic Notebook otherwise, and why.

The backend line names the backend that starts and why; the xla line (optional) says whether the
course's XLA CPU plugin is installed, where and which version, or why not. The pure-Go backend
stays the default even when it is; GOMLX_BACKEND=xla:cpu trains on XLA (docs/backend.md).

"make setup" (scripts/setup.sh) installs every required piece; "make lab" runs it too. Exit status
1 when something required is missing.`,
	run: runDoctor,
}

// doctorProbe is how doctor looks at the machine; tests replace it.
type doctorProbe struct {
	// goVersion returns the version "go env GOVERSION" prints ("go1.26.8").
	goVersion func() (string, error)
	// findTool returns the path of a Go-installed tool, looking in $PATH, then $GOBIN and $GOPATH/bin.
	findTool func(name string) (string, bool)
	// exists reports whether a file exists.
	exists func(path string) bool
	// kernelDirs lists the directories Jupyter searches for kernels.
	kernelDirs func() []string
	// backend starts the chosen backend, returning its description or an error.
	backend func() (string, error)
	// xlaPlugin looks for the course's XLA CPU plugin (nil: not checked).
	xlaPlugin func() backend.XLAPlugin
	// labUI says which Jupyter UI "make lab" serves (nil: not checked).
	labUI func() labUI
	// data lists the catalogue: name, whether it holds weights, where it was found, and whether
	// its content checks out.
	data func() []dataStatus
}

// dataStatus is one catalogue entry as doctor reports it.
type dataStatus struct {
	name    string
	weights bool
	dir     string
	// err is why the entry was not found; bad, for an entry found, what failed its content check.
	err error
	bad []datasets.Check
}

// probe is the machine doctor checks.
var probe = systemProbe()

// doctorCheck is one line of the report.
type doctorCheck struct {
	name     string
	required bool
	ok       bool
	detail   string
	fix      string
}

// jupyterBin is the OS packages' Jupyter: the course always calls it by this path, because the
// first python3 on $PATH may be a different interpreter without Jupyter.
const jupyterBin = "/usr/bin/jupyter"

func runDoctor(env *environment, args []string) error {
	fs := newFlagSet("doctor")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("doctor: unexpected argument %q", fs.Arg(0))
	}
	checks := doctorChecks(probe)
	missing := 0
	for _, c := range checks {
		status := "ok"
		switch {
		case !c.ok && c.required:
			status = "MISSING"
			missing++
		case !c.ok:
			status = "warn"
		}
		fmt.Fprintf(env.stdout, "%-8s %-14s %s\n", status, c.name, c.detail)
		if !c.ok && c.fix != "" {
			fmt.Fprintf(env.stdout, "         %-14s fix: %s\n", "", c.fix)
		}
	}
	if missing > 0 {
		return fmt.Errorf("doctor: %d required item(s) missing; fix them as shown above, or run \"make lab\" in the repository", missing)
	}
	fmt.Fprintln(env.stdout, "\nall required items are present: run \"make lab\" to open the course")
	return nil
}

// doctorChecks runs every check against p.
func doctorChecks(p doctorProbe) []doctorCheck {
	var checks []doctorCheck
	v, err := p.goVersion()
	goCheck := doctorCheck{name: "go", required: true, detail: v,
		fix: "install Go 1.26 or newer from https://go.dev/dl/ and put its bin directory on $PATH"}
	switch {
	case err != nil:
		goCheck.detail = err.Error()
	case !goAtLeast(v, 1, 26):
		goCheck.detail = v + " is older than go1.26"
	default:
		goCheck.ok = true
	}
	checks = append(checks, goCheck)

	for _, tool := range []string{"gonb", "goimports", "gopls"} {
		path, ok := p.findTool(tool)
		c := doctorCheck{name: tool, required: true, ok: ok, detail: path,
			fix: "make setup (scripts/setup.sh; make lab runs it too): installs GoNB v0.11.5, goimports v0.52.0 and gopls v0.23.0"}
		if !ok {
			c.detail = "not found in $PATH, $GOBIN or $(go env GOPATH)/bin"
		}
		checks = append(checks, c)
	}

	cc, ok := p.findTool("gcc")
	gcc := doctorCheck{name: "gcc", required: true, ok: ok, detail: cc,
		fix: "sudo apt-get install -y gcc libc6-dev (GoMLX's XLA binding uses cgo)"}
	if !ok {
		gcc.detail = "no C compiler on $PATH"
	}
	checks = append(checks, gcc)

	jupyter := doctorCheck{name: "jupyter", required: true, ok: p.exists(jupyterBin), detail: jupyterBin,
		fix: "sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client"}
	if !jupyter.ok {
		jupyter.detail = jupyterBin + " not found (the OS packages' Jupyter)"
	}
	checks = append(checks, jupyter)

	kernel := doctorCheck{name: "gonb kernel", required: true,
		detail: "no gonb/kernel.json in " + strings.Join(p.kernelDirs(), ", "),
		fix:    "gonb --install (make lab does it)"}
	for _, dir := range p.kernelDirs() {
		if path := filepath.Join(dir, "gonb", "kernel.json"); p.exists(path) {
			kernel.ok, kernel.detail = true, path
			break
		}
	}
	checks = append(checks, kernel)
	if p.labUI != nil {
		checks = append(checks, labUICheck(p.labUI()))
	}

	desc, err := p.backend()
	be := doctorCheck{name: "backend", required: true, ok: err == nil, detail: desc,
		fix: "unset GOMLX_BACKEND to use the pure-Go backend, or see \"cvlessons backend\""}
	if err != nil {
		be.detail = err.Error()
	}
	checks = append(checks, be)
	if p.xlaPlugin != nil {
		checks = append(checks, xlaPluginCheck(p.xlaPlugin()))
	}

	for _, d := range p.data() {
		c := doctorCheck{name: d.name, ok: d.err == nil && len(d.bad) == 0, detail: d.dir, fix: "cvlessons data fetch " + d.name}
		switch {
		case d.err != nil:
			c.detail = "not found"
			if d.weights {
				c.detail = "not found (pretrained weights, for the transfer-learning lessons)"
			}
		case len(d.bad) > 0:
			var paths, errs []string
			for _, b := range d.bad {
				paths = append(paths, b.Path)
				errs = append(errs, b.Err.Error())
			}
			c.detail = "DAMAGED: " + strings.Join(errs, "; ")
			c.fix = fmt.Sprintf("delete %s, then: cvlessons data fetch %s", strings.Join(paths, " "), d.name)
		}
		checks = append(checks, c)
	}
	return checks
}

// catalogueStatus locates each entry and checks its files' content (datasets.Entry.Verify).
func catalogueStatus(entries []*datasets.Entry) []dataStatus {
	var out []dataStatus
	for _, e := range entries {
		d := dataStatus{name: e.Name, weights: e.Kind == datasets.Weights}
		d.dir, d.err = e.Locate()
		if d.err == nil {
			checks, err := e.Verify()
			if err != nil {
				d.err = err
			}
			for _, c := range checks {
				if c.Err != nil {
					d.bad = append(d.bad, c)
				}
			}
		}
		out = append(out, d)
	}
	return out
}

// xlaPluginCheck reports the course's XLA CPU plugin: optional, since the pure-Go backend needs
// nothing, and never the default.
func xlaPluginCheck(x backend.XLAPlugin) doctorCheck {
	c := doctorCheck{name: "xla", ok: x.Installed, detail: x.Summary() + "; the pure-Go backend stays the default",
		fix: "scripts/setup.sh (downloads it from pypi.org), or, with github.com reachable, go-xla's installer: " +
			"go run github.com/gomlx/go-xla/cmd/pjrt_installer@v0.1.4 -plugin=cpu -path=~/.local/lib/go-xla " +
			"(go-xla searches there, so XLA becomes the default)"}
	if !x.Installed {
		c.detail = x.Summary() + "; the course runs on the pure-Go backend"
	}
	return c
}

// goAtLeast reports whether a "goMAJOR.MINOR[.PATCH]" version string (prereleases like "go1.27rc1"
// included) is at least major.minor.
func goAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(v), "go"), ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, err1 := strconv.Atoi(parts[0])
	digits := parts[1]
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i] // "27rc1" -> "27"
	}
	min, err2 := strconv.Atoi(digits)
	if err1 != nil || err2 != nil {
		return false
	}
	return maj > major || (maj == major && min >= minor)
}

// systemProbe looks at this machine.
func systemProbe() doctorProbe {
	return doctorProbe{
		goVersion: func() (string, error) {
			out, err := exec.Command("go", "env", "GOVERSION").Output()
			if err != nil {
				return "", fmt.Errorf("running \"go env GOVERSION\": %v", err)
			}
			return strings.TrimSpace(string(out)), nil
		},
		findTool: func(name string) (string, bool) {
			if path, err := exec.LookPath(name); err == nil {
				return path, true
			}
			var dirs []string
			if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
				lines := strings.Split(strings.TrimSpace(string(out)), "\n")
				if len(lines) == 2 {
					dirs = append(dirs, lines[0], filepath.Join(lines[1], "bin"))
				}
			}
			for _, d := range dirs {
				if path := filepath.Join(d, name); d != "" && fileExists(path) {
					return path, true
				}
			}
			return "", false
		},
		exists:     fileExists,
		kernelDirs: jupyterKernelDirs,
		backend: func() (string, error) {
			c := backend.Choose()
			b, err := backend.NewLogged(nil)
			if err != nil {
				return "", err
			}
			defer b.Finalize()
			return fmt.Sprintf("%s (%s)", b.Name(), c.Reason), nil
		},
		data:      func() []dataStatus { return catalogueStatus(datasets.Catalogue()) },
		xlaPlugin: backend.CourseXLAPlugin,
		labUI:     func() labUI { return courseLabUI(os.Getenv("CVLESSONS_ROOT")) },
	}
}

// jupyterKernelDirs lists where Jupyter looks for kernel specs, in its order: $JUPYTER_PATH,
// the user's data directory, then the system directories.
func jupyterKernelDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if d != "" {
			dirs = append(dirs, filepath.Join(d, "kernels"))
		}
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		dirs = append(dirs, filepath.Join(d, "kernels"))
	} else if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "jupyter", "kernels"))
	}
	return append(dirs, "/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
