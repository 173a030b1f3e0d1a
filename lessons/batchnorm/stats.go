package batchnorm

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"

	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// ChannelStats are one feature's (channel's) statistics over a batch, measured in the trained
// BatchNorm network: mean and population standard deviation, as BatchNorm computes them.
type ChannelStats struct {
	Feature int `json:"feature"`
	// MeanBefore and StdBefore describe the dense layer's output, BatchNorm's input, on the batch:
	// exactly the batch statistics that training mode divides out.
	MeanBefore float64 `json:"mean_before"`
	StdBefore  float64 `json:"std_before"`
	// Scale and Offset are the learned γ and β: BatchNorm's output is y = γ·x̂ + β.
	Scale  float64 `json:"scale"`
	Offset float64 `json:"offset"`
	// MeanNormalized and StdNormalized describe x̂ in training mode, recovered from the layer's
	// output as (y - β) / γ: 0 and 1 up to ε.
	MeanNormalized float64 `json:"mean_normalized"`
	StdNormalized  float64 `json:"std_normalized"`
	// RunningMean and RunningStd (square root of the running variance) are the averages over past
	// training batches that evaluation mode uses instead of the batch's own statistics.
	RunningMean float64 `json:"running_mean"`
	RunningStd  float64 `json:"running_std"`
	// MeanNormalizedEval and StdNormalizedEval describe x̂ in evaluation mode on the same batch:
	// normalized with the running averages, hence only near 0 and 1.
	MeanNormalizedEval float64 `json:"mean_normalized_eval"`
	StdNormalizedEval  float64 `json:"std_normalized_eval"`
}

// TrainedLayer is what BatchNorm does to one hidden layer of the trained network on one batch.
type TrainedLayer struct {
	// Layer is the hidden layer measured (1-based: "fc<Layer>" then "bn<Layer>").
	Layer int `json:"layer"`
	// BatchSize validation images form the batch.
	BatchSize int `json:"batch_size"`
	// Features are the first few features' statistics.
	Features []ChannelStats `json:"features"`
}

// hiddenPreActivations rebuilds cnn.MLP (with BatchNorm) up to hidden layer `layer` (1-based) on x
// and returns that layer's dense output and its BatchNorm output. ctx must hold a trained MLP: it
// is used with Reuse, so a scope that does not match cnn.MLP's panics instead of creating variables.
func hiddenPreActivations(ctx *context.Context, x *graph.Node, layer int) (before, after *graph.Node) {
	ctx = ctx.Reuse()
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	for i := 1; ; i++ {
		n := fmt.Sprint(i)
		w := ctx.GetVariableByScopeAndName("/fc"+n+"/dense", "weights")
		if w == nil {
			panic(fmt.Sprintf("batchnorm: the trained context has no hidden layer %d", i))
		}
		h := layers.DenseWithBias(ctx.In("fc"+n), x, w.Shape().Dimensions[1])
		y := cnn.BatchNorm(ctx.In("bn"+n), h)
		if i == layer {
			return h, y
		}
		x = activations.Relu(y)
	}
}

// measureTrainedLayer runs the trained BatchNorm MLP in ctx on data (one batch) up to hidden layer
// `layer`, in training mode (on a clone of ctx, so its running averages stay unchanged) and in
// evaluation mode, and returns the first `features` features' statistics.
func measureTrainedLayer(b backends.Backend, ctx *context.Context, data *cnn.Examples, layer, features int) (TrainedLayer, error) {
	t := TrainedLayer{Layer: layer, BatchSize: data.N}
	images := tensors.FromFlatDataAndDimensions(append([]float32(nil), data.Pixels...), data.N, data.Height, data.Width, data.Channels)
	run := func(ctx *context.Context, training bool) (before, after []float32, width int, err error) {
		out, err := context.ExecOnceN(b, ctx, func(ctx *context.Context, x *graph.Node) []*graph.Node {
			ctx.SetTraining(x.Graph(), training)
			h, y := hiddenPreActivations(ctx, x, layer)
			return []*graph.Node{h, y}
		}, images)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("batchnorm: measuring hidden layer %d: %w", layer, err)
		}
		return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]), out[0].Shape().Dimensions[1], nil
	}
	clone, err := ctx.Clone()
	if err != nil {
		return t, fmt.Errorf("batchnorm: cloning context: %w", err)
	}
	defer clone.Finalize()
	before, afterTrain, width, err := run(clone, true)
	if err != nil {
		return t, err
	}
	_, afterEval, _, err := run(ctx, false)
	if err != nil {
		return t, err
	}
	scope := fmt.Sprintf("/bn%d/batch_normalization", layer)
	vars := map[string][]float32{}
	for _, name := range []string{"scale", "offset", "mean", "variance"} {
		v := ctx.GetVariableByScopeAndName(scope, name)
		if v == nil {
			return t, fmt.Errorf("batchnorm: no variable %s/%s in the trained context", scope, name)
		}
		value, err := v.Value()
		if err != nil {
			return t, fmt.Errorf("batchnorm: reading %s/%s: %w", scope, name, err)
		}
		vars[name] = tensors.MustCopyFlatData[float32](value)
	}
	for f := range min(features, width) {
		s := ChannelStats{Feature: f, Scale: float64(vars["scale"][f]), Offset: float64(vars["offset"][f]),
			RunningMean: float64(vars["mean"][f]), RunningStd: math.Sqrt(float64(vars["variance"][f]))}
		s.MeanBefore, s.StdBefore = columnMeanStd(before, width, f)
		m, sd := columnMeanStd(afterTrain, width, f)
		s.MeanNormalized, s.StdNormalized = (m-s.Offset)/s.Scale, sd/math.Abs(s.Scale)
		m, sd = columnMeanStd(afterEval, width, f)
		s.MeanNormalizedEval, s.StdNormalizedEval = (m-s.Offset)/s.Scale, sd/math.Abs(s.Scale)
		t.Features = append(t.Features, s)
	}
	return t, nil
}

// columnMeanStd returns the mean and population standard deviation of column c of a row-major
// matrix with `width` columns given as flat values.
func columnMeanStd(values []float32, width, c int) (mean, std float64) {
	count := 0
	for i := c; i < len(values); i += width {
		mean += float64(values[i])
		count++
	}
	mean /= float64(count)
	for i := c; i < len(values); i += width {
		d := float64(values[i]) - mean
		std += d * d
	}
	return mean, math.Sqrt(std / float64(count))
}

// StatsLayer is the hidden layer (1-based) whose statistics Report.Trained holds: a middle layer,
// whose input distribution earlier layers keep changing during training.
const StatsLayer = 3

// statsFeatures is how many of its features are reported.
const statsFeatures = 8

// firstN returns the indices 0..n-1.
func firstN(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// StatsFigure draws Report.Trained as a table of coloured cells, one row per feature. Columns: the
// batch's mean and std before BatchNorm ("in"), x̂'s mean and std in training mode ("tr"), the
// running mean and std ("run"), and x̂'s mean and std in evaluation mode ("ev").
func (r Report) StatsFigure() (*plot.Figure, error) {
	cols := []string{"in mean", "in std", "tr mean", "tr std", "run mean", "run std", "ev mean", "ev std"}
	var rows []string
	var values [][]float64
	for _, f := range r.Trained.Features {
		rows = append(rows, fmt.Sprintf("feature %d", f.Feature))
		values = append(values, []float64{f.MeanBefore, f.StdBefore, f.MeanNormalized, f.StdNormalized,
			f.RunningMean, f.RunningStd, f.MeanNormalizedEval, f.StdNormalizedEval})
	}
	return plot.Heatmap(plot.Labels{Title: fmt.Sprintf("Layer %d, %d images: BN input | x-hat train | running | x-hat eval",
		r.Trained.Layer, r.Trained.BatchSize)}, rows, cols, values)
}
