package batchnorm

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// ChannelStats are one channel's statistics over a batch: the mean and standard deviation over all
// images and positions (population std, as BatchNorm computes it), before and after BatchNorm.
type ChannelStats struct {
	Channel int `json:"channel"`
	// MeanBefore and StdBefore describe the convolution's output, BatchNorm's input: the batch
	// statistics that BatchNorm divides out in training mode.
	MeanBefore float64 `json:"mean_before"`
	StdBefore  float64 `json:"std_before"`
	// MeanNormalized and StdNormalized describe x̂ = (x - batch mean) / sqrt(batch var + eps),
	// recovered from the layer's training-mode output y = Scale*x̂ + Offset as (y - Offset) / Scale.
	MeanNormalized float64 `json:"mean_normalized"`
	StdNormalized  float64 `json:"std_normalized"`
	// MeanAfter and StdAfter describe the layer's training-mode output y itself: Offset and |Scale|.
	MeanAfter float64 `json:"mean_after"`
	StdAfter  float64 `json:"std_after"`
	// Scale and Offset are the learned γ and β.
	Scale  float64 `json:"scale"`
	Offset float64 `json:"offset"`
	// RunningMean and RunningStd (square root of the running variance) are the averages of past
	// training batches that evaluation mode uses instead of the batch's own statistics.
	RunningMean float64 `json:"running_mean"`
	RunningStd  float64 `json:"running_std"`
	// MeanNormalizedEval and StdNormalizedEval describe x̂ in evaluation mode on the same batch:
	// normalized with the running averages, so only approximately 0 and 1.
	MeanNormalizedEval float64 `json:"mean_normalized_eval"`
	StdNormalizedEval  float64 `json:"std_normalized_eval"`
}

// Normalization is what BatchNorm does to one layer's pre-activations on one batch.
type Normalization struct {
	// Layer names the convolution whose output is measured ("conv2"); BatchSize the batch used.
	Layer     string         `json:"layer"`
	BatchSize int            `json:"batch_size"`
	Channels  []ChannelStats `json:"channels"`
}

// measureNormalization runs net (with BatchNorm, trained in ctx) up to convolution block layer on
// data as one batch, in training mode (on a clone of ctx, so the running averages stay as they are)
// and in evaluation mode, and returns per-channel statistics before and after BatchNorm.
func measureNormalization(b backends.Backend, ctx *context.Context, net *Net, layer int, data *cnn.Examples) (Normalization, error) {
	images := tensors.FromFlatDataAndDimensions(append([]float32(nil), data.Pixels...), data.N, data.Height, data.Width, data.Channels)
	activations := func(ctx *context.Context, training bool) (before, after []float32, channels int, err error) {
		out, err := context.ExecOnceN(b, ctx.Checked(false), func(ctx *context.Context, x *graph.Node) []*graph.Node {
			ctx.SetTraining(x.Graph(), training)
			pre, post := net.Activations(ctx, x, layer)
			return []*graph.Node{pre, post}
		}, images)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("batchnorm: measuring layer %d: %w", layer+1, err)
		}
		dims := out[0].Shape().Dimensions
		return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]), dims[len(dims)-1], nil
	}
	clone, err := ctx.Clone()
	if err != nil {
		return Normalization{}, fmt.Errorf("batchnorm: cloning context: %w", err)
	}
	defer clone.Finalize()
	before, afterTrain, channels, err := activations(clone, true)
	if err != nil {
		return Normalization{}, err
	}
	_, afterEval, _, err := activations(ctx, false)
	if err != nil {
		return Normalization{}, err
	}
	scope := fmt.Sprintf("/bn%d/batch_normalization", layer+1)
	vars := map[string][]float32{}
	for _, name := range []string{"scale", "offset", "mean", "variance"} {
		v := ctx.GetVariableByScopeAndName(scope, name)
		if v == nil {
			return Normalization{}, fmt.Errorf("batchnorm: no variable %s/%s in the trained context", scope, name)
		}
		t, err := v.Value()
		if err != nil {
			return Normalization{}, fmt.Errorf("batchnorm: reading %s/%s: %w", scope, name, err)
		}
		vars[name] = tensors.MustCopyFlatData[float32](t)
	}
	n := Normalization{Layer: fmt.Sprintf("conv%d", layer+1), BatchSize: data.N}
	for c := range channels {
		s := ChannelStats{Channel: c, Scale: float64(vars["scale"][c]), Offset: float64(vars["offset"][c]),
			RunningMean: float64(vars["mean"][c]), RunningStd: math.Sqrt(float64(vars["variance"][c]))}
		s.MeanBefore, s.StdBefore = channelMeanStd(before, channels, c)
		s.MeanAfter, s.StdAfter = channelMeanStd(afterTrain, channels, c)
		s.MeanNormalized, s.StdNormalized = (s.MeanAfter-s.Offset)/s.Scale, s.StdAfter/math.Abs(s.Scale)
		m, sd := channelMeanStd(afterEval, channels, c)
		s.MeanNormalizedEval, s.StdNormalizedEval = (m-s.Offset)/s.Scale, sd/math.Abs(s.Scale)
		n.Channels = append(n.Channels, s)
	}
	return n, nil
}

// channelMeanStd returns the mean and population standard deviation of channel c of a
// channels-last tensor given as flat values.
func channelMeanStd(values []float32, channels, c int) (mean, std float64) {
	count := 0
	for i := c; i < len(values); i += channels {
		mean += float64(values[i])
		count++
	}
	mean /= float64(count)
	for i := c; i < len(values); i += channels {
		d := float64(values[i]) - mean
		std += d * d
	}
	return mean, math.Sqrt(std / float64(count))
}

// ModeComparison compares BatchNorm's training mode (each batch normalized with its own mean and
// variance) with its evaluation mode (the running averages) on the same images.
type ModeComparison struct {
	// BatchSize images of the validation subset, run as one batch in each mode.
	BatchSize int `json:"batch_size"`
	// TrainModeAccuracy and EvalModeAccuracy are the accuracies on those images in each mode.
	TrainModeAccuracy float64 `json:"train_mode_accuracy"`
	EvalModeAccuracy  float64 `json:"eval_mode_accuracy"`
	// MeanAbsLogitDiff and MaxAbsLogitDiff compare the logits of the two modes.
	MeanAbsLogitDiff float64 `json:"mean_abs_logit_diff"`
	MaxAbsLogitDiff  float64 `json:"max_abs_logit_diff"`
	// PredictionsChanged counts images whose predicted class differs between the modes.
	PredictionsChanged int `json:"predictions_changed"`
	// SmallBatch is the size of a second batch made of the first images of the first one.
	SmallBatch int `json:"small_batch"`
	// TrainModeBatchEffect is the largest change of those images' logits between the big and the
	// small batch in training mode (their batch mates changed, so the statistics did);
	// EvalModeBatchEffect the same in evaluation mode (zero up to rounding).
	TrainModeBatchEffect float64 `json:"train_mode_batch_effect"`
	EvalModeBatchEffect  float64 `json:"eval_mode_batch_effect"`
	// SmallBatchTrainModeAccuracy is the accuracy on the small batch in training mode;
	// SmallBatchEvalModeAccuracy in evaluation mode.
	SmallBatchTrainModeAccuracy float64 `json:"small_batch_train_mode_accuracy"`
	SmallBatchEvalModeAccuracy  float64 `json:"small_batch_eval_mode_accuracy"`
}

// compareModes runs the trained model on data in both modes, and on its first small images alone.
func compareModes(b backends.Backend, ctx *context.Context, model cnn.ModelFn, data *cnn.Examples, small int) (ModeComparison, error) {
	m := ModeComparison{BatchSize: data.N, SmallBatch: small}
	idx := make([]int, small)
	for i := range idx {
		idx[i] = i
	}
	smallSet := data.Subset(idx)
	var logits [4][][]float32 // big train, big eval, small train, small eval
	for i, run := range []struct {
		data     *cnn.Examples
		training bool
	}{{data, true}, {data, false}, {smallSet, true}, {smallSet, false}} {
		out, err := cnn.Forward(b, ctx, model, run.data, run.training)
		if err != nil {
			return m, fmt.Errorf("batchnorm: comparing modes: %w", err)
		}
		logits[i] = out
	}
	total := 0
	for i := range data.N {
		pt, pe := argMax(logits[0][i]), argMax(logits[1][i])
		if pt == data.Labels[i] {
			m.TrainModeAccuracy++
		}
		if pe == data.Labels[i] {
			m.EvalModeAccuracy++
		}
		if pt != pe {
			m.PredictionsChanged++
		}
		for j := range logits[0][i] {
			d := math.Abs(float64(logits[0][i][j] - logits[1][i][j]))
			m.MeanAbsLogitDiff += d
			m.MaxAbsLogitDiff = max(m.MaxAbsLogitDiff, d)
			total++
		}
	}
	m.TrainModeAccuracy /= float64(data.N)
	m.EvalModeAccuracy /= float64(data.N)
	m.MeanAbsLogitDiff /= float64(total)
	for i := range small {
		if argMax(logits[2][i]) == data.Labels[i] {
			m.SmallBatchTrainModeAccuracy++
		}
		if argMax(logits[3][i]) == data.Labels[i] {
			m.SmallBatchEvalModeAccuracy++
		}
		for j := range logits[0][i] {
			m.TrainModeBatchEffect = max(m.TrainModeBatchEffect, math.Abs(float64(logits[0][i][j]-logits[2][i][j])))
			m.EvalModeBatchEffect = max(m.EvalModeBatchEffect, math.Abs(float64(logits[1][i][j]-logits[3][i][j])))
		}
	}
	m.SmallBatchTrainModeAccuracy /= float64(small)
	m.SmallBatchEvalModeAccuracy /= float64(small)
	return m, nil
}

// argMax returns the index of the largest value (the first on ties).
func argMax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}
