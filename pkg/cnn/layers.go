package cnn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/batchnorm"
)

// ModelFn builds a classifier's graph: images [batch, height, width, channels] float32 in [0, 1] to
// logits [batch, classes]. Variables are created in ctx (see the package doc for the scope names);
// layers that behave differently in training (BatchNorm, dropout) read ctx.IsTraining.
type ModelFn func(ctx *context.Context, images *graph.Node) *graph.Node

// conv2d is a torchvision-style Conv2d: kernel k, stride s, padding k/2 on every side.
// Strided convolutions are padded explicitly so that both sides get k/2, as in PyTorch.
func conv2d(ctx *context.Context, x *graph.Node, channels, kernel, stride int, bias bool) *graph.Node {
	if stride == 1 {
		return layers.Convolution(ctx, x).Channels(channels).KernelSize(kernel).UseBias(bias).PadSame().Done()
	}
	return layers.Convolution(ctx, padSpatial(x, kernel/2)).Channels(channels).KernelSize(kernel).
		UseBias(bias).Strides(stride).NoPadding().Done()
}

// BatchNorm is PyTorch's BatchNorm1d/2d with PyTorch's epsilon (1e-5) and momentum (0.1, which is 0.9 in GoMLX's
// convention), normalizing each channel (last axis) over all other axes; its variables are under
// ctx's "batch_normalization" scope. Training uses the backend's fused
// BatchNormForTraining; inference is written with ordinary arithmetic, which every backend has.
func BatchNorm(ctx *context.Context, x *graph.Node) *graph.Node {
	return batchnorm.New(ctx, x, -1).Epsilon(1e-5).Momentum(0.9).UseBackendInference(ctx.IsTraining(x.Graph())).Done()
}

// padSpatial pads the height and width axes of an NHWC tensor with p zeros on each side. It is
// built from concatenations so that every backend can run and differentiate it.
func padSpatial(x *graph.Node, p int) *graph.Node {
	if p == 0 {
		return x
	}
	for _, axis := range []int{1, 2} {
		dims := x.Shape().Clone().Dimensions
		dims[axis] = p
		zeros := graph.Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
		x = graph.Concatenate([]*graph.Node{zeros, x, zeros}, axis)
	}
	return x
}

// padChannels appends extra zero channels to an NHWC tensor (the parameter-free "option A"
// shortcut of the ResNet paper).
func padChannels(x *graph.Node, extra int) *graph.Node {
	if extra == 0 {
		return x
	}
	dims := x.Shape().Clone().Dimensions
	dims[3] = extra
	zeros := graph.Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
	return graph.Concatenate([]*graph.Node{x, zeros}, 3)
}

// maxPool2 is MaxPool2d(kernel_size=2, stride=2).
func maxPool2(x *graph.Node) *graph.Node {
	return graph.MaxPool(x).Window(2).Strides(2).NoPadding().Done()
}

// flatten reshapes [batch, ...] to [batch, features] (in NHWC order: h, w, c).
func flatten(x *graph.Node) *graph.Node {
	return graph.Reshape(x, x.Shape().Dimensions[0], -1)
}

// AdaptiveAvgPool2D averages an NHWC tensor down (or up) to outH x outW, with the same windows as
// PyTorch's AdaptiveAvgPool2d: output cell i covers input rows floor(i*H/outH) to
// ceil((i+1)*H/outH) (exclusive). It is the identity when the input already has that size.
func AdaptiveAvgPool2D(x *graph.Node, outH, outW int) *graph.Node {
	h, w := x.Shape().Dimensions[1], x.Shape().Dimensions[2]
	if h == outH && w == outW {
		return x
	}
	if h%outH == 0 && w%outW == 0 {
		return graph.MeanPool(x).WindowPerAxis(h/outH, w/outW).StridePerAxis(h/outH, w/outW).NoPadding().Done()
	}
	rows := make([]*graph.Node, outH)
	for i := range outH {
		r0, r1 := i*h/outH, ((i+1)*h+outH-1)/outH
		cols := make([]*graph.Node, outW)
		for j := range outW {
			c0, c1 := j*w/outW, ((j+1)*w+outW-1)/outW
			cell := graph.Slice(x, graph.AxisRange(), graph.AxisRange(r0, r1), graph.AxisRange(c0, c1), graph.AxisRange())
			cols[j] = graph.ReduceAndKeep(cell, graph.ReduceMean, 1, 2)
		}
		rows[i] = graph.Concatenate(cols, 2)
	}
	return graph.Concatenate(rows, 1)
}
