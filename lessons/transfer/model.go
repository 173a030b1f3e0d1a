package transfer

import (
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// HeadLayer is the name of Net's classifier, the layer the transfer arms replace.
const HeadLayer = "head"

// Net is Part A's network: a backbone of 3x3 convolutions (padding 1), each followed by BatchNorm
// and ReLU, with a 2x2 max-pool after every one but the last, then average pooling of the last feature
// map down to a Pool x Pool grid; and a head, one linear layer from those features to
// NumClasses. Almost all the parameters are in the backbone, so what is transferred is almost the
// whole network and what a new task must learn from its few labels is only the head. Scopes:
// "conv<i>" and "bn<i>" (1-based) and "head".
type Net struct {
	// Channels are the widths of the convolutions, in order.
	Channels []int
	// Pool is the side of the grid the last feature map is averaged down to (cnn.AdaptiveAvgPool2D):
	// 1 is global average pooling, one feature per channel; 2 keeps a coarse 2x2 layout.
	Pool int
	// NumClasses is the number of outputs.
	NumClasses int
}

// Features builds the backbone on images [batch, height, width, channels] and returns the pooled
// features [batch, Pool*Pool*Channels[last]]. It implements cnn.ModelFn (the features are its "logits").
func (n *Net) Features(ctx *context.Context, images *graph.Node) *graph.Node {
	x := images
	for i, c := range n.Channels {
		s := strconv.Itoa(i + 1)
		x = layers.Convolution(ctx.In("conv"+s), x).Channels(c).KernelSize(3).UseBias(false).PadSame().Done()
		x = activations.Relu(cnn.BatchNorm(ctx.In("bn"+s), x))
		if i < len(n.Channels)-1 {
			x = graph.MaxPool(x).Window(2).Strides(2).NoPadding().Done()
		}
	}
	x = cnn.AdaptiveAvgPool2D(x, n.Pool, n.Pool)
	return graph.Reshape(x, x.Shape().Dimensions[0], -1)
}

// Head builds the classifier on features [batch, F] (or [batch, 1, 1, F], as cnn.CacheFeatures
// returns them). It implements cnn.ModelFn.
func (n *Net) Head(ctx *context.Context, features *graph.Node) *graph.Node {
	x := graph.Reshape(features, features.Shape().Dimensions[0], -1)
	return layers.DenseWithBias(ctx.In(HeadLayer), x, n.NumClasses)
}

// Logits is the whole network, Head after Features. It implements cnn.ModelFn.
func (n *Net) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	return n.Head(ctx, n.Features(ctx, images))
}
