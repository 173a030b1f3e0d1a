package batchnorm

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the data subsets, the shuffling and the initial weights.
	Seed int64
	// TrainN and ValN are the numbers of training images and validation images (from the test split).
	TrainN, ValN int
	// Hidden are the widths of the hidden layers.
	Hidden []int
	// LearningRates are the rates compared (low, high); Momentum is SGD's.
	LearningRates []float64
	Momentum      float64
	// BatchSize, MaxSteps, EvalEvery and Target define "steps to target accuracy".
	BatchSize, MaxSteps, EvalEvery int
	Target                         float64
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives progress lines.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: all 60,000 training images, 256-unit layers, up to 2,000 steps per
// run to an 85% target (the committed run's time: measurements/batchnorm.class.json).
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, ValN: 2000, Hidden: []int{256, 256, 256, 256, 256}, LearningRates: []float64{0.003, 0.1},
		Momentum: 0.9, BatchSize: 64, MaxSteps: 2000, EvalEvery: 20, Target: 0.85}
}

// Quick is the preset for tests and CI.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, TrainN: 6000, ValN: 1000, Hidden: []int{128, 128, 128, 128, 128}, LearningRates: []float64{0.003, 0.1},
		Momentum: 0.9, BatchSize: 64, MaxSteps: 600, EvalEvery: 10, Target: 0.8}
}

// Full is the opt-in preset: all training images, a higher target, longer runs.
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, ValN: 2000, Hidden: []int{256, 256, 256, 256, 256}, LearningRates: []float64{0.003, 0.1},
		Momentum: 0.9, BatchSize: 64, MaxSteps: 3000, EvalEvery: 20, Target: 0.85}
}

// ConfigFor returns the preset's configuration (Class for an unknown preset).
func ConfigFor(p lessons.Preset) Config {
	switch p {
	case lessons.Quick:
		return Quick()
	case lessons.Full:
		return Full()
	}
	return Class()
}

// RunResult is one training run: with or without BatchNorm at one learning rate.
type RunResult struct {
	BatchNorm    bool    `json:"batch_norm"`
	LearningRate float64 `json:"learning_rate"`
	// StepsToTarget is the first checked step at which validation accuracy >= Target; -1: never.
	StepsToTarget int  `json:"steps_to_target"`
	Diverged      bool `json:"diverged"`
	// EvalSteps and EvalAccuracy are the periodic validation checks.
	EvalSteps    []int     `json:"eval_steps"`
	EvalAccuracy []float64 `json:"eval_accuracy"`
}

// Name is e.g. "BN, lr 0.1".
func (r RunResult) Name() string {
	bn := "no BN"
	if r.BatchNorm {
		bn = "BN"
	}
	return fmt.Sprintf("%s, lr %g", bn, r.LearningRate)
}

// stepsText is "120 steps (lr 0.1)", or "never" when no run reached the target.
func (r RunResult) stepsText() string {
	if r.StepsToTarget < 0 {
		return "never"
	}
	return fmt.Sprintf("%d steps (lr %g)", r.StepsToTarget, r.LearningRate)
}

// FeatureStats are per-feature statistics of one batch at the first hidden layer.
type FeatureStats struct {
	// Mean and Std are per feature (the first few features), over the batch.
	Mean, Std []float64
}

// ModeComparison is the train-versus-eval experiment on one image placed in two different batches.
type ModeComparison struct {
	// TrainModeDiff is the largest change of the image's logits between the two batches in
	// training mode; EvalModeDiff the same in evaluation mode (0: the batch does not matter).
	TrainModeDiff, EvalModeDiff float64
	// TrainVsEval is the largest difference between training- and evaluation-mode logits on batch A.
	TrainVsEval float64
}

// Report holds what a run measured.
type Report struct {
	Backend string      `json:"backend"`
	Config  Config      `json:"config"`
	Runs    []RunResult `json:"runs"`
	// Before and After are the first hidden layer's statistics on one batch at initialization,
	// before BatchNorm and after it (training mode, scale 1 and offset 0).
	Before FeatureStats   `json:"before_bn"`
	After  FeatureStats   `json:"after_bn"`
	Modes  ModeComparison `json:"modes"`
	// Trained is hidden layer StatsLayer (or the last, if fewer) of the trained BatchNorm network (low learning rate) on
	// one batch of validation images: statistics before and after BatchNorm, its learned scale and
	// offset, and the running averages that evaluation mode uses.
	Trained     TrainedLayer `json:"trained_layer"`
	FigurePaths []string     `json:"figures,omitempty"`
}

// Find returns the run with and without BatchNorm at a learning rate.
func (r Report) Find(batchNorm bool, lr float64) RunResult {
	for _, x := range r.Runs {
		if x.BatchNorm == batchNorm && x.LearningRate == lr {
			return x
		}
	}
	return RunResult{StepsToTarget: -1}
}

// Fastest returns the run with or without BatchNorm that reached the target in the fewest steps
// (StepsToTarget -1 when none did).
func (r Report) Fastest(batchNorm bool) RunResult {
	best := RunResult{StepsToTarget: -1}
	for _, x := range r.Runs {
		if x.BatchNorm == batchNorm && x.StepsToTarget >= 0 && (best.StepsToTarget < 0 || x.StepsToTarget < best.StepsToTarget) {
			best = x
		}
	}
	return best
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "batchnorm: Fashion-MNIST, %d train / %d validation images, target accuracy %.2f, backend %q\n",
		r.Config.TrainN, r.Config.ValN, r.Config.Target, r.Backend)
	for _, x := range r.Runs {
		switch {
		case x.Diverged:
			fmt.Fprintf(&sb, "  %-14s diverged (NaN loss)\n", x.Name())
		case x.StepsToTarget < 0:
			fmt.Fprintf(&sb, "  %-14s not reached in %d steps (best %.3f)\n", x.Name(), r.Config.MaxSteps, maxOf(x.EvalAccuracy))
		default:
			fmt.Fprintf(&sb, "  %-14s %d steps\n", x.Name(), x.StepsToTarget)
		}
	}
	fmt.Fprintf(&sb, "  fastest to the target: BN %s, no BN %s\n", r.Fastest(true).stepsText(), r.Fastest(false).stepsText())
	fmt.Fprintf(&sb, "  first hidden layer, one batch: feature means %s, stds %s before BN; %s and %s after\n",
		fmtSlice(r.Before.Mean), fmtSlice(r.Before.Std), fmtSlice(r.After.Mean), fmtSlice(r.After.Std))
	if len(r.Trained.Features) > 0 {
		f := r.Trained.Features[0]
		fmt.Fprintf(&sb, "  trained net, hidden layer %d, feature 0 on a batch of %d: batch mean %.3f std %.3f, running mean %.3f std %.3f\n",
			r.Trained.Layer, r.Trained.BatchSize, f.MeanBefore, f.StdBefore, f.RunningMean, f.RunningStd)
	}
	fmt.Fprintf(&sb, "  same image, two batches: logits change by %.3g in training mode, %.3g in evaluation mode",
		r.Modes.TrainModeDiff, r.Modes.EvalModeDiff)
	return sb.String()
}

func fmtSlice(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// Model returns the lesson's network with or without BatchNorm.
func (cfg Config) Model(batchNorm bool) *cnn.MLP {
	return &cnn.MLP{Hidden: append([]int(nil), cfg.Hidden...), NumClasses: 10, BatchNorm: batchNorm}
}

// Run performs the three experiments.
func Run(cfg Config) (Report, error) {
	if len(cfg.Hidden) == 0 || len(cfg.LearningRates) == 0 {
		return Report{}, fmt.Errorf("batchnorm: config has %d hidden layers and %d learning rates, want at least one of each",
			len(cfg.Hidden), len(cfg.LearningRates))
	}
	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return Report{}, err
	}
	r := Report{Backend: b.Name(), Config: cfg}
	trainSet, valSet, err := loadFashion(cfg.TrainN, cfg.ValN, cfg.Seed)
	if err != nil {
		return r, fmt.Errorf("batchnorm: %w", err)
	}
	r.Config.TrainN, r.Config.ValN = trainSet.N, valSet.N
	var parts []progress.Part
	for _, lr := range cfg.LearningRates {
		for _, bn := range []bool{false, true} {
			parts = append(parts, progress.Part{Name: RunResult{BatchNorm: bn, LearningRate: lr}.Name(), Steps: cfg.MaxSteps})
		}
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("batchnorm", cfg.Preset, fmt.Sprintf(
		"%d-layer dense nets with and without BatchNorm on %d Fashion-MNIST images, SGD at %d learning rates, up to %d steps each to %.0f%% validation accuracy",
		len(cfg.Hidden), trainSet.N, len(cfg.LearningRates), cfg.MaxSteps, 100*cfg.Target), parts))
	defer progress.End(cfg.Progress)
	var bnCtx *context.Context
	for _, lr := range cfg.LearningRates {
		for _, bn := range []bool{false, true} {
			ctx := context.New()
			if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
				return r, err
			}
			x := RunResult{BatchNorm: bn, LearningRate: lr, StepsToTarget: -1}
			progress.StartPart(cfg.Progress, x.Name())
			h, err := cnn.Train(b, ctx, cfg.Model(bn).Logits, trainSet, valSet, cnn.TrainConfig{Steps: cfg.MaxSteps,
				BatchSize: cfg.BatchSize, Optimizer: cnn.SGD, LearningRate: lr, Momentum: cfg.Momentum,
				EvalEvery: cfg.EvalEvery, TargetAccuracy: cfg.Target, Seed: cfg.Seed, Progress: cfg.Progress})
			switch {
			case errors.Is(err, cnn.ErrDiverged):
				x.Diverged = true
			case err != nil:
				return r, fmt.Errorf("batchnorm: %s: %w", x.Name(), err)
			}
			if h != nil {
				x.StepsToTarget = h.StepsToTarget
				for _, e := range h.Evals {
					x.EvalSteps = append(x.EvalSteps, e.Step)
					x.EvalAccuracy = append(x.EvalAccuracy, e.Accuracy)
				}
			}
			r.Runs = append(r.Runs, x)
			if bn && lr == cfg.LearningRates[0] {
				bnCtx = ctx
			}
		}
	}
	if r.Before, r.After, err = cfg.batchStats(b, trainSet); err != nil {
		return r, err
	}
	if r.Modes, err = cfg.compareModes(b, bnCtx, valSet); err != nil {
		return r, err
	}
	statsBatch := valSet.Subset(firstN(min(cfg.BatchSize, valSet.N)))
	if r.Trained, err = measureTrainedLayer(b, bnCtx, statsBatch, min(StatsLayer, len(cfg.Hidden)), statsFeatures); err != nil {
		return r, err
	}
	if cfg.OutDir != "" {
		if err := r.writeFigures(cfg.OutDir); err != nil {
			return r, err
		}
	}
	return r, nil
}

// batchStats measures, at initialization, the first hidden layer's outputs on one training batch
// before and after BatchNorm (training mode), for the first 6 features.
func (cfg Config) batchStats(b backends.Backend, data *cnn.Examples) (before, after FeatureStats, err error) {
	const features = 6
	n := min(cfg.BatchSize, data.N)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	batch := data.Subset(idx)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return before, after, err
	}
	images := tensors.FromFlatDataAndDimensions(batch.Pixels, n, batch.Height*batch.Width*batch.Channels)
	out, err := context.ExecOnceN(b, ctx, func(ctx *context.Context, x *graph.Node) []*graph.Node {
		ctx.SetTraining(x.Graph(), true)
		h := layers.DenseWithBias(ctx.In("fc1"), x, cfg.Hidden[0])
		return []*graph.Node{h, cnn.BatchNorm(ctx.In("bn1"), h)}
	}, images)
	if err != nil {
		return before, after, fmt.Errorf("batchnorm: batch statistics: %w", err)
	}
	stats := func(t *tensors.Tensor) FeatureStats {
		flat := tensors.MustCopyFlatData[float32](t)
		width := t.Shape().Dimensions[1]
		var s FeatureStats
		for f := range min(features, width) {
			var sum, sq float64
			for i := range n {
				v := float64(flat[i*width+f])
				sum += v
				sq += v * v
			}
			mean := sum / float64(n)
			s.Mean = append(s.Mean, mean)
			s.Std = append(s.Std, math.Sqrt(math.Max(sq/float64(n)-mean*mean, 0)))
		}
		return s
	}
	return stats(out[0]), stats(out[1]), nil
}

// compareModes puts validation image 0 in two different batches of 8 (A: images 0-7, B: image 0
// with images 8-14) and compares its logits in training and evaluation mode.
func (cfg Config) compareModes(b backends.Backend, ctx *context.Context, data *cnn.Examples) (ModeComparison, error) {
	var m ModeComparison
	model := cfg.Model(true).Logits
	a := data.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7})
	bb := data.Subset([]int{0, 8, 9, 10, 11, 12, 13, 14})
	var logits [2][2][][]float32 // [batch][training]
	for i, batch := range []*cnn.Examples{a, bb} {
		for j, training := range []bool{false, true} {
			out, err := cnn.Forward(b, ctx, model, batch, training)
			if err != nil {
				return m, fmt.Errorf("batchnorm: comparing modes: %w", err)
			}
			logits[i][j] = out
		}
	}
	diff := func(x, y []float32) float64 {
		d := 0.0
		for k := range x {
			d = math.Max(d, math.Abs(float64(x[k]-y[k])))
		}
		return d
	}
	m.EvalModeDiff = diff(logits[0][0][0], logits[1][0][0])
	m.TrainModeDiff = diff(logits[0][1][0], logits[1][1][0])
	for k := range logits[0][0] {
		m.TrainVsEval = math.Max(m.TrainVsEval, diff(logits[0][0][k], logits[0][1][k]))
	}
	return m, nil
}

// AccuracyFigure draws validation accuracy against steps for the four runs.
func (r Report) AccuracyFigure() (*plot.Figure, error) {
	var series []plot.Series
	for _, x := range r.Runs {
		s := plot.Series{Name: x.Name(), Y: x.EvalAccuracy}
		for _, st := range x.EvalSteps {
			s.X = append(s.X, float64(st))
		}
		series = append(series, s)
	}
	return plot.Lines(plot.Labels{Title: fmt.Sprintf("Validation accuracy (target %.2f)", r.Config.Target), X: "step", Y: "accuracy"}, series)
}

// StepsFigure draws steps to target per run (MaxSteps where never reached).
func (r Report) StepsFigure() (*plot.Figure, error) {
	var names []string
	var values []float64
	for _, x := range r.Runs {
		v := float64(x.StepsToTarget)
		if v < 0 {
			v = float64(r.Config.MaxSteps)
		}
		names, values = append(names, x.Name()), append(values, v)
	}
	return plot.Bars(plot.Labels{Title: "Steps to target accuracy (bar at the maximum: never reached)", Y: "steps"}, names, values)
}

// writeFigures saves the figures as PNG files in dir.
func (r *Report) writeFigures(dir string) error {
	paths, err := lessons.SaveFigures(dir,
		lessons.Figure{Name: "batchnorm_accuracy.png", Draw: r.AccuracyFigure},
		lessons.Figure{Name: "batchnorm_steps.png", Draw: r.StepsFigure},
		lessons.Figure{Name: "batchnorm_stats.png", Draw: r.StatsFigure},
	)
	r.FigurePaths = append(r.FigurePaths, paths...)
	if err != nil {
		return fmt.Errorf("batchnorm: %w", err)
	}
	return nil
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "batchnorm",
		Title:    "BatchNorm: faster training, higher learning rates, train vs eval mode",
		Notebook: "03-batchnorm.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}
