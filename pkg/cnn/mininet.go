package cnn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// MiniNet is the study note's pair of small networks (section 3, "Code"): three 3x3 convolutions
// (padding 1) with BatchNorm and ReLU at a constant width, then a linear layer on the flattened
// feature map. With Residual false it is the note's plain `Conv`; with Residual true its `ResConv`,
// where the second and third convolutions form one ResBlock computing f(x) + x. The note feeds
// 3x32x32 images (here 32x32x3, channels last) with 32 channels and 10 classes.
//
// The note's plain Conv.forward writes `x = nn.view(x.size(0), -1)`, which fails in PyTorch
// (torch.nn has no view); the intended line is `x = x.view(x.size(0), -1)`, as in its ResConv. Here
// both nets flatten the same way.
//
// Scopes: "convblock/<i>" for the note's Sequential indices of the plain net (0, 1, 3, 4, 6, 7),
// "convblock/0|1" and "convblock/3/convblock/<i>" (i in 0, 1, 3, 4) for the residual one, and
// "fclayer".
type MiniNet struct {
	// Residual wraps the last two convolutions in a ResBlock.
	Residual bool
	// Channels is the width of every convolution (the note: 32).
	Channels int
	// NumClasses is the number of outputs (the note: 10).
	NumClasses int
	// Trace, when not nil, receives each stage's name and output shape while the graph is built,
	// like the note's print calls.
	Trace func(stage string, shape shapes.Shape)
}

// NewMiniNet returns the note's Conv (residual false) or ResConv (residual true) with 32 channels
// and 10 classes.
func NewMiniNet(residual bool) *MiniNet {
	return &MiniNet{Residual: residual, Channels: 32, NumClasses: 10}
}

// trace reports a stage when tracing.
func (m *MiniNet) trace(stage string, x *graph.Node) {
	if m.Trace != nil {
		m.Trace(stage, x.Shape())
	}
}

// Logits builds the network on images [batch, height, width, channels]. It implements ModelFn.
func (m *MiniNet) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	cb := ctx.In("convblock")
	unit := func(ctx *context.Context, convIdx int, x *graph.Node) *graph.Node {
		x = conv2d(ctx.In(strconv.Itoa(convIdx)), x, m.Channels, 3, 1, true)
		x = BatchNorm(ctx.In(strconv.Itoa(convIdx+1)), x)
		return activations.Relu(x)
	}
	m.trace("input", images)
	x := unit(cb, 0, images)
	if m.Residual {
		inner := cb.In("3").In("convblock")
		f := unit(inner, 3, unit(inner, 0, x))
		x = graph.Add(f, x) // f(x) + x
		m.trace("after ResConv", x)
	} else {
		x = unit(cb, 6, unit(cb, 3, x))
		m.trace("after Conv", x)
	}
	x = flatten(x) // x.view(x.size(0), -1)
	m.trace("after view", x)
	out := layers.DenseWithBias(ctx.In("fclayer"), x, m.NumClasses)
	m.trace("output", out)
	return out
}

// StageShape is one line of a shape trace.
type StageShape struct {
	Stage string
	Shape []int
}

// String prints the stage like the note: "after view:  (16, 32768)".
func (s StageShape) String() string {
	dims := make([]string, len(s.Shape))
	for i, d := range s.Shape {
		dims[i] = strconv.Itoa(d)
	}
	return fmt.Sprintf("%s:  (%s)", s.Stage, strings.Join(dims, ", "))
}

// ShapeTrace builds model on a zero input of the given shape (without running it) and returns each
// stage's output shape. It panics, like GoMLX graph building, when the model cannot be built.
func (m *MiniNet) ShapeTrace(b backends.Backend, input ...int) []StageShape {
	var stages []StageShape
	traced := *m
	traced.Trace = func(stage string, s shapes.Shape) {
		stages = append(stages, StageShape{Stage: stage, Shape: append([]int(nil), s.Dimensions...)})
	}
	buildOnly(b, context.New(), traced.Logits, input)
	return stages
}
