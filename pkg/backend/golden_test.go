package backend

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// goldenCase is one case of testdata/golden.json, written by testdata/gen_golden.py (PyTorch 1.13).
type goldenCase struct {
	Name, Op, Equation                     string
	X, K, R, Y, Dx, Dk                     []float32
	XDims                                  []int `json:"x_dims"`
	KDims                                  []int `json:"k_dims"`
	YDims                                  []int `json:"y_dims"`
	Stride, Dil                            []int
	Pads                                   [][2]int
	Groups                                 int
	Window, PoolStride, Pad                int
	Scale, Offset, Mean, Var, Dscale, Doff []float32
	Eps                                    float32
	A, B, Da, Db                           []float32
	ADims                                  []int `json:"a_dims"`
	BDims                                  []int `json:"b_dims"`
}

func (c *goldenCase) UnmarshalJSON(data []byte) error {
	type plain goldenCase
	var aux struct {
		plain
		StrideAny json.RawMessage `json:"stride"`
		Doffset   []float32       `json:"doffset"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*c = goldenCase(aux.plain)
	c.Doff = aux.Doffset
	if len(aux.StrideAny) > 0 {
		if aux.StrideAny[0] == '[' {
			return json.Unmarshal(aux.StrideAny, &c.Stride)
		}
		return json.Unmarshal(aux.StrideAny, &c.PoolStride)
	}
	return nil
}

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []goldenCase }
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	return g.Cases
}

func tensorOf(flat []float32, dims []int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(f []float32) { copy(f, flat) })
	return t
}

// closeTo reports the first element of got that differs from want by more than tol·(1+|want|).
func closeTo(got, want []float32, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d values, want %d", len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			return fmt.Errorf("element %d = %g, want %g", i, got[i], want[i])
		}
	}
	return nil
}

func flatOf(t *tensors.Tensor) []float32 {
	var out []float32
	tensors.ConstFlatData(t, func(f []float32) { out = append(out, f...) })
	return out
}

func newTestBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := NewGo("")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenPyTorch checks the forward values and gradients of convolutions, pooling, batch
// normalization and matrix products against PyTorch 1.13.
func TestGoldenPyTorch(t *testing.T) {
	b := newTestBackend(t)
	for _, c := range loadGolden(t) {
		t.Run(c.Name, func(t *testing.T) {
			var outs []*tensors.Tensor
			var want [][]float32
			switch c.Op {
			case "conv":
				n := len(c.XDims) - 2
				axes := ConvolveAxesConfig{InputBatch: 0, InputSpatial: []int{1, 2}, InputChannels: 3,
					KernelSpatial: []int{0, 1}, KernelInputChannels: 2, KernelOutputChannels: 3,
					OutputBatch: 0, OutputSpatial: []int{1, 2}, OutputChannels: 3}
				_ = n
				outs = MustExecOnceN(b, func(x, k, r *Node) []*Node {
					y := ConvGeneral(x, k, axes, c.Stride, c.Pads, nil, c.Dil, c.Groups, 1)
					g := Gradient(ReduceAllSum(Mul(y, r)), x, k)
					return []*Node{y, g[0], g[1]}
				}, tensorOf(c.X, c.XDims), tensorOf(c.K, c.KDims), tensorOf(c.R, c.YDims))
				want = [][]float32{c.Y, c.Dx, c.Dk}
			case "maxpool", "avgpool":
				pads := [][2]int{{c.Pad, c.Pad}, {c.Pad, c.Pad}}
				outs = MustExecOnceN(b, func(x, r *Node) []*Node {
					var pool *PoolBuilder
					if c.Op == "maxpool" {
						pool = MaxPool(x)
					} else {
						pool = MeanPool(x)
					}
					y := pool.Window(c.Window).Strides(c.PoolStride).PaddingPerDim(pads).Done()
					return []*Node{y, Gradient(ReduceAllSum(Mul(y, r)), x)[0]}
				}, tensorOf(c.X, c.XDims), tensorOf(c.R, c.YDims))
				want = [][]float32{c.Y, c.Dx}
			case "batchnorm":
				f := c.XDims[len(c.XDims)-1]
				outs = MustExecOnceN(b, func(x, scale, offset, r *Node) []*Node {
					y, mean, variance := InternalBatchNormForTraining(x, scale, offset, c.Eps, -1)
					g := Gradient(ReduceAllSum(Mul(y, r)), x, scale, offset)
					return []*Node{y, mean, variance, g[0], g[1], g[2]}
				}, tensorOf(c.X, c.XDims), tensorOf(c.Scale, []int{f}), tensorOf(c.Offset, []int{f}), tensorOf(c.R, c.XDims))
				want = [][]float32{c.Y, c.Mean, c.Var, c.Dx, c.Dscale, c.Doff}
			case "einsum":
				outs = MustExecOnceN(b, func(a, bb, r *Node) []*Node {
					y := Einsum(c.Equation, a, bb)
					g := Gradient(ReduceAllSum(Mul(y, r)), a, bb)
					return []*Node{y, g[0], g[1]}
				}, tensorOf(c.A, c.ADims), tensorOf(c.B, c.BDims), tensorOf(c.R, c.YDims))
				want = [][]float32{c.Y, c.Da, c.Db}
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			names := []string{"forward", "gradient #1", "gradient #2", "gradient #3", "gradient #4", "gradient #5"}
			if c.Op == "batchnorm" {
				names = []string{"normalized", "batch mean", "batch variance", "d/dx", "d/dscale", "d/doffset"}
			}
			for i, o := range outs {
				if err := closeTo(flatOf(o), want[i], 2e-4); err != nil {
					t.Errorf("%s: %v", names[i], err)
				}
			}
		})
	}
}
