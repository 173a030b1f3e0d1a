package backend

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/layers/batchnorm"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

// quadrantImages makes n 12x12 grey images, each with a bright 4x4 square in one of the four
// quadrants (the label) on a noisy background.
func quadrantImages(rng *rand.Rand, n int) (*tensors.Tensor, *tensors.Tensor) {
	const size = 12
	pixels := make([]float32, n*size*size)
	labels := make([]int32, n)
	for i := range labels {
		q := rng.IntN(4)
		labels[i] = int32(q)
		img := pixels[i*size*size : (i+1)*size*size]
		for j := range img {
			img[j] = 0.3 * rng.Float32()
		}
		y0 := (q/2)*6 + rng.IntN(3)
		x0 := (q%2)*6 + rng.IntN(3)
		for y := y0; y < y0+4; y++ {
			for x := x0; x < x0+4; x++ {
				img[y*size+x] = 0.7 + 0.3*rng.Float32()
			}
		}
	}
	x := tensorOf(pixels, []int{n, size, size, 1})
	y := tensors.FromFlatDataAndDimensions(labels, n, 1)
	return x, y
}

// smallCNN is built from GoMLX's standard, unmodified layers: strided and padded convolutions,
// default batch normalization, max and mean pooling, dropout and dense layers.
func smallCNN(ctx *context.Context, _ any, inputs []*Node) []*Node {
	x := inputs[0]
	x = layers.Convolution(ctx.In("conv1"), x).Channels(8).KernelSize(3).PadSame().Done()
	x = batchnorm.New(ctx.In("bn1"), x, -1).Done()
	x = activations.Relu(x)
	x = MaxPool(x).Window(2).Done()
	x = layers.Convolution(ctx.In("conv2"), x).Channels(16).KernelSize(3).Strides(2).NoPadding().Done()
	x = batchnorm.New(ctx.In("bn2"), x, -1).Done()
	x = activations.Relu(x)
	x = MeanPool(x).Window(2).Done()
	x = Reshape(x, x.Shape().Dimensions[0], -1)
	x = layers.DropoutStatic(ctx, x, 0.1)
	x = layers.DenseWithBias(ctx.In("fc"), x, 4)
	return []*Node{x}
}

// TestTrainStandardCNN trains smallCNN with Adam and checks that it learns the task.
func TestTrainStandardCNN(t *testing.T) {
	b := newTestBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.New()
	ctx.SetParam(optimizers.ParamLearningRate, 0.01)
	trainer := train.NewTrainer(b, ctx, smallCNN, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().Done(), nil, nil)
	var first, last float32
	for step := 0; step < 60; step++ {
		x, y := quadrantImages(rng, 32)
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		loss := m[0].Value().(float32)
		if step == 0 {
			first = loss
		}
		last = loss
	}
	if !(last < first/4) {
		t.Errorf("training loss went from %.3f to %.3f, want it to fall at least 4x", first, last)
	}
	// Accuracy in inference mode (batch norm running averages, no dropout).
	x, y := quadrantImages(rng, 200)
	ctx = ctx.Reuse()
	logits := context.MustExecOnce(b, ctx, func(ctx *context.Context, x *Node) *Node {
		return ArgMax(smallCNN(ctx, nil, []*Node{x})[0], -1)
	}, x)
	correct := 0
	preds := logits.Value().([]int32)
	labels := y.Value().([][]int32)
	for i, p := range preds {
		if p == labels[i][0] {
			correct++
		}
	}
	if acc := float64(correct) / float64(len(preds)); acc < 0.9 {
		t.Errorf("accuracy after training = %.3f, want >= 0.9", acc)
	}
}
