package augment

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// Model is the experiment's small CNN for 28x28x1 images, kept small so that both arms train in
// minutes on two CPU cores: conv 3x3 (16) + ReLU + max-pool 2, conv 3x3 (32) + ReLU + max-pool 2,
// dense 64 + ReLU, dense 10 (logits).
func Model(ctx *context.Context, images *graph.Node) *graph.Node {
	x := images
	for i, ch := range []int{16, 32} {
		x = layers.Convolution(ctx.In(convScope[i]), x).Channels(ch).KernelSize(3).PadSame().Done()
		x = activations.Relu(x)
		x = graph.MaxPool(x).Window(2).Done()
	}
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	x = activations.Relu(layers.Dense(ctx.In("fc1"), x, true, 64))
	return layers.Dense(ctx.In("fc2"), x, true, 10)
}

var convScope = []string{"conv1", "conv2"}
