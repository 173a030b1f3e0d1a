package batchnorm

import (
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// Net is the lesson's small convolutional network: for each width in Channels a 3x3 convolution,
// BatchNorm (when BatchNorm is set), ReLU and 2x2 max pooling; then a dense layer to 10 classes.
// Scopes: "conv<i>", "bn<i>" (1-based) and "out". Without BatchNorm the convolutions have biases;
// with it they do not, because BatchNorm's offset takes the bias's place (the paper, section 3.2).
type Net struct {
	// Channels are the widths of the convolution blocks (the quick preset uses 8 and 16).
	Channels []int
	// BatchNorm inserts a BatchNorm layer between each convolution and its ReLU.
	BatchNorm bool
}

// Logits builds the network on images [batch, height, width, 1]. It implements cnn.ModelFn.
func (n *Net) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	x := images
	for i := range n.Channels {
		pre, post := n.block(ctx, x, i)
		if post == nil {
			post = pre
		}
		x = maxPool2(activations.Relu(post))
	}
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	return layers.DenseWithBias(ctx.In("out"), x, 10)
}

// block builds convolution block i on x and returns the convolution's output (the pre-activations)
// and, with BatchNorm, the BatchNorm layer's output (nil without BatchNorm).
func (n *Net) block(ctx *context.Context, x *graph.Node, i int) (pre, post *graph.Node) {
	name := strconv.Itoa(i + 1)
	pre = layers.Convolution(ctx.In("conv"+name), x).Channels(n.Channels[i]).KernelSize(3).
		UseBias(!n.BatchNorm).PadSame().Done()
	if n.BatchNorm {
		post = cnn.BatchNorm(ctx.In("bn"+name), pre)
	}
	return pre, post
}

// Activations builds the network up to convolution block layer (0-based) and returns that block's
// pre-activations before and after its BatchNorm layer, both [batch, height, width, channels]. It
// reuses the variables of a trained Net in ctx; it panics when the net has no BatchNorm.
func (n *Net) Activations(ctx *context.Context, images *graph.Node, layer int) (before, after *graph.Node) {
	if !n.BatchNorm {
		panic("batchnorm: Activations needs a Net with BatchNorm")
	}
	x := images
	for i := 0; ; i++ {
		pre, post := n.block(ctx, x, i)
		if i == layer {
			return pre, post
		}
		x = maxPool2(activations.Relu(post))
	}
}

// maxPool2 is MaxPool2d(kernel_size=2, stride=2).
func maxPool2(x *graph.Node) *graph.Node {
	return graph.MaxPool(x).Window(2).Strides(2).NoPadding().Done()
}
