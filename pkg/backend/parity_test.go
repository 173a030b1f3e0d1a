package backend

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	flat := make([]float32, n)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())
	}
	return tensorOf(flat, dims)
}

// TestParityWithSimpleGo runs graphs on this backend and on plain simplego, which has these ops
// too, and compares the results. Shapes are large enough to take the native paths.
func TestParityWithSimpleGo(t *testing.T) {
	ours := newTestBackend(t)
	sg, err := simplego.New("")
	if err != nil {
		t.Fatal(err)
	}
	type graphFn func(x, y *Node) *Node
	cases := []struct {
		name  string
		xDims []int
		yDims []int
		fn    graphFn
		exact bool
	}{
		{"add same shape", []int{8, 16, 16, 8}, []int{8, 16, 16, 8}, func(x, y *Node) *Node { return Add(x, y) }, true},
		{"sub bias broadcast", []int{8, 16, 16, 8}, []int{1, 1, 1, 8}, func(x, y *Node) *Node { return Sub(x, y) }, true},
		{"mul middle broadcast", []int{4, 32, 16, 8}, []int{4, 1, 16, 1}, func(x, y *Node) *Node { return Mul(x, y) }, true},
		{"div lhs broadcast", []int{1, 64, 1}, []int{32, 64, 16}, func(x, y *Node) *Node { return Div(x, y) }, true},
		{"max with scalar", []int{64, 400}, []int{}, func(x, y *Node) *Node { return Max(x, y) }, true},
		{"min both broadcast", []int{64, 1, 512}, []int{1, 48, 1}, func(x, y *Node) *Node { return Min(x, y) }, true},
		{"neg, abs, sign", []int{128, 200}, []int{1}, func(x, y *Node) *Node { return Add(Neg(Abs(x)), Sign(x)) }, true},
		{"sqrt, rsqrt, log, exp", []int{128, 200}, []int{1}, func(x, y *Node) *Node {
			a := Add(Abs(x), Const(x.Graph(), float32(0.5)))
			return Add(Add(Sqrt(a), Rsqrt(a)), Add(Log(a), Exp(x)))
		}, false},
		{"tanh, logistic", []int{128, 200}, []int{1}, func(x, y *Node) *Node { return Add(Tanh(x), Logistic(x)) }, false},
		{"reduce sum leading axes", []int{16, 12, 12, 32}, []int{1}, func(x, y *Node) *Node { return ReduceSum(x, 0, 1, 2) }, false},
		{"reduce sum trailing axes", []int{16, 12, 12, 32}, []int{1}, func(x, y *Node) *Node { return ReduceSum(x, 2, 3) }, false},
		{"reduce sum middle axis", []int{16, 12, 12, 32}, []int{1}, func(x, y *Node) *Node { return ReduceSum(x, 1) }, false},
		{"reduce sum all", []int{16, 12, 12, 32}, []int{1}, func(x, y *Node) *Node { return ReduceAllSum(x) }, false},
		{"max pool 3x3 stride 2 same", []int{4, 17, 15, 8}, []int{1}, func(x, y *Node) *Node {
			return MaxPool(x).Window(3).Strides(2).PadSame().Done()
		}, true},
		{"sum pool 2x2, not channels-last", []int{4, 8, 17, 15}, []int{1}, func(x, y *Node) *Node {
			return MeanPool(x).ChannelsAxis(1).Window(2).Done()
		}, false},
		{"conv 3x3 same vs simplego", []int{4, 13, 11, 5}, []int{3, 3, 5, 7}, func(x, y *Node) *Node {
			return Convolve(x, y).Strides(1).PadSame().Done()
		}, false},
		{"conv channels-first, stride 2", []int{3, 5, 13, 11}, []int{7, 5, 3, 3}, func(x, y *Node) *Node {
			axes := ConvolveAxesConfig{InputBatch: 0, InputChannels: 1, InputSpatial: []int{2, 3},
				KernelOutputChannels: 0, KernelInputChannels: 1, KernelSpatial: []int{2, 3},
				OutputBatch: 0, OutputChannels: 1, OutputSpatial: []int{2, 3}}
			return ConvGeneral(x, y, axes, []int{2, 2}, [][2]int{{1, 1}, {0, 1}}, nil, nil, 1, 1)
		}, false},
		{"dot general, batch axis in the middle", []int{6, 4, 9}, []int{9, 4, 5}, func(x, y *Node) *Node {
			return DotGeneral(x, []int{2}, []int{1}, y, []int{0}, []int{1})
		}, false},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, y := randomTensor(rng, c.xDims...), randomTensor(rng, c.yDims...)
			run := func(b backends.Backend) []float32 {
				xs, ys := tensorOf(flatOf(x), c.xDims), tensorOf(flatOf(y), c.yDims)
				return flatOf(MustExecOnce(b, func(x, y *Node) *Node { return c.fn(x, y) }, xs, ys))
			}
			got, want := run(ours), run(sg)
			tol := 1e-4 // float32 sums in another order
			if c.exact {
				tol = 0
			}
			if err := closeTo(got, want, tol); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestConvolveWithoutStrides: GoMLX's Convolve builder passes zero strides when none are set, which
// plain simplego rejects; this backend reads them as 1.
func TestConvolveWithoutStrides(t *testing.T) {
	b := newTestBackend(t)
	rng := rand.New(rand.NewPCG(5, 6))
	x, k := randomTensor(rng, 2, 9, 9, 3), randomTensor(rng, 3, 3, 3, 4)
	got := MustExecOnce(b, func(x, k *Node) *Node { return Convolve(x, k).PadSame().Done() }, x, k)
	want := MustExecOnce(b, func(x, k *Node) *Node { return Convolve(x, k).Strides(1).PadSame().Done() }, x, k)
	if err := closeTo(flatOf(got), flatOf(want), 0); err != nil {
		t.Error(err)
	}
}
