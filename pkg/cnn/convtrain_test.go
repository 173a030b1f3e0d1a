package cnn

import (
	"math"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// stripes returns n 8x8x1 images: class 0 has a bright horizontal bar, class 1 a vertical one, at
// random positions, with noise (seeded).
func stripes(n int, seed uint64) *Examples {
	rng := rand.New(rand.NewPCG(seed, 2))
	const s = 8
	e := &Examples{Pixels: make([]float32, n*s*s), Labels: make([]int, n), N: n, Height: s, Width: s, Channels: 1}
	for i := range n {
		c, pos := rng.IntN(2), rng.IntN(s)
		e.Labels[i] = c
		for y := range s {
			for x := range s {
				v := float32(rng.Float64() * 0.3)
				if (c == 0 && y == pos) || (c == 1 && x == pos) {
					v += 0.7
				}
				e.Pixels[i*s*s+y*s+x] = v
			}
		}
	}
	return e
}

// TestConvNetsTrain trains each convolutional family briefly on stripes: this needs gradients of
// convolution, max-pooling and BatchNorm from the backend.
func TestConvNetsTrain(t *testing.T) {
	b := testBackend(t)
	trainSet, val := stripes(192, 1), stripes(64, 2)
	tests := []struct {
		name  string
		model ModelFn
	}{
		{"small CNN", (&SmallCNN{NumClasses: 2, BatchNorm: true}).Logits},
		{"VGG with BatchNorm", (&VGG{Layers: []int{8, Pool, 8, Pool}, BatchNorm: true, Hidden: []int{16}, NumClasses: 2}).Logits},
		{"CIFAR ResNet-8 option A", (&ResNet{Block: Basic, Blocks: []int{1, 1, 1}, Widths: []int{8, 16, 16}, Stem: CIFARStem,
			StemWidth: 8, Shortcut: ZeroPad, NumClasses: 2}).Logits},
		{"ResNet bottleneck projection", (&ResNet{Block: Bottleneck, Blocks: []int{1, 1}, Widths: []int{4, 8}, Stem: CIFARStem,
			StemWidth: 8, Shortcut: Projection, NumClasses: 2}).Logits},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			if err := ctx.SetRNGStateFromSeed(5); err != nil {
				t.Fatal(err)
			}
			cfg := TrainConfig{Epochs: 3, BatchSize: 32, Optimizer: Adam, LearningRate: 0.01, Seed: 1}
			h, err := Train(b, ctx, tc.model, trainSet, val, cfg)
			if err != nil {
				t.Fatalf("Train: %v", err)
			}
			if last := h.Epochs[len(h.Epochs)-1]; last.ValAccuracy < 0.85 {
				t.Errorf("val accuracy %.3f after 3 epochs, want >= 0.85 (bars are easy)", last.ValAccuracy)
			}
		})
	}
}

// TestBatchNormTrainVsEval checks that training mode normalizes with the batch's statistics and
// evaluation mode with the running averages: right after one training step on a batch whose mean
// is far from 0, the two modes give different logits for the same input.
func TestBatchNormTrainVsEval(t *testing.T) {
	b := testBackend(t)
	data := blobs(32, 4, 2, 3)
	for i := range data.Pixels {
		data.Pixels[i] = data.Pixels[i]*5 + 3
	}
	model := (&MLP{Hidden: []int{4}, NumClasses: 2, BatchNorm: true}).Logits
	ctx := context.New()
	if _, err := Train(b, ctx, model, data, nil, TrainConfig{Steps: 1, BatchSize: 32, LearningRate: 1e-9}); err != nil {
		t.Fatal(err)
	}
	mean := ctx.InspectVariable("/bn1/batch_normalization", "mean")
	if mean == nil {
		t.Fatal("no running mean variable /bn1/batch_normalization/mean")
	}
	before := tensors.MustCopyFlatData[float32](mean.MustValue())
	trainOut, err := Forward(b, ctx, model, data, true)
	if err != nil {
		t.Fatal(err)
	}
	evalOut, err := Forward(b, ctx, model, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if after := tensors.MustCopyFlatData[float32](mean.MustValue()); !slices.Equal(before, after) {
		t.Errorf("Forward in training mode changed the running mean: %v -> %v", before, after)
	}
	// GoMLX debiases the running averages, so after one step they equal that batch's statistics:
	// on that batch train and eval mode agree. On a shifted batch the modes differ: training mode
	// re-normalizes with the new batch's mean, evaluation mode keeps the running one.
	shifted := data.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7})
	for i := range shifted.Pixels {
		shifted.Pixels[i] += 10
	}
	trainShift, err := Forward(b, ctx, model, shifted, true)
	if err != nil {
		t.Fatal(err)
	}
	evalShift, err := Forward(b, ctx, model, shifted, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(trainOut, evalOut); d > 1e-3 {
		t.Errorf("same batch as the running statistics: train/eval logits differ by %g, want ~0", d)
	}
	if d := maxAbsDiff(trainShift, evalShift); d < 0.1 {
		t.Errorf("shifted batch: train/eval logits differ by only %g, want clearly different", d)
	}
}

func maxAbsDiff(a, b [][]float32) float64 {
	d := 0.0
	for i := range a {
		for j := range a[i] {
			d = max(d, math.Abs(float64(a[i][j]-b[i][j])))
		}
	}
	return d
}
