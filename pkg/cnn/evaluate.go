package cnn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Evaluation is a model's result on a labelled set, in evaluation mode (BatchNorm uses its running
// averages, dropout is off).
type Evaluation struct {
	// Loss is the mean cross-entropy (natural log); Accuracy the fraction of correct arg-max predictions.
	Loss, Accuracy float64
	// Predictions are the arg-max classes, one per example (ties: the lowest class).
	Predictions []int
	// Probabilities are the softmax outputs, one row of classes per example.
	Probabilities [][]float32
}

// Evaluate runs model (in evaluation mode, with ctx's variables) on data in batches of batchSize
// and returns the loss, accuracy, predictions and class probabilities.
func Evaluate(b backends.Backend, ctx *context.Context, model ModelFn, data *Examples, batchSize int) (*Evaluation, error) {
	if err := data.Check(); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		return nil, fmt.Errorf("cnn: evaluation batch size %d, want > 0", batchSize)
	}
	ev := newEvaluator(b, ctx.Checked(false), model)
	defer ev.finalize()
	return ev.run(data, batchSize)
}

// evaluator holds a compiled inference graph.
type evaluator struct {
	exec *context.Exec
	err  error
}

func newEvaluator(b backends.Backend, ctx *context.Context, model ModelFn) *evaluator {
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), false)
		return model(ctx, images)
	})
	return &evaluator{exec: exec, err: err}
}

func (ev *evaluator) finalize() {
	if ev.exec != nil {
		ev.exec.Finalize()
	}
}

// run evaluates data; the last batch is padded to batchSize (so one graph serves all batches) and
// the padding rows are ignored.
func (ev *evaluator) run(data *Examples, batchSize int) (*Evaluation, error) {
	if ev.err != nil {
		return nil, fmt.Errorf("cnn: building evaluation graph: %w", ev.err)
	}
	batchSize = min(batchSize, data.N)
	r := &Evaluation{Predictions: make([]int, data.N), Probabilities: make([][]float32, data.N)}
	var lossSum float64
	correct := 0
	for start := 0; start < data.N; start += batchSize {
		end := min(start+batchSize, data.N)
		idx := make([]int, end-start)
		for i := range idx {
			idx[i] = start + i
		}
		images, _ := data.batch(idx, batchSize)
		out, err := ev.exec.Exec(images)
		if err != nil {
			return nil, fmt.Errorf("cnn: evaluating examples %d-%d: %w", start, end-1, err)
		}
		logits := tensors.MustCopyFlatData[float32](out[0])
		classes := out[0].Shape().Dimensions[1]
		for i := range idx {
			row := logits[i*classes : (i+1)*classes]
			probs, logSum := softmax(row)
			label := data.Labels[start+i]
			if label >= classes {
				return nil, fmt.Errorf("cnn: label %d of example %d is out of range for %d classes", label, start+i, classes)
			}
			lossSum += logSum - float64(row[label])
			p := argMax(row)
			if p == label {
				correct++
			}
			r.Predictions[start+i] = p
			r.Probabilities[start+i] = probs
		}
	}
	r.Loss = lossSum / float64(data.N)
	r.Accuracy = float64(correct) / float64(data.N)
	return r, nil
}

// softmax returns the probabilities of row and log(sum(exp(row))), computed stably.
func softmax(row []float32) ([]float32, float64) {
	m := math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, float64(v))
	}
	var sum float64
	for _, v := range row {
		sum += math.Exp(float64(v) - m)
	}
	probs := make([]float32, len(row))
	for i, v := range row {
		probs[i] = float32(math.Exp(float64(v)-m) / sum)
	}
	return probs, m + math.Log(sum)
}

// argMax returns the index of the largest value (the first one on ties).
func argMax(row []float32) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

// Forward returns model's logits for all of data (one batch), in training mode (BatchNorm uses the
// batch's own statistics; run on a clone of ctx, so running averages in ctx do not change) or in
// evaluation mode (BatchNorm uses the running averages).
func Forward(b backends.Backend, ctx *context.Context, model ModelFn, data *Examples, training bool) ([][]float32, error) {
	if err := data.Check(); err != nil {
		return nil, err
	}
	run := ctx
	if training {
		clone, err := ctx.Clone()
		if err != nil {
			return nil, fmt.Errorf("cnn: forward: cloning context: %w", err)
		}
		defer clone.Finalize()
		run = clone
	}
	idx := make([]int, data.N)
	for i := range idx {
		idx[i] = i
	}
	images, _ := data.batch(idx, data.N)
	out, err := context.ExecOnce(b, run.Checked(false), func(ctx *context.Context, x *graph.Node) *graph.Node {
		ctx.SetTraining(x.Graph(), training)
		return model(ctx, x)
	}, images)
	if err != nil {
		return nil, fmt.Errorf("cnn: forward: %w", err)
	}
	flat := tensors.MustCopyFlatData[float32](out)
	classes := out.Shape().Dimensions[1]
	rows := make([][]float32, data.N)
	for i := range rows {
		rows[i] = flat[i*classes : (i+1)*classes]
	}
	return rows, nil
}
