package cnn

import (
	"fmt"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// Block is the kind of residual block.
type Block int

const (
	// Basic is two 3x3 convolutions (ResNet-18/34 and the CIFAR nets); expansion 1.
	Basic Block = iota
	// Bottleneck is 1x1 (reduce), 3x3, 1x1 (expand 4x) convolutions (ResNet-50 and deeper).
	Bottleneck
)

// Shortcut says how a block's skip connection matches shapes when the block changes the number of
// channels or the resolution. Blocks that keep both always use the identity.
type Shortcut int

const (
	// Projection uses a 1x1 strided convolution with BatchNorm ("option B", torchvision's downsample).
	Projection Shortcut = iota
	// ZeroPad subsamples by striding and pads the extra channels with zeros: no parameters
	// ("option A", the ResNet paper's choice for CIFAR-10).
	ZeroPad
)

// Stem is the first layer(s) before the residual stages.
type Stem int

const (
	// ImageNetStem is a 7x7 stride-2 convolution with BatchNorm and ReLU, then 3x3 stride-2 max-pooling.
	ImageNetStem Stem = iota
	// CIFARStem is a 3x3 stride-1 convolution with BatchNorm and ReLU (ResNet paper, section 4.2).
	CIFARStem
)

// ResNet is a residual network: a stem, stages of blocks (the first block of every stage but the
// first halves the resolution), global average pooling and a linear layer ("fc"). With Plain set the
// skip connections are removed, giving the paper's "plain" twin with the same layers and parameters
// (apart from projection shortcuts, which a plain net does not have).
type ResNet struct {
	// Block is Basic or Bottleneck.
	Block Block
	// Blocks is the number of blocks per stage (ResNet-18: 2, 2, 2, 2).
	Blocks []int
	// Widths are the stages' base channels (ImageNet: 64, 128, 256, 512; CIFAR: 16, 32, 64); a
	// bottleneck stage outputs 4 times its width.
	Widths []int
	// Stem is ImageNetStem or CIFARStem; StemWidth its channels (64 or 16).
	Stem      Stem
	StemWidth int
	// Shortcut chooses the shortcut of blocks that change shape.
	Shortcut Shortcut
	// Plain removes all skip connections.
	Plain bool
	// NumClasses is the number of outputs.
	NumClasses int
}

// NewResNet returns torchvision's ImageNet-style ResNet of the given depth (18, 34 or 50) with
// numClasses outputs and projection shortcuts. It panics for another depth.
func NewResNet(depth, numClasses int) *ResNet {
	r := &ResNet{Widths: []int{64, 128, 256, 512}, Stem: ImageNetStem, StemWidth: 64, Shortcut: Projection, NumClasses: numClasses}
	switch depth {
	case 18:
		r.Block, r.Blocks = Basic, []int{2, 2, 2, 2}
	case 34:
		r.Block, r.Blocks = Basic, []int{3, 4, 6, 3}
	case 50:
		r.Block, r.Blocks = Bottleneck, []int{3, 4, 6, 3}
	default:
		panic(fmt.Sprintf("cnn: ImageNet ResNet depth %d not known, want 18, 34 or 50", depth))
	}
	return r
}

// NewCIFARResNet returns the ResNet paper's CIFAR-10 network of depth 6n+2 (20, 32, 44, 56, 110,
// also 8 and 14 for quick runs): a 3x3 stem with 16 channels, three stages of n basic blocks with 16,
// 32 and 64 channels, zero-padding shortcuts (option A) and numClasses outputs. It panics when
// depth is not 6n+2 with n >= 1.
func NewCIFARResNet(depth, numClasses int) *ResNet {
	if depth < 8 || (depth-2)%6 != 0 {
		panic(fmt.Sprintf("cnn: CIFAR ResNet depth %d is not 6n+2 (8, 14, 20, 32, 44, 56, 110)", depth))
	}
	n := (depth - 2) / 6
	return &ResNet{Block: Basic, Blocks: []int{n, n, n}, Widths: []int{16, 32, 64}, Stem: CIFARStem, StemWidth: 16,
		Shortcut: ZeroPad, NumClasses: numClasses}
}

// Depth is the number of weight layers on the main path: stem convolution, the blocks'
// convolutions and the final linear layer (ResNet-18 gives 18, the 6n+2 nets 6n+2).
func (r *ResNet) Depth() int {
	perBlock := 2
	if r.Block == Bottleneck {
		perBlock = 3
	}
	n := 2
	for _, b := range r.Blocks {
		n += b * perBlock
	}
	return n
}

// expansion is how many times its width a block outputs.
func (r *ResNet) expansion() int {
	if r.Block == Bottleneck {
		return 4
	}
	return 1
}

// Logits builds the network on images [batch, height, width, channels] and returns [batch,
// NumClasses] logits. It implements ModelFn.
func (r *ResNet) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	if len(r.Widths) != len(r.Blocks) {
		panic(fmt.Sprintf("cnn: ResNet has %d stage widths but %d stage block counts", len(r.Widths), len(r.Blocks)))
	}
	x := images
	switch r.Stem {
	case ImageNetStem:
		x = conv2d(ctx.In("conv1"), x, r.StemWidth, 7, 2, false)
		x = activations.Relu(BatchNorm(ctx.In("bn1"), x))
		// MaxPool2d(3, stride 2, padding 1); zero padding equals PyTorch's -inf padding after a ReLU.
		x = graph.MaxPool(padSpatial(x, 1)).Window(3).Strides(2).NoPadding().Done()
	case CIFARStem:
		x = conv2d(ctx.In("conv1"), x, r.StemWidth, 3, 1, false)
		x = activations.Relu(BatchNorm(ctx.In("bn1"), x))
	}
	for k, n := range r.Blocks {
		for j := range n {
			stride := 1
			if k > 0 && j == 0 {
				stride = 2
			}
			x = r.block(ctx.In("layer"+strconv.Itoa(k+1)).In(strconv.Itoa(j)), x, r.Widths[k], stride)
		}
	}
	x = graph.ReduceMean(x, 1, 2) // Global average pooling: [batch, channels].
	return layers.DenseWithBias(ctx.In("fc"), x, r.NumClasses)
}

// block builds one residual (or, with Plain, plain) block.
func (r *ResNet) block(ctx *context.Context, x *graph.Node, width, stride int) *graph.Node {
	out := width * r.expansion()
	var y *graph.Node
	switch r.Block {
	case Basic:
		y = activations.Relu(BatchNorm(ctx.In("bn1"), conv2d(ctx.In("conv1"), x, width, 3, stride, false)))
		y = BatchNorm(ctx.In("bn2"), conv2d(ctx.In("conv2"), y, width, 3, 1, false))
	case Bottleneck: // torchvision (v1.5) puts the stride on the 3x3 convolution.
		y = activations.Relu(BatchNorm(ctx.In("bn1"), conv2d(ctx.In("conv1"), x, width, 1, 1, false)))
		y = activations.Relu(BatchNorm(ctx.In("bn2"), conv2d(ctx.In("conv2"), y, width, 3, stride, false)))
		y = BatchNorm(ctx.In("bn3"), conv2d(ctx.In("conv3"), y, out, 1, 1, false))
	}
	if r.Plain {
		return activations.Relu(y)
	}
	in := x.Shape().Dimensions[3]
	shortcut := x
	if stride != 1 || in != out {
		switch r.Shortcut {
		case Projection:
			shortcut = layers.Convolution(ctx.In("downsample").In("0"), x).Channels(out).KernelSize(1).
				Strides(stride).NoPadding().UseBias(false).Done()
			shortcut = BatchNorm(ctx.In("downsample").In("1"), shortcut)
		case ZeroPad:
			if stride != 1 {
				shortcut = graph.Slice(x, graph.AxisRange(), graph.AxisRange().Stride(stride),
					graph.AxisRange().Stride(stride), graph.AxisRange())
			}
			shortcut = padChannels(shortcut, out-in)
		}
	}
	return activations.Relu(graph.Add(y, shortcut))
}
