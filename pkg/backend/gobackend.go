package backend

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Name is the name under which the pure-Go training backend is registered with GoMLX (the same name
// simplego uses, so GOMLX_BACKEND=go selects it whenever this package is linked in).
const Name = "go"

// Backend is the pure-Go training backend. Buffers and most ops are simplego's; convolutions,
// matrix products, padding, reversal, max-pool gradients and batch normalization run on this
// package's kernels, which use every core.
type Backend struct {
	*simplego.Backend
	sg      *simplego.Backend
	workers int
}

var _ backends.Backend = (*Backend)(nil)

func init() {
	// Replace simplego's registration: importing this package makes "go" the training backend.
	backends.Register(Name, NewGo)
	registerVJPs()
}

// NewGo returns the pure-Go training backend. config is a comma-separated list of options:
// "workers=N" sets how many goroutines the native kernels use (default GOMAXPROCS); every other
// option is passed to simplego.
func NewGo(config string) (backends.Backend, error) {
	workers := runtime.GOMAXPROCS(0)
	var rest []string
	for _, part := range strings.Split(config, ",") {
		if v, ok := strings.CutPrefix(part, "workers="); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("backend %q: option workers=%q: want a positive integer", Name, v)
			}
			workers = n
			continue
		}
		if part != "" {
			rest = append(rest, part)
		}
	}
	sg, err := simplego.New(strings.Join(rest, ","))
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", Name, err)
	}
	s := sg.(*simplego.Backend)
	return &Backend{Backend: s, sg: s, workers: workers}, nil
}

// Name implements backends.Backend.
func (b *Backend) Name() string { return Name }

// String implements backends.Backend.
func (b *Backend) String() string { return Name }

// Description implements backends.Backend.
func (b *Backend) Description() string {
	return fmt.Sprintf("cvlessons pure-Go training backend (simplego + native kernels, %d workers)", b.workers)
}

// Capabilities implements backends.Backend: simplego's, plus the ops this package adds.
func (b *Backend) Capabilities() backends.Capabilities {
	c := b.sg.Capabilities().Clone()
	for _, op := range []backends.OpType{
		backends.OpTypeConvGeneral, backends.OpTypeDotGeneral, backends.OpTypePad, backends.OpTypeReverse,
		backends.OpTypeSelectAndScatterMax, backends.OpTypeSelectAndScatterMin,
		backends.OpTypeBatchNormForTraining, backends.OpTypeBatchNormGradient, backends.OpTypeBatchNormForInference,
	} {
		c.Operations[op] = true
	}
	return c
}

// Builder implements backends.Backend.
func (b *Backend) Builder(name string) backends.Builder {
	return &Builder{backend: b, name: name, shadow: b.sg.Builder(name + "#shadow")}
}
