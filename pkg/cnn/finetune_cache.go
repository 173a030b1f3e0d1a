package cnn

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// CacheFeatures runs a frozen backbone once over data, in evaluation mode, and returns its outputs
// as examples of shape 1 x 1 x F (F features per image) with the same labels. Training a head on
// the cached features (for instance VGGHead, with Train) then costs one small layer per step
// instead of a full forward pass of the backbone; it matches training the whole model with the
// backbone frozen whenever the backbone has no training-mode behaviour (no BatchNorm statistics
// updates, no dropout), and ignores data augmentation, which would change the features each epoch.
func CacheFeatures(b backends.Backend, ctx *context.Context, backbone ModelFn, data *Examples, batchSize int) (*Examples, error) {
	if err := data.Check(); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		return nil, fmt.Errorf("cnn: feature caching batch size %d, want > 0", batchSize)
	}
	batchSize = min(batchSize, data.N)
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), false)
		features := backbone(ctx, images)
		return graph.Reshape(features, features.Shape().Dimensions[0], -1)
	})
	if err != nil {
		return nil, fmt.Errorf("cnn: building the backbone: %w", err)
	}
	defer exec.Finalize()
	var out *Examples
	for start := 0; start < data.N; start += batchSize {
		end := min(start+batchSize, data.N)
		idx := make([]int, end-start)
		for i := range idx {
			idx[i] = start + i
		}
		images, _ := data.batch(idx, batchSize)
		res, err := exec.Exec(images)
		if err != nil {
			return nil, fmt.Errorf("cnn: computing features of examples %d-%d: %w", start, end-1, err)
		}
		f := res[0].Shape().Dimensions[1]
		if out == nil {
			out = &Examples{Pixels: make([]float32, 0, data.N*f), Labels: append([]int(nil), data.Labels...),
				N: data.N, Height: 1, Width: 1, Channels: f}
		}
		values := tensors.MustCopyFlatData[float32](res[0])
		out.Pixels = append(out.Pixels, values[:len(idx)*f]...)
	}
	return out, nil
}
