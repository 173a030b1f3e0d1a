package cnn

import (
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// SmallCNN is the course's MNIST network: conv3x3(32)+BatchNorm+ReLU+maxpool2,
// conv3x3(64)+BatchNorm+ReLU+maxpool2, dense 128 + ReLU, dense NumClasses. Scopes: "conv1", "bn1",
// "conv2", "bn2", "fc1", "fc2".
type SmallCNN struct {
	// NumClasses is the number of outputs (MNIST: 10).
	NumClasses int
	// BatchNorm enables the two BatchNorm layers (true in the course's net; false for comparisons).
	BatchNorm bool
}

// NewSmallCNN returns the MNIST network with BatchNorm and numClasses outputs.
func NewSmallCNN(numClasses int) *SmallCNN {
	return &SmallCNN{NumClasses: numClasses, BatchNorm: true}
}

// Logits builds the network on images [batch, height, width, channels]. It implements ModelFn.
func (s *SmallCNN) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	x := images
	for i, c := range []int{32, 64} {
		n := strconv.Itoa(i + 1)
		x = conv2d(ctx.In("conv"+n), x, c, 3, 1, !s.BatchNorm)
		if s.BatchNorm {
			x = BatchNorm(ctx.In("bn"+n), x)
		}
		x = maxPool2(activations.Relu(x))
	}
	x = activations.Relu(layers.DenseWithBias(ctx.In("fc1"), flatten(x), 128))
	return layers.DenseWithBias(ctx.In("fc2"), x, s.NumClasses)
}

// MLP is a fully-connected network on flattened images: Hidden layers with ReLU (each optionally
// followed by BatchNorm over the features, before the ReLU), then a linear layer to NumClasses.
// Scopes: "fc<i>" and "bn<i>" (1-based) and "out". It needs no convolution, so it trains on every
// backend; the BatchNorm lesson and the harness tests use it.
type MLP struct {
	Hidden     []int
	NumClasses int
	BatchNorm  bool
}

// Logits builds the network on images [batch, height, width, channels] (or [batch, features]). It
// implements ModelFn.
func (m *MLP) Logits(ctx *context.Context, images *graph.Node) *graph.Node {
	x := flatten(images)
	for i, h := range m.Hidden {
		n := strconv.Itoa(i + 1)
		x = layers.DenseWithBias(ctx.In("fc"+n), x, h)
		if m.BatchNorm {
			x = BatchNorm(ctx.In("bn"+n), x)
		}
		x = activations.Relu(x)
	}
	return layers.DenseWithBias(ctx.In("out"), x, m.NumClasses)
}
