package backend

import (
	"fmt"
	"github.com/cvlessons/cvlessons/pkg/backend/internal/gemm"
	"io"
	"log"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
)

// Choice says which backend New would create and why, without creating it.
type Choice struct {
	// Config is the GoMLX backend configuration ("go" for ours, "xla:cpu", ...), as GOMLX_BACKEND spells it.
	Config string
	// Reason is a one-line explanation of why this backend was chosen.
	Reason string
	// Plugins lists the PJRT plugins go-xla finds installed locally (names), if any.
	Plugins []string
	// XLAPlugin is the course's XLA CPU plugin (installed or not), which go-xla does not find by itself.
	XLAPlugin XLAPlugin
	// PluginPath is the PJRT plugin library XLA loads instead of searching by name: the course's XLA
	// CPU plugin, when Config asks for XLA's "cpu" plugin (or any plugin), $PJRT_PLUGIN_LIBRARY_PATH
	// is unset and go-xla finds none of its own. Empty otherwise.
	PluginPath string
}

// Choose decides which backend New would use:
//
//  1. $GOMLX_BACKEND, when set, is honoured exactly as GoMLX documents it ("NAME" or "NAME:CONFIG");
//     "go" and "simplego" select this package's pure-Go training backend.
//     XLA's CPU plugin is go-xla's own when it finds one, else the course's (see XLAPlugin).
//  2. Otherwise XLA, only when go-xla finds a PJRT plugin already installed locally (searched in
//     $PJRT_PLUGIN_LIBRARY_PATH, /usr/local/lib/go-xla, ~/.local/lib/go-xla and the system library
//     paths). Nothing is downloaded. The course's XLA CPU plugin is not among them: it is used only
//     on request, because seeded runs on XLA start from other initial weights than the recorded
//     ones (XLA's random bits come from Philox, the pure-Go backend's from PCG) and because XLA was
//     not faster on the course's small networks (docs/backend.md has the measurements).
//  3. Otherwise the pure-Go backend, which runs everywhere.
func Choose() Choice {
	course := CourseXLAPlugin()
	if cfg, ok := os.LookupEnv(backends.ConfigEnvVar); ok && cfg != "" {
		c := Choice{Config: cfg, Reason: fmt.Sprintf("$%s=%q", backends.ConfigEnvVar, cfg), Plugins: installedPlugins(), XLAPlugin: course}
		if c.wantsCourseXLA() {
			c.PluginPath = course.Path
			c.Reason += "; the course's XLA CPU plugin at " + course.Path
		}
		return c
	}
	plugins := installedPlugins()
	if len(plugins) > 0 {
		plugin := plugins[0]
		if slices.Contains(plugins, "cpu") {
			plugin = "cpu"
		}
		if slices.Contains(plugins, "cuda") {
			plugin = "cuda"
		}
		return Choice{Config: "xla:" + plugin, Reason: fmt.Sprintf("PJRT plugin %q is installed locally", plugin), Plugins: plugins, XLAPlugin: course}
	}
	if course.Installed {
		return Choice{Config: Name, XLAPlugin: course, Reason: "the pure-Go backend is the default; the course's XLA CPU plugin is installed " +
			"but used only when asked for (" + backends.ConfigEnvVar + "=xla:cpu): seeded runs on XLA start from other weights " +
			"than the recorded ones, and XLA was not faster on the course's small nets"}
	}
	return Choice{Config: Name, XLAPlugin: course, Reason: "no PJRT plugin installed locally; the pure-Go backend runs anywhere, with no download"}
}

// wantsCourseXLA reports whether the course's XLA CPU plugin should stand in for the plugin Config
// names: Config asks for XLA with no plugin or with "cpu", $PJRT_PLUGIN_LIBRARY_PATH is unset (one
// set by hand is obeyed as it is), go-xla finds no such plugin itself, and the course's is installed.
func (c Choice) wantsCourseXLA() bool {
	name, cfg, _ := strings.Cut(c.Config, ":")
	if !isXLAName(name) || !c.XLAPlugin.Installed {
		return false
	}
	if _, set := os.LookupEnv(pjrt.PJRTPluginPathsEnv); set {
		return false
	}
	plugin, _, _ := strings.Cut(cfg, ",")
	switch plugin {
	case "":
		return len(c.Plugins) == 0
	case "cpu":
		return !slices.Contains(c.Plugins, "cpu")
	}
	return false
}

// isXLAName reports whether a GoMLX backend name selects XLA.
func isXLAName(name string) bool {
	switch name {
	case xla.BackendName, "stablehlo", "hlo", "shlo":
		return true
	}
	return false
}

// installedPlugins lists the PJRT plugins present on this machine, sorted, without downloading any.
func installedPlugins() []string {
	var names []string
	for name := range pjrt.AvailablePlugins() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// New returns the backend chosen as Choose describes and logs one line saying which and why to the
// standard logger. Use NewLogged to send that line elsewhere.
func New() (backends.Backend, error) {
	return NewLogged(log.Writer())
}

// NewLogged is New with the one-line explanation written to w (nil: not written).
func NewLogged(w io.Writer) (backends.Backend, error) {
	c := Choose()
	b, err := c.create()
	if err != nil {
		return nil, err
	}
	if w != nil {
		fmt.Fprintf(w, "cvlessons: backend %s (%s)\n", b.Name(), c.Reason)
	}
	return b, nil
}

// MustNew is New that panics on error, for notebooks and examples.
func MustNew() backends.Backend {
	b, err := New()
	if err != nil {
		panic(err)
	}
	return b
}

// create builds the backend for the choice.
func (c Choice) create() (backends.Backend, error) {
	name, cfg, _ := strings.Cut(c.Config, ":")
	switch name {
	case Name, "simplego":
		return NewGo(cfg)
	case xla.BackendName, "stablehlo", "hlo", "shlo":
		if c.PluginPath != "" {
			cfg = xlaPathConfig(c.PluginPath, cfg)
		} else if cfg == "" || !strings.HasPrefix(cfg, "/") {
			plugin, _, _ := strings.Cut(cfg, ",")
			if len(c.Plugins) == 0 || (plugin != "" && !slices.Contains(c.Plugins, plugin)) {
				return nil, fmt.Errorf("backend: %s asks for XLA but no PJRT plugin %q is installed locally "+
					"(found %q; the course's XLA CPU plugin is %s).\nInstall the CPU plugin once, online, with either of:\n"+
					"    scripts/setup.sh    (from PyPI, a pinned wheel, into the course's folder; then use %s=xla:cpu)\n"+
					"    go run github.com/gomlx/go-xla/cmd/pjrt_installer@v0.1.4 -plugin=cpu    (from GitHub)\n"+
					"or use the pure-Go backend, which needs nothing: unset %s or set %s=%s",
					c.Reason, plugin, c.Plugins, c.XLAPlugin.Summary(), backends.ConfigEnvVar, backends.ConfigEnvVar, backends.ConfigEnvVar, Name)
			}
		}
		xla.EnableAutoInstall(false)
		b, err := xla.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("backend: creating XLA backend %q: %w", cfg, err)
		}
		return b, nil
	}
	b, err := backends.NewWithConfig(c.Config)
	if err != nil {
		return nil, fmt.Errorf("backend: %s: %w", c.Reason, err)
	}
	return b, nil
}

// xlaPathConfig rewrites an XLA plugin configuration ("cpu,OPTIONS" or "") to load the plugin at path,
// keeping the options. go-xla shares host buffers with a plugin only when its name is "cpu", so the
// course's CPU plugin loaded by path asks for them ("shared_buffers"), unless the options say.
func xlaPathConfig(path, cfg string) string {
	_, opts, _ := strings.Cut(cfg, ",")
	parts := []string{path}
	if opts != "" {
		parts = append(parts, strings.Split(opts, ",")...)
	}
	if !slices.Contains(parts, "shared_buffers") && !slices.Contains(parts, "noshared_buffers") {
		parts = append(parts, "shared_buffers")
	}
	return strings.Join(parts, ",")
}

// GEMMKernels names the matrix-product micro-kernels the pure-Go backend uses on this CPU,
// preferred first ("avx2-6x16"). Training on the pure-Go backend is bit-identical between runs
// with the same seed and worker count on machines that report the same kernels; other kernels
// round differently.
func GEMMKernels() string { return gemm.Kernels() }
