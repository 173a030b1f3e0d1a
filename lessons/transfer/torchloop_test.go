package transfer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// TestTrainEpoch checks the note's batching: an epoch over n examples takes ceil(n/batch) SGD
// steps, the last one on the remainder, and the new head starts inside PyTorch's nn.Linear bounds.
func TestTrainEpoch(t *testing.T) {
	const features = 100
	tests := []struct{ n, batch, wantSteps int }{
		{10, 4, 3}, // 4 + 4 + 2: the smaller last batch is kept
		{8, 4, 2},  // no remainder
		{3, 4, 1},  // fewer examples than one batch
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		data := &cnn.Examples{N: tc.n, Height: 1, Width: 1, Channels: features, Pixels: make([]float32, tc.n*features)}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range data.Pixels {
			data.Pixels[i] = rng.Float32()
		}
		for i := range tc.n {
			data.Labels = append(data.Labels, i%2)
		}
		ctx := context.New()
		if err := ctx.SetRNGStateFromSeed(1); err != nil {
			t.Fatal(err)
		}
		head := torchLinearInit(func(ctx *context.Context, x *graph.Node) *graph.Node {
			return layers.DenseWithBias(ctx.In("_fc"), graph.Reshape(x, x.Shape().Dimensions[0], -1), 2)
		}, features)
		loss, acc, err := trainEpoch(b, ctx, head, data, cnn.TrainConfig{BatchSize: tc.batch, Optimizer: cnn.SGD,
			LearningRate: 1e-9, Momentum: 0.9, Seed: 1}, rng)
		if err != nil {
			t.Fatalf("n=%d batch=%d: %v", tc.n, tc.batch, err)
		}
		if !(loss > 0) || acc < 0 || acc > 1 {
			t.Errorf("n=%d batch=%d: loss %g, accuracy %g out of range", tc.n, tc.batch, loss, acc)
		}
		step := ctx.InAbsPath(cnn.OptimizerScope).GetVariable("step")
		if got := int(tensors.ToScalar[float32](step.MustValue())); got != tc.wantSteps {
			t.Errorf("n=%d batch=%d: %d optimizer steps, want %d", tc.n, tc.batch, got, tc.wantSteps)
		}
		// With a learning rate of 1e-9 the head is still its initialization: uniform in
		// +-1/sqrt(100), so every value is inside and the largest of 202 is near the bound.
		bound := 1 / math.Sqrt(features)
		var largest float64
		for _, name := range []string{"weights", "biases"} {
			v := ctx.GetVariableByScopeAndName("/_fc/dense", name)
			if v == nil {
				t.Fatalf("no /_fc/dense %s", name)
			}
			for _, w := range tensors.MustCopyFlatData[float32](v.MustValue()) {
				largest = max(largest, math.Abs(float64(w)))
			}
		}
		if largest > bound || largest < 0.9*bound {
			t.Errorf("n=%d: largest |initial head value| %g, want in [0.9, 1] x %g (PyTorch's nn.Linear)", tc.n, largest, bound)
		}
	}
}
