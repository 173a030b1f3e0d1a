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

func mnistCNN(ctx *context.Context, _ any, inputs []*Node) []*Node {
	x := inputs[0]
	x = layers.Convolution(ctx.In("c1"), x).Channels(32).KernelSize(3).PadSame().Done()
	x = activations.Relu(batchnorm.New(ctx.In("b1"), x, -1).Done())
	x = MaxPool(x).Window(2).Done()
	x = layers.Convolution(ctx.In("c2"), x).Channels(64).KernelSize(3).PadSame().Done()
	x = activations.Relu(batchnorm.New(ctx.In("b2"), x, -1).Done())
	x = MaxPool(x).Window(2).Done()
	x = Reshape(x, x.Shape().Dimensions[0], -1)
	x = activations.Relu(layers.DenseWithBias(ctx.In("d1"), x, 128))
	return []*Node{layers.DenseWithBias(ctx.In("d2"), x, 10)}
}

// BenchmarkTrainStep measures training steps (batch 64, plain SGD) of the reference MNIST
// CNN built from standard layers, and reports images per second.
func BenchmarkTrainStep(b *testing.B) {
	be := newTestBackend(b)
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 64
	px := make([]float32, batch*28*28)
	for i := range px {
		px[i] = rng.Float32()
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(rng.IntN(10))
	}
	x := tensorOf(px, []int{batch, 28, 28, 1})
	y := tensors.FromFlatDataAndDimensions(labels, batch, 1)
	ctx := context.New()
	tr := train.NewTrainer(be, ctx, mnistCNN, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.StochasticGradientDescent().Done(), nil, nil)
	step := func() {
		if _, err := tr.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y}); err != nil {
			b.Fatal(err)
		}
	}
	step() // compile
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
}
