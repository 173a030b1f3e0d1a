package detection

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// RoIAlignSamples is the sampling ratio of the two-stage models' RoIAlign: 2 x 2 samples per bin, as
// torchvision's Faster R-CNN box head (MultiScaleRoIAlign, sampling_ratio=2).
const RoIAlignSamples = 2

// BackboneConfig sizes the convolutional trunk every model of the lesson is built on ([Backbone]).
type BackboneConfig struct {
	// Channels are the stages' widths: each stage is a 3x3 convolution, BatchNorm and ReLU, followed
	// by 2x2 max pooling in the first PoolStages stages (0, or more than there are stages: all).
	// Stages without pooling widen the receptive field and keep a finer feature map.
	Channels   []int
	PoolStages int
}

// Pools is the number of stages followed by max pooling.
func (c BackboneConfig) Pools() int {
	if c.PoolStages <= 0 || c.PoolStages > len(c.Channels) {
		return len(c.Channels)
	}
	return c.PoolStages
}

// Stride is the feature map's stride in pixels, 2^Pools.
func (c BackboneConfig) Stride() int { return 1 << c.Pools() }

// Backbone is the convolutional trunk on images [N, H, W, 1] that cfg describes, in scopes "stage1",
// "stage2", ...: the feature map is [N, H/Stride, W/Stride, last channels].
func Backbone(ctx *context.Context, cfg BackboneConfig, images *graph.Node) *graph.Node {
	x, pools := images, cfg.Pools()
	for i, c := range cfg.Channels {
		s := ctx.In(fmt.Sprintf("stage%d", i+1))
		x = layers.Convolution(s.In("conv"), x).Channels(c).KernelSize(3).PadSame().UseBias(false).Done()
		x = activations.Relu(cnn.BatchNorm(s.In("bn"), x))
		if i < pools {
			x = graph.MaxPool(x).Window(2).Strides(2).NoPadding().Done()
		}
	}
	return x
}

// PoolRegions is RoIAlign inside a graph, by the separable weights of detect.RoIAlignWeights:
// features [N, h, w, C]; for R regions of Bins x Bins bins, wy [R·Bins, N·h] (region r's weights along
// y for bin row i in row r·Bins + i, non-zero only in the columns of its own image) and wx [R, Bins, w]
// (regionWeights fills both). Returns [R, Bins², C]. Both steps are matrix products, so gradients
// reach the features without a gather or scatter.
func PoolRegions(features, wy, wx *graph.Node) *graph.Node {
	n, h, w, c := features.Shape().Dim(0), features.Shape().Dim(1), features.Shape().Dim(2), features.Shape().Dim(3)
	r, bins := wx.Shape().Dim(0), wx.Shape().Dim(1)
	rows := graph.Reshape(graph.MatMul(wy, graph.Reshape(features, n*h, w*c)), r, bins, w, c) // [R, i, x, C]
	return graph.Reshape(graph.Einsum("rjx,rixc->rijc", wx, rows), r, bins*bins, c)
}

// regionWeights holds the host buffers of PoolRegions' wy and wx for up to n regions over a batch of
// images h x w feature maps.
type regionWeights struct {
	bins, images, h, w, stride int
	wy, wx                     []float32
}

func newRegionWeights(n, bins, images, h, w, stride int) *regionWeights {
	return &regionWeights{bins: bins, images: images, h: h, w: w, stride: stride,
		wy: make([]float32, n*bins*images*h), wx: make([]float32, n*bins*w)}
}

// set writes region k's weights: box (in image pixels) on image slot of the batch.
func (rw *regionWeights) set(k, slot int, box detect.Box) {
	wy, wx := detect.RoIAlignWeights(rw.h, rw.w, box, 1/float32(rw.stride), rw.bins, rw.bins, RoIAlignSamples)
	cols := rw.images * rw.h
	for i := range rw.bins {
		row := rw.wy[(k*rw.bins+i)*cols : (k*rw.bins+i+1)*cols]
		clear(row)
		copy(row[slot*rw.h:], wy[i*rw.h:(i+1)*rw.h])
	}
	copy(rw.wx[k*rw.bins*rw.w:], wx)
}

// clearFrom zeroes the weights of regions k and after (padding regions pool to 0).
func (rw *regionWeights) clearFrom(k int) {
	clear(rw.wy[k*rw.bins*rw.images*rw.h:])
	clear(rw.wx[k*rw.bins*rw.w:])
}

// tensors returns the buffers as PoolRegions' inputs for n regions.
func (rw *regionWeights) tensors(n int) (wy, wx *tensors.Tensor) {
	return tensors.FromFlatDataAndDimensions(rw.wy[:n*rw.bins*rw.images*rw.h], n*rw.bins, rw.images*rw.h),
		tensors.FromFlatDataAndDimensions(rw.wx[:n*rw.bins*rw.w], n, rw.bins, rw.w)
}

// headChunk is the number of regions per call of a regionClassifier; the last chunk is padded so
// that the graph compiles once.
const headChunk = 64

// regionClassifier runs a trained two-stage model at inference, split in two graphs: the backbone
// (and whatever else the model computes per image) once per image, then RegionHeads on the pooled
// regions, headChunk at a time.
type regionClassifier struct {
	head    *context.Exec
	weights *regionWeights
}

func newRegionClassifier(b backends.Backend, ctx *context.Context, bins, hidden, h, w, stride int) (*regionClassifier, error) {
	head, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, features, wy, wx *graph.Node) (*graph.Node, *graph.Node) {
		logits, deltas := RegionHeads(ctx, PoolRegions(features, wy, wx), hidden)
		return graph.Softmax(logits, -1), deltas
	})
	if err != nil {
		return nil, fmt.Errorf("detection: building the region head: %w", err)
	}
	return &regionClassifier{head: head, weights: newRegionWeights(headChunk, bins, 1, h, w, stride)}, nil
}

// classify returns the class probabilities [len(boxes), C + 1] and deltas [len(boxes), 4C] of boxes
// on one image's feature map features [1, h, w, C].
func (rc *regionClassifier) classify(features *tensors.Tensor, boxes []detect.Box) (probs, deltas []float32, err error) {
	for s := 0; s < len(boxes); s += headChunk {
		n := min(headChunk, len(boxes)-s)
		for k := range n {
			rc.weights.set(k, 0, boxes[s+k])
		}
		rc.weights.clearFrom(n)
		wy, wx := rc.weights.tensors(headChunk)
		res, err := rc.head.Exec(features, wy, wx)
		if err != nil {
			return nil, nil, fmt.Errorf("detection: region head: %w", err)
		}
		p, err := tensors.CopyFlatData[float32](res[0])
		if err != nil {
			return nil, nil, err
		}
		d, err := tensors.CopyFlatData[float32](res[1])
		if err != nil {
			return nil, nil, err
		}
		probs = append(probs, p[:n*(numDigits+1)]...)
		deltas = append(deltas, d[:n*4*numDigits]...)
	}
	return probs, deltas, nil
}
