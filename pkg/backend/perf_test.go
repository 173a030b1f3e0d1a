package backend

import (
	"math/rand/v2"
	"testing"
	"time"

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

func TestPerfMNIST(t *testing.T) {
	b := newTestBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	px := make([]float32, 64*28*28)
	for i := range px {
		px[i] = rng.Float32()
	}
	lb := make([]int32, 64)
	x := tensorOf(px, []int{64, 28, 28, 1})
	y := tensors.FromFlatDataAndDimensions(lb, 64, 1)
	ctx := context.New()
	tr := train.NewTrainer(b, ctx, mnistCNN, losses.SparseCategoricalCrossEntropyLogits, optimizers.StochasticGradientDescent().Done(), nil, nil)
	for i := 0; i < 3; i++ {
		tr.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
	}
	start := time.Now()
	const steps = 10
	for i := 0; i < steps; i++ {
		if _, err := tr.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y}); err != nil {
			t.Fatal(err)
		}
	}
	el := time.Since(start)
	t.Logf("%.1f images/s (%v per step)", float64(steps*64)/el.Seconds(), el/steps)
}
