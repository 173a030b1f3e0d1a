package resnet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

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
	// TrainN and TestN are the numbers of Fashion-MNIST training and test images (0: all).
	TrainN, TestN int
	// Size is the image side: 32 (Fashion-MNIST centred in 32x32) or 16 (that, averaged 2x2).
	Size int
	// Shallow and Deep are the two depths (6n+2: 8, 14, 20, 26, 32, 44, 56).
	Shallow, Deep int
	// Widths are the three stages' channels (the paper: 16, 32, 64).
	Widths []int
	// Epochs, BatchSize, LearningRate, Momentum and WeightDecay set SGD (cosine schedule).
	Epochs, BatchSize                   int
	LearningRate, Momentum, WeightDecay float64
	// TailSteps is how many final mini-batches the smoothed loss curves and TailTrainLoss average.
	TailSteps int
	// TrainEvalN is how many training images the final training loss is measured on.
	TrainEvalN int
	// GradBatch is the batch size for gradient norms.
	GradBatch int
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives progress bars.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: the quick experiment on 8,000 images for 3 epochs (8 vs 32 layers
// at 16x16, half the paper's widths).
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, TrainN: 8000, TestN: 2000, Size: 16, Shallow: 8, Deep: 32, Widths: []int{8, 16, 32}, Epochs: 3,
		BatchSize: 50, LearningRate: 0.05, Momentum: 0.9, WeightDecay: 1e-4, TailSteps: 40, TrainEvalN: 2000, GradBatch: 64}
}

// Quick is the preset for tests and CI.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, TrainN: 3000, TestN: 1000, Size: 16, Shallow: 8, Deep: 32, Widths: []int{8, 16, 32}, Epochs: 2,
		BatchSize: 50, LearningRate: 0.05, Momentum: 0.9, WeightDecay: 1e-4, TailSteps: 20, TrainEvalN: 1000, GradBatch: 64}
}

// Full is the opt-in preset: the paper's depths, 20 vs 56 layers, at half its widths on 20,000
// images at 16x16 for 3 epochs, sized to stay within 30 minutes on two CPU cores. (The paper's
// whole CIFAR setting, full widths at 32x32 for many epochs, takes hours on a laptop CPU.)
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, TrainN: 20000, TestN: 5000, Size: 16, Shallow: 20, Deep: 56, Widths: []int{8, 16, 32}, Epochs: 3,
		BatchSize: 50, LearningRate: 0.05, Momentum: 0.9, WeightDecay: 1e-4, TailSteps: 100, TrainEvalN: 5000, GradBatch: 64}
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

// NetResult is one trained network.
type NetResult struct {
	Depth int  `json:"depth"`
	Plain bool `json:"plain"`
	// Params counts trainable parameters (equal for plain and residual twins).
	Params int `json:"params"`
	// FinalTrainLoss is the loss after training on TrainEvalN training images (evaluation mode);
	// TailTrainLoss the mean loss of the last TailSteps mini-batches during training.
	FinalTrainLoss float64 `json:"final_train_loss"`
	TailTrainLoss  float64 `json:"tail_train_loss"`
	TestAccuracy   float64 `json:"test_accuracy"`
	// StepLoss is the training loss per step.
	StepLoss []float64 `json:"step_loss"`
	// GradInit and GradTrained are per-layer gradient norms (input to output) before and after training.
	GradInit    []cnn.GradNorm `json:"grad_init"`
	GradTrained []cnn.GradNorm `json:"grad_trained"`
	Seconds     float64        `json:"seconds"`
}

// Name is "plain-26" or "resnet-26".
func (n NetResult) Name() string {
	if n.Plain {
		return fmt.Sprintf("plain-%d", n.Depth)
	}
	return fmt.Sprintf("resnet-%d", n.Depth)
}

// Report holds what a run measured.
type Report struct {
	Backend string `json:"backend"`
	Config  Config `json:"config"`
	// Nets are plain-shallow, plain-deep, resnet-shallow, resnet-deep, in that order.
	Nets        []NetResult `json:"nets"`
	FigurePaths []string    `json:"figures,omitempty"`
}

// Net returns the result for a depth and kind.
func (r Report) Net(depth int, plain bool) NetResult {
	for _, n := range r.Nets {
		if n.Depth == depth && n.Plain == plain {
			return n
		}
	}
	return NetResult{}
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "resnet: Fashion-MNIST, %d train / %d test images, backend %q\n", r.Config.TrainN, r.Config.TestN, r.Backend)
	for _, n := range r.Nets {
		first, last := n.GradInit[0].Norm, n.GradInit[len(n.GradInit)-1].Norm
		fmt.Fprintf(&sb, "  %-10s %7d params: final train loss %.3f, test accuracy %.1f%%, init grad norm first/last layer %.3g/%.3g (%.0fs)\n",
			n.Name(), n.Params, n.FinalTrainLoss, 100*n.TestAccuracy, first, last, n.Seconds)
	}
	return sb.String()
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// Model returns the lesson's network: cnn.NewCIFARResNet(depth) at cfg's widths, plain or residual.
func (cfg Config) Model(depth int, plain bool) *cnn.ResNet {
	m := cnn.NewCIFARResNet(depth, 10)
	m.Widths, m.StemWidth, m.Plain = append([]int(nil), cfg.Widths...), cfg.Widths[0], plain
	return m
}

// Run trains the four networks.
func Run(cfg Config) (Report, error) {
	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return Report{}, err
	}
	r := Report{Backend: b.Name(), Config: cfg}
	trainSet, testSet, err := loadFashion(cfg.TrainN, cfg.TestN, cfg.Size, cfg.Seed)
	if err != nil {
		return r, fmt.Errorf("resnet: %w", err)
	}
	r.Config.TrainN, r.Config.TestN = trainSet.N, testSet.N
	var parts []progress.Part
	steps := cfg.Epochs * (trainSet.N / min(cfg.BatchSize, trainSet.N))
	for _, plain := range []bool{true, false} {
		for _, depth := range []int{cfg.Shallow, cfg.Deep} {
			parts = append(parts, progress.Part{Name: NetResult{Depth: depth, Plain: plain}.Name(), Steps: steps})
		}
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("resnet", cfg.Preset, fmt.Sprintf(
		"plain and residual CIFAR-style nets of %d and %d layers (widths %v) on %d Fashion-MNIST images at %dx%d, %d epochs of SGD each",
		cfg.Shallow, cfg.Deep, cfg.Widths, trainSet.N, cfg.Size, cfg.Size, cfg.Epochs), parts))
	defer progress.End(cfg.Progress)
	for _, plain := range []bool{true, false} {
		for _, depth := range []int{cfg.Shallow, cfg.Deep} {
			n, err := cfg.trainOne(b, depth, plain, trainSet, testSet)
			if err != nil {
				return r, err
			}
			r.Nets = append(r.Nets, n)
		}
	}
	if cfg.OutDir != "" {
		if err := r.writeFigures(cfg.OutDir); err != nil {
			return r, err
		}
	}
	return r, nil
}

// trainOne trains and measures one network.
func (cfg Config) trainOne(b backends.Backend, depth int, plain bool, trainSet, testSet *cnn.Examples) (NetResult, error) {
	model := cfg.Model(depth, plain)
	n := NetResult{Depth: depth, Plain: plain}
	n.Params, _ = cnn.ParamCount(b, model.Logits, cfg.Size, cfg.Size, 1)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return n, err
	}
	progress.StartPart(cfg.Progress, n.Name())
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, "%s (%d parameters)\n", n.Name(), n.Params)
	}
	start := time.Now()
	var err error
	if n.GradInit, _, err = cnn.GradientNorms(b, ctx, model.Logits, trainSet, cfg.GradBatch); err != nil {
		return n, fmt.Errorf("resnet: %s: %w", n.Name(), err)
	}
	h, err := cnn.Train(b, ctx, model.Logits, trainSet, nil, cnn.TrainConfig{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize,
		Optimizer: cnn.SGD, LearningRate: cfg.LearningRate, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay,
		Schedule: cnn.Cosine, Seed: cfg.Seed, Progress: cfg.Progress})
	if err != nil {
		return n, fmt.Errorf("resnet: training %s: %w", n.Name(), err)
	}
	n.StepLoss = h.StepLoss
	tail := h.StepLoss[max(0, len(h.StepLoss)-cfg.TailSteps):]
	for _, l := range tail {
		n.TailTrainLoss += l / float64(len(tail))
	}
	trainEval := trainSet
	if cfg.TrainEvalN > 0 && cfg.TrainEvalN < trainSet.N {
		idx := make([]int, cfg.TrainEvalN)
		for i := range idx {
			idx[i] = i
		}
		trainEval = trainSet.Subset(idx)
	}
	evTrain, err := cnn.Evaluate(b, ctx, model.Logits, trainEval, 250)
	if err != nil {
		return n, fmt.Errorf("resnet: evaluating %s on training images: %w", n.Name(), err)
	}
	n.FinalTrainLoss = evTrain.Loss
	if n.GradTrained, _, err = cnn.GradientNorms(b, ctx, model.Logits, trainSet, cfg.GradBatch); err != nil {
		return n, fmt.Errorf("resnet: %s: %w", n.Name(), err)
	}
	n.GradInit, n.GradTrained = weightLayers(n.GradInit), weightLayers(n.GradTrained)
	ev, err := cnn.Evaluate(b, ctx, model.Logits, testSet, 250)
	if err != nil {
		return n, fmt.Errorf("resnet: evaluating %s: %w", n.Name(), err)
	}
	n.TestAccuracy = ev.Accuracy
	n.Seconds = time.Since(start).Seconds()
	return n, nil
}

// weightLayers keeps the convolutions and the final linear layer (drops BatchNorm scopes).
func weightLayers(norms []cnn.GradNorm) []cnn.GradNorm {
	var out []cnn.GradNorm
	for _, g := range norms {
		if !strings.HasSuffix(g.Scope, "/batch_normalization") {
			out = append(out, g)
		}
	}
	return out
}

// LossFigure draws the four training-loss curves (moving average of TailSteps steps).
func (r Report) LossFigure() (*plot.Figure, error) {
	series := make([]plot.Series, len(r.Nets))
	for i, n := range r.Nets {
		series[i] = plot.Series{Name: n.Name(), Y: smooth(n.StepLoss, r.Config.TailSteps)}
	}
	return plot.Lines(plot.Labels{Title: "Training loss: plain vs residual", X: "step", Y: "cross-entropy (moving average)"}, series)
}

// GradFigure draws the per-layer gradient norms of the deep nets, at initialization or after training.
func (r Report) GradFigure(trained bool) (*plot.Figure, error) {
	var series []plot.Series
	for _, n := range r.Nets {
		if n.Depth != r.Config.Deep {
			continue
		}
		norms, when := n.GradInit, "init"
		if trained {
			norms, when = n.GradTrained, "trained"
		}
		y := make([]float64, len(norms))
		for i, g := range norms {
			y[i] = g.Norm
		}
		series = append(series, plot.Series{Name: n.Name() + " " + when, Y: y})
	}
	title := "Gradient norm per layer at initialization"
	if trained {
		title = "Gradient norm per layer after training"
	}
	return plot.Lines(plot.Labels{Title: title, X: "layer (input to output)", Y: "L2 norm of dLoss/dW"}, series)
}

// smooth is a trailing moving average over up to w values.
func smooth(v []float64, w int) []float64 {
	w = max(w, 1)
	out := make([]float64, len(v))
	sum := 0.0
	for i, x := range v {
		sum += x
		if i >= w {
			sum -= v[i-w]
		}
		out[i] = sum / float64(min(i+1, w))
	}
	return out
}

// writeFigures saves the figures as PNG files in dir.
func (r *Report) writeFigures(dir string) error {
	paths, err := lessons.SaveFigures(dir,
		lessons.Figure{Name: "resnet_loss.png", Draw: r.LossFigure},
		lessons.Figure{Name: "resnet_grad_init.png", Draw: func() (*plot.Figure, error) { return r.GradFigure(false) }},
		lessons.Figure{Name: "resnet_grad_trained.png", Draw: func() (*plot.Figure, error) { return r.GradFigure(true) }},
	)
	r.FigurePaths = append(r.FigurePaths, paths...)
	if err != nil {
		return fmt.Errorf("resnet: %w", err)
	}
	return nil
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "resnet",
		Title:    "ResNet: deeper plain nets train worse, residual nets do not",
		Notebook: "02-resnet.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}
