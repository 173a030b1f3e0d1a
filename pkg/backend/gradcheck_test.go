package backend

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// tinyNet is a conv net written with graph ops whose weights are inputs, so that finite
// differences can perturb them: conv (stride 2, padding) → batch norm → ReLU → max pool → conv
// (groups 2, dilation) → mean pool → dense.
func tinyNet(x, k1, k2, w, scale, offset *Node) *Node {
	axes := ConvolveAxesConfig{InputBatch: 0, InputSpatial: []int{1, 2}, InputChannels: 3,
		KernelSpatial: []int{0, 1}, KernelInputChannels: 2, KernelOutputChannels: 3,
		OutputBatch: 0, OutputSpatial: []int{1, 2}, OutputChannels: 3}
	y := ConvGeneral(x, k1, axes, []int{2, 1}, [][2]int{{1, 1}, {1, 0}}, nil, nil, 1, 1)
	y, _, _ = InternalBatchNormForTraining(y, scale, offset, 1e-3, -1)
	y = Max(y, ZerosLike(y))
	y = MaxPool(y).Window(2).Strides(1).Done()
	y = ConvGeneral(y, k2, axes, nil, [][2]int{{2, 2}, {2, 2}}, nil, []int{2, 2}, 2, 1)
	y = MeanPool(y).Window(2).Done()
	y = Reshape(y, y.Shape().Dimensions[0], -1)
	return ReduceAllSum(Mul(DotGeneral(y, []int{1}, nil, w, []int{0}, nil), DotGeneral(y, []int{1}, nil, w, []int{0}, nil)))
}

// TestFiniteDifferences compares the backend's gradients of tinyNet with central differences
// computed in float64 from forward passes of the same backend.
// hScale is the finite-difference step, relative to the coordinate: small enough that ReLU and max-pool
// kinks are rarely crossed, large enough for float32 forward passes.
const hScale = 2e-3

func TestFiniteDifferences(t *testing.T) {
	b := newTestBackend(t)
	rng := rand.New(rand.NewPCG(7, 8))
	inputs := []*tensors.Tensor{
		randomTensor(rng, 2, 8, 7, 2), // x
		randomTensor(rng, 3, 3, 2, 4), // k1
		randomTensor(rng, 3, 3, 2, 4), // k2 (groups 2: 4 channels in, 2 per group)
		randomTensor(rng, 8, 3),       // w
		randomTensor(rng, 4),          // scale
		randomTensor(rng, 4),          // offset
	}
	names := []string{"x", "k1", "k2", "w", "scale", "offset"}
	lossExec := MustNewExec(b, func(in []*Node) *Node { return tinyNet(in[0], in[1], in[2], in[3], in[4], in[5]) })
	gradExec := MustNewExec(b, func(in []*Node) []*Node {
		return Gradient(tinyNet(in[0], in[1], in[2], in[3], in[4], in[5]), in...)
	})
	flats := make([][]float32, len(inputs))
	for i, in := range inputs {
		flats[i] = flatOf(in)
	}
	loss := func() float64 {
		args := make([]any, len(flats))
		for i, f := range flats {
			args[i] = tensorOf(f, inputs[i].Shape().Dimensions)
		}
		return float64(lossExec.MustExec(args...)[0].Value().(float32))
	}
	args := make([]any, len(inputs))
	for i := range inputs {
		args[i] = tensorOf(flats[i], inputs[i].Shape().Dimensions)
	}
	grads := gradExec.MustExec(args...)
	for i, g := range grads {
		analytic := flatOf(g)
		// Check a sample of coordinates of each input.
		for trial := 0; trial < 6; trial++ {
			j := rng.IntN(len(flats[i]))
			orig := flats[i][j]
			h := float32(hScale) * max(1, float32(math.Abs(float64(orig))))
			flats[i][j] = orig + h
			up := loss()
			flats[i][j] = orig - h
			down := loss()
			flats[i][j] = orig
			numeric := (up - down) / float64(2*h)
			if diff := math.Abs(numeric - float64(analytic[j])); diff > 2e-2*(1+math.Abs(numeric)) {
				t.Errorf("d loss / d %s[%d]: backend %g, finite differences %g", names[i], j, analytic[j], numeric)
			}
		}
	}
}
