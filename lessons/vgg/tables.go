package vgg

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// KernelComparison compares a stack of 3x3 convolutions with the single larger convolution that
// sees the same region, both C channels in and out, no bias (the paper's section 2.3).
type KernelComparison struct {
	// Stack is the number of stacked 3x3 convolutions; Kernel the equivalent single kernel (2n+1).
	Stack, Kernel int
	// Channels is C.
	Channels int
	// StackParams and SingleParams are the weight counts measured on GoMLX layers: 9nC^2 and k^2C^2.
	StackParams, SingleParams int
	// StackReLUs and SingleReLUs count the non-linearities (n vs 1).
	StackReLUs, SingleReLUs int
}

// CompareKernels builds, for n = 2 and 3, a stack of n 3x3 convolutions and one (2n+1)x(2n+1)
// convolution on C channels and counts their weights with cnn.ParamCount.
func CompareKernels(b backends.Backend, channels int) []KernelComparison {
	var rows []KernelComparison
	for _, n := range []int{2, 3} {
		k := 2*n + 1
		stack := func(ctx *context.Context, x *graph.Node) *graph.Node {
			for i := range n {
				x = layers.Convolution(ctx.In(fmt.Sprint(i)), x).Channels(channels).KernelSize(3).UseBias(false).PadSame().Done()
			}
			return graph.ReduceMean(x, 1, 2)
		}
		single := func(ctx *context.Context, x *graph.Node) *graph.Node {
			x = layers.Convolution(ctx, x).Channels(channels).KernelSize(k).UseBias(false).PadSame().Done()
			return graph.ReduceMean(x, 1, 2)
		}
		sp, _ := cnn.ParamCount(b, stack, 8, 8, channels)
		kp, _ := cnn.ParamCount(b, single, 8, 8, channels)
		rows = append(rows, KernelComparison{Stack: n, Kernel: k, Channels: channels, StackParams: sp, SingleParams: kp,
			StackReLUs: n, SingleReLUs: 1})
	}
	return rows
}

// FieldRow is one layer of a receptive-field table.
type FieldRow struct {
	// Layer names it ("conv1_1", "pool1", ...).
	Layer string
	// Field is the side of the input region one output value depends on; Jump is the distance in
	// input pixels between neighbouring outputs (the product of the strides so far).
	Field, Jump int
}

// ReceptiveFields walks a VGG configuration (channels and cnn.Pool marks) and returns each layer's
// receptive field: a 3x3 stride-1 convolution adds 2*jump, a 2x2 stride-2 pooling adds jump and
// doubles the jump (r' = r + (k-1)*j, j' = j*s).
func ReceptiveFields(config []int) []FieldRow {
	var rows []FieldRow
	r, j, stage, conv := 1, 1, 1, 1
	for _, c := range config {
		if c == cnn.Pool {
			r, j = r+j, j*2
			rows = append(rows, FieldRow{Layer: fmt.Sprintf("pool%d", stage), Field: r, Jump: j})
			stage, conv = stage+1, 1
			continue
		}
		r += 2 * j
		rows = append(rows, FieldRow{Layer: fmt.Sprintf("conv%d_%d", stage, conv), Field: r, Jump: j})
		conv++
	}
	return rows
}
