package cnn

import (
	"fmt"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// Pool marks a 2x2 max-pooling (stride 2) in VGG.Layers, like the "M" in torchvision's configs.
const Pool = 0

// VGG configurations from the paper's Table 1 (torchvision's cfgs "A", "B", "D", "E"): output
// channels of each 3x3 convolution, Pool for each max-pooling.
var (
	VGGConfigA = []int{64, Pool, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool}
	VGGConfigB = []int{64, 64, Pool, 128, 128, Pool, 256, 256, Pool, 512, 512, Pool, 512, 512, Pool}
	VGGConfigD = []int{64, 64, Pool, 128, 128, Pool, 256, 256, 256, Pool, 512, 512, 512, Pool, 512, 512, 512, Pool}
	VGGConfigE = []int{64, 64, Pool, 128, 128, Pool, 256, 256, 256, 256, Pool, 512, 512, 512, 512, Pool,
		512, 512, 512, 512, Pool}
)

// VGG is a VGG network: 3x3 convolutions (padding 1) with ReLU, max-pooling, then a classifier of
// fully-connected layers. Its zero value is not usable; start from NewVGG.
type VGG struct {
	// Layers lists the output channels of each 3x3 convolution, with Pool for a 2x2 max-pooling.
	Layers []int
	// BatchNorm inserts a BatchNorm after each convolution (torchvision's vgg*_bn).
	BatchNorm bool
	// PoolTo is the side of the adaptive average pooling before the classifier (torchvision: 7);
	// 0 flattens the feature map at whatever size the input gives.
	PoolTo int
	// Hidden are the widths of the hidden fully-connected layers (torchvision: 4096, 4096).
	Hidden []int
	// NumClasses is the number of outputs (ImageNet: 1000).
	NumClasses int
	// Dropout is the dropout rate after each hidden layer in training (torchvision: 0.5; 0: none).
	Dropout float64
}

// NewVGG returns torchvision's VGG of the given depth (11, 13, 16 or 19: configurations A, B, D, E)
// with numClasses outputs: 7x7 adaptive pooling, a 4096-4096 classifier with dropout 0.5, no
// BatchNorm. It panics for another depth.
func NewVGG(depth, numClasses int) *VGG {
	var cfg []int
	switch depth {
	case 11:
		cfg = VGGConfigA
	case 13:
		cfg = VGGConfigB
	case 16:
		cfg = VGGConfigD
	case 19:
		cfg = VGGConfigE
	default:
		panic(fmt.Sprintf("cnn: VGG depth %d not known, want 11, 13, 16 or 19", depth))
	}
	return &VGG{Layers: append([]int(nil), cfg...), PoolTo: 7, Hidden: []int{4096, 4096}, NumClasses: numClasses, Dropout: 0.5}
}

// Depth is the number of weight layers: convolutions plus fully-connected layers.
func (v *VGG) Depth() int {
	n := len(v.Hidden) + 1
	for _, c := range v.Layers {
		if c != Pool {
			n++
		}
	}
	return n
}

// Scaled returns a copy whose convolution channels are multiplied by mult (rounded, at least 1),
// the "width multiplier".
func (v *VGG) Scaled(mult float64) *VGG {
	w := *v
	w.Layers = make([]int, len(v.Layers))
	for i, c := range v.Layers {
		if c != Pool {
			c = max(1, int(float64(c)*mult+0.5))
		}
		w.Layers[i] = c
	}
	w.Hidden = append([]int(nil), v.Hidden...)
	return &w
}

// Logits builds the network on images [batch, height, width, channels] and returns [batch,
// NumClasses] logits. Each max-pooling halves the spatial size (floor), so the input must be at
// least 2^pools pixels on each side. It implements ModelFn.
func (v *VGG) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	x := images
	idx := 0 // torchvision's index into its features Sequential.
	for _, c := range v.Layers {
		if c == Pool {
			if x.Shape().Dimensions[1] < 2 || x.Shape().Dimensions[2] < 2 {
				panic(fmt.Sprintf("cnn: VGG input too small: feature map %v cannot be max-pooled again", x.Shape().Dimensions))
			}
			x = maxPool2(x)
			idx++
			continue
		}
		x = conv2d(ctx.In("features").In(strconv.Itoa(idx)), x, c, 3, 1, true)
		idx++
		if v.BatchNorm {
			x = BatchNorm(ctx.In("features").In(strconv.Itoa(idx)), x)
			idx++
		}
		x = activations.Relu(x)
		idx++
	}
	if v.PoolTo > 0 {
		x = AdaptiveAvgPool2D(x, v.PoolTo, v.PoolTo)
	}
	x = flatten(x)
	idx = 0 // classifier indices: Linear, ReLU, Dropout per hidden layer, then the last Linear.
	for _, h := range v.Hidden {
		x = layers.DenseWithBias(ctx.In("classifier").In(strconv.Itoa(idx)), x, h)
		x = activations.Relu(x)
		if v.Dropout > 0 {
			x = layers.DropoutStatic(ctx, x, v.Dropout)
		}
		idx += 3
	}
	return layers.DenseWithBias(ctx.In("classifier").In(strconv.Itoa(idx)), x, v.NumClasses)
}

// NarrowVGG11 is VGG-11 (configuration A) at a quarter width (channels 16-32-64-64-128-128-128-128)
// with no adaptive pooling and a 512-512-numClasses classifier without dropout: on 32x32 inputs its
// feature map is 1x1x128. It is the course's reference benchmark network (d2l's "small VGG" idea).
func NarrowVGG11(numClasses int) *VGG {
	v := NewVGG(11, numClasses).Scaled(0.25)
	v.PoolTo, v.Hidden, v.Dropout = 0, []int{512, 512}, 0
	return v
}
