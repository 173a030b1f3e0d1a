package cnn

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

// ErrDiverged is wrapped by Train's error when the loss became NaN or infinite.
var ErrDiverged = errors.New("training diverged")

// TrainConfig sets up a training run.
type TrainConfig struct {
	// Epochs is the number of passes over the training set; used when Steps is 0.
	Epochs int
	// Steps, when positive, is the total number of optimizer steps instead (epochs then count
	// passes over the data, the last one possibly partial).
	Steps int
	// BatchSize is the mini-batch size; the last incomplete batch of each pass is dropped.
	BatchSize int
	// Optimizer, LearningRate, Momentum (SGD only) and WeightDecay (L2 added to the gradient).
	Optimizer    Optimizer
	LearningRate float64
	Momentum     float64
	WeightDecay  float64
	// Schedule changes the learning rate per step; StepSize and Gamma configure StepDecay.
	Schedule Schedule
	StepSize int
	Gamma    float64
	// LRScale, when not nil, multiplies the learning rate of each trainable variable (0 freezes it);
	// it is called once per variable when the training graph is built.
	LRScale func(v *context.Variable) float64
	// Augment, when not nil, transforms every training image each time it is drawn (for example
	// augment.ShiftFlip(32, 32, 2): random shifts and flips), so that each pass sees new views. It must keep the image's size; validation images are never
	// transformed.
	Augment augment.Transform
	// Seed drives the shuffling and the augmentation. Variable initialization is seeded by the
	// caller's context (ctx.SetRNGStateFromSeed).
	Seed int64
	// EvalEvery, when positive, evaluates on the validation set every EvalEvery steps (History.Evals).
	EvalEvery int
	// TargetAccuracy, when positive, stops training at the first periodic evaluation whose
	// validation accuracy is >= it (History.StepsToTarget).
	TargetAccuracy float64
	// EvalBatchSize is the batch size for evaluation (default: BatchSize).
	EvalBatchSize int
	// Progress, when not nil, receives a progress bar and one line per epoch.
	Progress io.Writer
	// CheckpointPath, when not "", is where all variables are saved (atomically) after every epoch.
	CheckpointPath string
}

// EpochStats are the numbers of one epoch. TrainLoss and TrainAccuracy average the mini-batches of
// the epoch (the model changes during it, as in PyTorch tutorials); Val* are measured at its end in
// evaluation mode (NaN without validation data).
type EpochStats struct {
	Epoch                    int
	Steps                    int
	LearningRate             float64
	TrainLoss, TrainAccuracy float64
	ValLoss, ValAccuracy     float64
	Seconds                  float64
	ExamplesPerSecond        float64
}

// EvalPoint is a periodic evaluation (TrainConfig.EvalEvery).
type EvalPoint struct {
	Step           int
	Loss, Accuracy float64
}

// History records a training run.
type History struct {
	Epochs []EpochStats
	// StepLoss and StepAccuracy are each mini-batch's loss and accuracy, in step order.
	StepLoss, StepAccuracy []float64
	Evals                  []EvalPoint
	// StepsToTarget is the step count at which TargetAccuracy was reached, -1 if never.
	StepsToTarget int
	// ExamplesPerSecond is the training throughput over all steps (evaluation excluded).
	ExamplesPerSecond float64
}

// Train trains model's variables in ctx on the training examples, evaluating on val (nil: none)
// after every epoch. It returns the history so far together with any error; a NaN or infinite loss
// stops training with an error that names the step and learning rate.
func Train(b backends.Backend, ctx *context.Context, model ModelFn, trainSet, val *Examples, cfg TrainConfig) (*History, error) {
	if err := trainSet.Check(); err != nil {
		return nil, fmt.Errorf("cnn: training set: %w", err)
	}
	if val != nil {
		if err := val.Check(); err != nil {
			return nil, fmt.Errorf("cnn: validation set: %w", err)
		}
	}
	if cfg.BatchSize <= 0 || cfg.LearningRate <= 0 || (cfg.Epochs <= 0 && cfg.Steps <= 0) {
		return nil, fmt.Errorf("cnn: train config needs BatchSize, LearningRate and Epochs or Steps > 0, got %d, %g, %d, %d",
			cfg.BatchSize, cfg.LearningRate, cfg.Epochs, cfg.Steps)
	}
	batch := min(cfg.BatchSize, trainSet.N)
	perEpoch := trainSet.N / batch
	total := cfg.Steps
	if total <= 0 {
		total = cfg.Epochs * perEpoch
	}
	evalBatch := cfg.EvalBatchSize
	if evalBatch <= 0 {
		evalBatch = cfg.BatchSize
	}
	ctx = ctx.Checked(false)
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, images, labels, lr *graph.Node) (loss, correct *graph.Node) {
		g := images.Graph()
		ctx.SetTraining(g, true)
		logits := model(ctx, images)
		loss = losses.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{logits})
		vars := trainableVars(ctx, g)
		nodes := make([]*graph.Node, len(vars))
		for i, v := range vars {
			nodes[i] = v.ValueGraph(g)
		}
		applyUpdate(ctx, &cfg, vars, graph.Gradient(loss, nodes...), lr)
		return loss, correctCount(logits, labels)
	})
	if err != nil {
		return nil, fmt.Errorf("cnn: building training step: %w", err)
	}
	defer exec.Finalize()
	ev := newEvaluator(b, ctx, model)
	defer ev.finalize()

	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x636e6e))
	augmentImage := augmenter(cfg.Augment, trainSet, uint64(cfg.Seed))
	h := &History{StepsToTarget: -1}
	bar := newProgress(cfg.Progress)
	var trainTime time.Duration
	step := 0
	for epoch := 1; step < total; epoch++ {
		order := rng.Perm(trainSet.N)
		es := EpochStats{Epoch: epoch, LearningRate: cfg.LearningRateAt(step, total), ValLoss: math.NaN(), ValAccuracy: math.NaN()}
		start := time.Now()
		var lossSum, accSum float64
		epochSteps := min(perEpoch, total-step)
		for i := 0; i < perEpoch && step < total; i++ {
			lr := cfg.LearningRateAt(step, total)
			images, labels, err := trainSet.augmentedBatch(order[i*batch:(i+1)*batch], batch, augmentImage)
			if err != nil {
				return h, fmt.Errorf("cnn: training step %d: %w", step+1, err)
			}
			t0 := time.Now()
			out, err := exec.Exec(images, labels, float32(lr))
			if err != nil {
				return h, fmt.Errorf("cnn: training step %d: %w", step+1, err)
			}
			trainTime += time.Since(t0)
			loss := float64(tensors.ToScalar[float32](out[0]))
			acc := float64(tensors.ToScalar[float32](out[1])) / float64(batch)
			step++
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return h, fmt.Errorf("cnn: %w: loss is %v at step %d (epoch %d, learning rate %g); lower the learning rate",
					ErrDiverged, loss, step, epoch, lr)
			}
			h.StepLoss = append(h.StepLoss, loss)
			h.StepAccuracy = append(h.StepAccuracy, acc)
			lossSum += loss
			accSum += acc
			es.Steps++
			bar.step(epoch, es.Steps, epochSteps, lossSum/float64(es.Steps), loss, accSum/float64(es.Steps),
				float64(step*batch)/trainTime.Seconds())
			if cfg.EvalEvery > 0 && val != nil && step%cfg.EvalEvery == 0 {
				r, err := ev.run(val, evalBatch)
				if err != nil {
					return h, err
				}
				h.Evals = append(h.Evals, EvalPoint{Step: step, Loss: r.Loss, Accuracy: r.Accuracy})
				if cfg.TargetAccuracy > 0 && r.Accuracy >= cfg.TargetAccuracy {
					h.StepsToTarget = step
					total = step // stop here
				}
			}
		}
		es.TrainLoss, es.TrainAccuracy = lossSum/float64(es.Steps), accSum/float64(es.Steps)
		es.Seconds = time.Since(start).Seconds()
		es.ExamplesPerSecond = float64(es.Steps*batch) / es.Seconds
		if val != nil {
			r, err := ev.run(val, evalBatch)
			if err != nil {
				return h, err
			}
			es.ValLoss, es.ValAccuracy = r.Loss, r.Accuracy
		}
		h.Epochs = append(h.Epochs, es)
		bar.epoch(es)
		if cfg.CheckpointPath != "" {
			if err := SaveCheckpoint(ctx, cfg.CheckpointPath); err != nil {
				return h, err
			}
		}
	}
	if trainTime > 0 {
		h.ExamplesPerSecond = float64(step*batch) / trainTime.Seconds()
	}
	return h, nil
}

// correctCount is the number of rows whose arg-max logit equals the label, as a float32 scalar.
func correctCount(logits, labels *graph.Node) *graph.Node {
	pred := graph.ArgMax(logits, -1, dtypes.Int32)
	lab := graph.Reshape(graph.ConvertDType(labels, dtypes.Int32), pred.Shape().Dimensions...)
	return graph.ReduceAllSum(graph.ConvertDType(graph.Equal(pred, lab), dtypes.Float32))
}
