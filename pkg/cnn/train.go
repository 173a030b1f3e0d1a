package cnn

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

// ErrDiverged is wrapped by Train's error when the loss or a variable became NaN or infinite.
var ErrDiverged = errors.New("training diverged")

// TrainConfig sets up a training run.
type TrainConfig struct {
	// Epochs (>= 0) is the number of passes over the training set; used when Steps is 0.
	Epochs int
	// Steps (>= 0), when positive, is the total number of optimizer steps instead (epochs then
	// count passes over the data, the last one possibly partial). One of Epochs and Steps must be
	// positive.
	Steps int
	// BatchSize (> 0) is the mini-batch size; the last incomplete batch of each pass is dropped. A
	// BatchSize above the number of training examples trains on all of them in one batch.
	BatchSize int
	// Optimizer, LearningRate, Momentum (SGD only) and WeightDecay (L2 added to the gradient).
	// LearningRate must be finite, > 0 and nonzero in float32 (the training graph's precision),
	// Momentum in [0, 1), WeightDecay finite and >= 0 (Train checks them before the first step).
	Optimizer    Optimizer
	LearningRate float64
	Momentum     float64
	WeightDecay  float64
	// Schedule changes the learning rate per step; StepSize (> 0) and Gamma (in (0, 1])
	// configure StepDecay and are ignored by the other schedules.
	Schedule Schedule
	StepSize int
	Gamma    float64
	// LRScale, when not nil, multiplies the learning rate of each trainable variable (0 freezes it);
	// it is called once per variable when the training graph is built, and must return a finite
	// number >= 0 (anything else fails the first step).
	LRScale func(v *context.Variable) float64
	// Augment, when not nil, transforms every training image each time it is drawn (for example
	// augment.ShiftFlip(32, 32, 2): random shifts and flips), so that each pass sees new views. It must keep the image's size; validation images are never
	// transformed.
	Augment augment.Transform
	// Seed drives the shuffling and the augmentation. Variable initialization is seeded by the
	// caller's context (ctx.SetRNGStateFromSeed).
	Seed int64
	// EvalEvery (>= 0), when positive, evaluates on the validation set every EvalEvery steps
	// (History.Evals).
	EvalEvery int
	// TargetAccuracy (in [0, 1]), when positive, stops training at the first periodic evaluation
	// whose validation accuracy is >= it (History.StepsToTarget).
	TargetAccuracy float64
	// EvalBatchSize (>= 0) is the batch size for evaluation (0: BatchSize).
	EvalBatchSize int
	// Progress, when not nil, receives a progress bar and one line per epoch.
	Progress io.Writer
	// CheckpointPath, when not "", is where all variables are saved (atomically, see
	// SaveCheckpoint) after every epoch whose variables are all finite. An epoch that ends with a
	// NaN or infinite variable stops training with ErrDiverged and leaves the file as it was.
	CheckpointPath string
}

// Check reports the first field of cfg that is out of its range (see each field's doc), naming
// the field and its value: "cnn: TrainConfig.LearningRate is NaN, want a finite number > 0". Train
// calls it before the first step; it does not look at the data, so a BatchSize above the number
// of examples passes.
func (cfg *TrainConfig) Check() error {
	bad := func(field string, value any, want string) error {
		return fmt.Errorf("cnn: TrainConfig.%s is %v, want %s", field, value, want)
	}
	switch {
	case cfg.BatchSize <= 0:
		return bad("BatchSize", cfg.BatchSize, "> 0")
	case cfg.Epochs < 0:
		return bad("Epochs", cfg.Epochs, ">= 0")
	case cfg.Steps < 0:
		return bad("Steps", cfg.Steps, ">= 0 (0: train for Epochs)")
	case cfg.Epochs == 0 && cfg.Steps == 0:
		return errors.New("cnn: TrainConfig needs Epochs or Steps > 0, got both 0")
	case cfg.Optimizer != SGD && cfg.Optimizer != Adam:
		return bad("Optimizer", cfg.Optimizer, "SGD or Adam")
	case !(cfg.LearningRate > 0 && cfg.LearningRate <= math.MaxFloat32):
		return bad("LearningRate", cfg.LearningRate, fmt.Sprintf("a finite number > 0 and <= %g (the largest float32)", math.MaxFloat32))
	case float32(cfg.LearningRate) == 0:
		return bad("LearningRate", cfg.LearningRate, "one that is not 0 in float32 (>= 1.4e-45)")
	case !(cfg.Momentum >= 0 && cfg.Momentum < 1):
		return bad("Momentum", cfg.Momentum, "a number in [0, 1)")
	case !(cfg.WeightDecay >= 0 && cfg.WeightDecay <= math.MaxFloat32):
		return bad("WeightDecay", cfg.WeightDecay, "a finite number >= 0")
	case cfg.Schedule != Constant && cfg.Schedule != StepDecay && cfg.Schedule != Cosine:
		return bad("Schedule", cfg.Schedule, "Constant, StepDecay or Cosine")
	case cfg.Schedule == StepDecay && cfg.StepSize <= 0:
		return bad("StepSize", cfg.StepSize, "> 0 with the StepDecay schedule")
	case cfg.Schedule == StepDecay && !(cfg.Gamma > 0 && cfg.Gamma <= 1):
		return bad("Gamma", cfg.Gamma, "a number in (0, 1] with the StepDecay schedule")
	case cfg.EvalEvery < 0:
		return bad("EvalEvery", cfg.EvalEvery, ">= 0 (0: no periodic evaluation)")
	case cfg.EvalBatchSize < 0:
		return bad("EvalBatchSize", cfg.EvalBatchSize, ">= 0 (0: BatchSize)")
	case !(cfg.TargetAccuracy >= 0 && cfg.TargetAccuracy <= 1):
		return bad("TargetAccuracy", cfg.TargetAccuracy, "a number in [0, 1] (0: no target)")
	}
	return nil
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
// after every epoch. It checks cfg (TrainConfig.Check) and the data before the first step. It
// returns the history so far together with any error. A NaN or infinite loss (checked after
// every step) or variable (checked at the end of every epoch, before the checkpoint is saved)
// stops training with an error wrapping ErrDiverged that names the step, the epoch, the learning
// rate and, with cfg.CheckpointPath, says that the checkpoint there was kept:
//
//	cnn: training diverged: variable /fc1/dense/weights holds -Inf at index 0 of 32 after step 1
//	(epoch 1, learning rate 1e+38); the last good checkpoint at run.ckpt (written before this run)
//	was kept; lower the learning rate
//
// The checks only read values: they change nothing that training computes.
func Train(b backends.Backend, ctx *context.Context, model ModelFn, trainSet, val *Examples, cfg TrainConfig) (*History, error) {
	if err := trainSet.Check(); err != nil {
		return nil, fmt.Errorf("cnn: training set: %w", err)
	}
	if val != nil {
		if err := val.Check(); err != nil {
			return nil, fmt.Errorf("cnn: validation set: %w", err)
		}
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	batch := min(cfg.BatchSize, trainSet.N)
	perEpoch := trainSet.N / batch
	total := cfg.Steps
	if total <= 0 {
		if cfg.Epochs > math.MaxInt/perEpoch {
			return nil, fmt.Errorf("cnn: TrainConfig.Epochs is %d, want at most %d: %d epochs of %d steps overflow the step count",
				cfg.Epochs, math.MaxInt/perEpoch, cfg.Epochs, perEpoch)
		}
		total = cfg.Epochs * perEpoch
	}
	kept := checkpointState(cfg.CheckpointPath)
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
				return h, fmt.Errorf("cnn: %w: loss is %v at step %d (epoch %d, learning rate %g)%s; lower the learning rate",
					ErrDiverged, loss, step, epoch, lr, kept.note())
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
		// The last step's update is in no loss yet: a NaN or infinite variable must stop training
		// here, before it is evaluated or saved over the last good checkpoint.
		if name, what, err := nonFiniteVariable(ctx); err != nil {
			return h, err
		} else if name != "" {
			return h, fmt.Errorf("cnn: %w: variable %s holds %s after step %d (epoch %d, learning rate %g)%s; lower the learning rate",
				ErrDiverged, name, what, step, epoch, cfg.LearningRateAt(step-1, total), kept.note())
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
			kept.savedEpoch = epoch
		}
	}
	if trainTime > 0 {
		h.ExamplesPerSecond = float64(step*batch) / trainTime.Seconds()
	}
	return h, nil
}

// keptCheckpoint is what a training run has made of its checkpoint file, for error messages.
type keptCheckpoint struct {
	path       string
	existed    bool // the file existed before the run
	savedEpoch int  // the last epoch this run saved, 0 if none
}

// checkpointState records whether path ("" for none) exists before training.
func checkpointState(path string) keptCheckpoint {
	k := keptCheckpoint{path: path}
	if path != "" {
		_, err := os.Stat(path)
		k.existed = err == nil
	}
	return k
}

// note says, for an error that stops training, what became of the checkpoint: "" without one.
func (k keptCheckpoint) note() string {
	switch {
	case k.path == "":
		return ""
	case k.savedEpoch > 0:
		return fmt.Sprintf("; the last good checkpoint at %s (saved after epoch %d) was kept", k.path, k.savedEpoch)
	case k.existed:
		return fmt.Sprintf("; the last good checkpoint at %s (written before this run) was kept", k.path)
	}
	return fmt.Sprintf("; no checkpoint was written to %s", k.path)
}

// correctCount is the number of rows whose arg-max logit equals the label, as a float32 scalar.
func correctCount(logits, labels *graph.Node) *graph.Node {
	pred := graph.ArgMax(logits, -1, dtypes.Int32)
	lab := graph.Reshape(graph.ConvertDType(labels, dtypes.Int32), pred.Shape().Dimensions...)
	return graph.ReduceAllSum(graph.ConvertDType(graph.Equal(pred, lab), dtypes.Float32))
}
