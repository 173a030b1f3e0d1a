package cnn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// ActivationBytes returns the bytes one more example adds to a training step of model on float32
// images of height x width x channels: the image itself plus every value the forward pass computes
// from it in training mode, which the backward pass keeps. It builds the forward graph on b for
// batches of 1 and 2 (nothing is compiled or run; the variables go to a throwaway context) and
// returns the difference of the sums of all the nodes' sizes, so that the weights, which do not
// grow with the batch, cancel out. A compiler that fuses operations keeps less, and the gradients
// need some more, so this is an estimate of what a batch of n needs, n x ActivationBytes, not a
// bound on it. Callers use it to refuse a batch that cannot fit before allocating it.
func ActivationBytes(b backends.Backend, model ModelFn, height, width, channels int) (int64, error) {
	if height <= 0 || width <= 0 || channels <= 0 {
		return 0, fmt.Errorf("cnn: ActivationBytes of %dx%dx%d images, want positive sizes", height, width, channels)
	}
	sum := func(batch int) (total int64, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("cnn: ActivationBytes: building the model on %dx%dx%dx%d images: %v", batch, height, width, channels, r)
			}
		}()
		g := graph.NewGraph(b, "cnn_activation_bytes")
		defer g.Finalize()
		ctx := context.New().Checked(false)
		ctx.SetTraining(g, true)
		x := graph.Parameter(g, "images", shapes.Make(dtypes.Float32, batch, height, width, channels))
		model(ctx, x)
		for _, n := range g.Nodes() {
			if n.NumOutputs() != 1 || n.DType() == dtypes.InvalidDType { // side effects, tuples (counted by their parts)
				continue
			}
			m := uint64(n.Shape().Memory())
			if m > math.MaxInt64-uint64(total) {
				return 0, fmt.Errorf("cnn: ActivationBytes: the forward graph of a batch of %d needs more than %d bytes", batch, int64(math.MaxInt64))
			}
			total += int64(m)
		}
		return total, nil
	}
	one, err := sum(1)
	if err != nil {
		return 0, err
	}
	two, err := sum(2)
	if err != nil {
		return 0, err
	}
	return two - one, nil
}
