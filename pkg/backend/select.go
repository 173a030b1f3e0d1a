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
	// Plugins lists the PJRT plugins found installed locally (names), if any.
	Plugins []string
}

// Choose decides which backend New would use:
//
//  1. $GOMLX_BACKEND, when set, is honoured exactly as GoMLX documents it ("NAME" or "NAME:CONFIG");
//     "go" and "simplego" select this package's pure-Go training backend.
//  2. Otherwise XLA, only when a PJRT plugin is already installed locally (searched in
//     $PJRT_PLUGIN_LIBRARY_PATH, /usr/local/lib/go-xla, ~/.local/lib/go-xla and the system library
//     paths). Nothing is downloaded.
//  3. Otherwise the pure-Go backend, which runs everywhere.
func Choose() Choice {
	if cfg, ok := os.LookupEnv(backends.ConfigEnvVar); ok && cfg != "" {
		return Choice{Config: cfg, Reason: fmt.Sprintf("$%s=%q", backends.ConfigEnvVar, cfg), Plugins: installedPlugins()}
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
		return Choice{Config: "xla:" + plugin, Reason: fmt.Sprintf("PJRT plugin %q is installed locally", plugin), Plugins: plugins}
	}
	return Choice{Config: Name, Reason: "no PJRT plugin installed locally; the pure-Go backend runs anywhere, with no download"}
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
		if cfg == "" || !strings.HasPrefix(cfg, "/") {
			plugin, _, _ := strings.Cut(cfg, ",")
			if len(c.Plugins) == 0 || (plugin != "" && !slices.Contains(c.Plugins, plugin)) {
				return nil, fmt.Errorf("backend: %s asks for XLA but no PJRT plugin %q is installed locally "+
					"(found %q).\nInstall the CPU plugin once, online, with:\n"+
					"    go run github.com/gomlx/go-xla/cmd/pjrt_installer@v0.1.4 -plugin=cpu\n"+
					"or use the pure-Go backend, which needs nothing: unset %s or set %s=%s",
					c.Reason, plugin, c.Plugins, backends.ConfigEnvVar, backends.ConfigEnvVar, Name)
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

// GEMMKernels names the matrix-product micro-kernels the pure-Go backend uses on this CPU,
// preferred first ("avx2-6x16"). Training on the pure-Go backend is bit-identical between runs
// with the same seed and worker count on machines that report the same kernels; other kernels
// round differently.
func GEMMKernels() string { return gemm.Kernels() }
