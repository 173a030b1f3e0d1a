package vgg

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the data subsets, the shuffling and the initial weights.
	Seed int64
	// TrainN and TestN are the numbers of Fashion-MNIST training and test images used (0: all).
	TrainN, TestN int
	// Depths are the depths compared, counted as the paper does: weight layers, convolutions plus
	// fully-connected layers. Without StageWidths they are VGG configurations (11, 13, 16, 19).
	Depths []int
	// Width multiplies VGG's channel widths (0.25 gives 16-32-64-128-128); not used with StageWidths.
	Width float64
	// StageWidths, when not empty, replaces the paper's configurations by a smaller ladder built the
	// same way: one stage per width, each stage the same number k of 3x3 convolutions followed by 2x2
	// max-pooling, so that depth = k·len(StageWidths) + len(Hidden) + 1 (with 3 stages and one hidden
	// layer, depths 5, 8 and 11 have 1, 2 and 3 convolutions per stage). The paper's configurations
	// A -> B -> D -> E also deepen by adding convolutions inside the stages.
	StageWidths []int
	// Hidden are the classifier's hidden widths.
	Hidden []int
	// Augment trains on random shifts of up to 2 pixels and horizontal flips (augment.ShiftFlip).
	Augment bool
	// Epochs, BatchSize and LearningRate (Adam, cosine schedule) set the training.
	Epochs, BatchSize int
	LearningRate      float64
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives progress bars.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: the quick ladder (depths 5, 8, 11) on 20,000 images for 3 epochs,
// tested on all 10,000 test images.
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, TrainN: 20000, Depths: []int{5, 8, 11}, StageWidths: []int{8, 16, 32}, Hidden: []int{64},
		Epochs: 3, BatchSize: 64, LearningRate: 3e-3}
}

// Quick is the preset for tests and CI: 1, 2 and 3
// convolutions in each of three stages of 8, 16 and 32 channels (depths 5, 8, 11), trained for three
// epochs on 10,000 images. The paper's configurations at a trainable width are too slow for it, and
// at 1/8 width on fewer images they all reach the same accuracy.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, TrainN: 10000, Depths: []int{5, 8, 11}, StageWidths: []int{8, 16, 32}, Hidden: []int{64},
		Epochs: 3, BatchSize: 64, LearningRate: 3e-3}
}

// Full is the opt-in preset: the same ladder on all 60,000 training images for 4 epochs, four times
// the class preset's training, sized to stay within 30 minutes on two CPU cores (5 epochs took over
// 30). The paper's configurations at a quarter of its widths, 15 epochs on all images, take hours on
// a laptop CPU: see "cvlessons bench fashion".
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, Depths: []int{5, 8, 11}, StageWidths: []int{8, 16, 32}, Hidden: []int{64},
		Epochs: 4, BatchSize: 64, LearningRate: 3e-3}
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

// DepthResult is one trained network.
type DepthResult struct {
	Depth        int     `json:"depth"`
	Params       int     `json:"params"`
	TestAccuracy float64 `json:"test_accuracy"`
	TestLoss     float64 `json:"test_loss"`
	// TrainLoss is the mean training loss over the last epoch's mini-batches.
	TrainLoss float64 `json:"train_loss"`
	// StepLoss is the training loss per step.
	StepLoss          []float64 `json:"step_loss"`
	Seconds           float64   `json:"seconds"`
	ExamplesPerSecond float64   `json:"examples_per_second"`
}

// Report holds what a run measured.
type Report struct {
	Backend string        `json:"backend"`
	Config  Config        `json:"config"`
	Depths  []DepthResult `json:"depths"`
	// Kernels compares stacked 3x3 convolutions with one 5x5 / 7x7 at C = 64.
	Kernels []KernelComparison `json:"kernels"`
	// Fields is VGG-16's receptive field per layer.
	Fields      []FieldRow `json:"receptive_fields"`
	FigurePaths []string   `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "vgg: Fashion-MNIST, %d train / %d test images, backend %q\n", r.Config.TrainN, r.Config.TestN, r.Backend)
	for _, d := range r.Depths {
		fmt.Fprintf(&sb, "  VGG-%d: %d parameters, test accuracy %.1f%%, last-epoch training loss %.3f (%.0fs)\n",
			d.Depth, d.Params, 100*d.TestAccuracy, d.TrainLoss, d.Seconds)
	}
	for _, k := range r.Kernels {
		fmt.Fprintf(&sb, "  %d stacked 3x3 (C=%d): %d weights = %dC^2; one %dx%d: %d = %dC^2\n", k.Stack, k.Channels,
			k.StackParams, k.StackParams/(k.Channels*k.Channels), k.Kernel, k.Kernel, k.SingleParams, k.SingleParams/(k.Channels*k.Channels))
	}
	if n := len(r.Fields); n > 0 {
		fmt.Fprintf(&sb, "  VGG-16 receptive field after %s: %dx%d pixels", r.Fields[n-1].Layer, r.Fields[n-1].Field, r.Fields[n-1].Field)
	}
	return sb.String()
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// Model returns the lesson's VGG of the given depth with BatchNorm, cfg's classifier, no dropout,
// no adaptive pooling and 10 classes. Without StageWidths it is torchvision's vgg<depth>_bn layout
// at cfg's width (32x32 inputs end at 1x1); with them, the ladder StageWidths describes. It returns
// an error for a depth the configuration cannot build.
func (cfg Config) Model(depth int) (*cnn.VGG, error) {
	var v *cnn.VGG
	if len(cfg.StageWidths) == 0 {
		switch depth {
		case 11, 13, 16, 19:
		default:
			return nil, fmt.Errorf("vgg: depth %d is not a VGG configuration (11, 13, 16 or 19)", depth)
		}
		v = cnn.NewVGG(depth, 10).Scaled(cfg.Width)
	} else {
		convs := depth - len(cfg.Hidden) - 1
		if convs <= 0 || convs%len(cfg.StageWidths) != 0 {
			return nil, fmt.Errorf("vgg: depth %d minus %d fully-connected layers is not a positive multiple of %d stages",
				depth, len(cfg.Hidden)+1, len(cfg.StageWidths))
		}
		v = &cnn.VGG{NumClasses: 10}
		for _, w := range cfg.StageWidths {
			for range convs / len(cfg.StageWidths) {
				v.Layers = append(v.Layers, w)
			}
			v.Layers = append(v.Layers, cnn.Pool)
		}
	}
	v.BatchNorm, v.PoolTo, v.Hidden, v.Dropout = true, 0, append([]int(nil), cfg.Hidden...), 0
	return v, nil
}

// Run trains one network per depth and fills the tables.
func Run(cfg Config) (Report, error) {
	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return Report{}, err
	}
	r := Report{Backend: b.Name(), Config: cfg, Kernels: CompareKernels(b, 64), Fields: ReceptiveFields(cnn.VGGConfigD)}
	trainSet, testSet, err := loadFashion(cfg.TrainN, cfg.TestN, cfg.Seed)
	if err != nil {
		return r, fmt.Errorf("vgg: %w", err)
	}
	r.Config.TrainN, r.Config.TestN = trainSet.N, testSet.N
	parts := make([]progress.Part, len(cfg.Depths))
	for i, depth := range cfg.Depths {
		parts[i] = progress.Part{Name: fmt.Sprintf("VGG-%d", depth), Steps: cfg.Epochs * (trainSet.N / min(cfg.BatchSize, trainSet.N))}
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("vgg", cfg.Preset, fmt.Sprintf(
		"VGG-style nets of depths %v on %d Fashion-MNIST images, %d epochs of Adam each; tested on %d images",
		cfg.Depths, trainSet.N, cfg.Epochs, testSet.N), parts))
	defer progress.End(cfg.Progress)
	for _, depth := range cfg.Depths {
		model, err := cfg.Model(depth)
		if err != nil {
			return r, err
		}
		params, _ := cnn.ParamCount(b, model.Logits, 32, 32, 1)
		ctx := context.New()
		if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
			return r, err
		}
		progress.StartPart(cfg.Progress, fmt.Sprintf("VGG-%d", depth))
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "VGG-%d (%d parameters)\n", depth, params)
		}
		start := time.Now()
		tc := cnn.TrainConfig{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize,
			Optimizer: cnn.Adam, LearningRate: cfg.LearningRate, Schedule: cnn.Cosine, Seed: cfg.Seed, Progress: cfg.Progress}
		if cfg.Augment {
			tc.Augment = augment.ShiftFlip(trainSet.Height, trainSet.Width, 2)
		}
		h, err := cnn.Train(b, ctx, model.Logits, trainSet, nil, tc)
		if err != nil {
			return r, fmt.Errorf("vgg: training VGG-%d: %w", depth, err)
		}
		ev, err := cnn.Evaluate(b, ctx, model.Logits, testSet, 250)
		if err != nil {
			return r, fmt.Errorf("vgg: evaluating VGG-%d: %w", depth, err)
		}
		r.Depths = append(r.Depths, DepthResult{Depth: depth, Params: params, TestAccuracy: ev.Accuracy, TestLoss: ev.Loss,
			TrainLoss: h.Epochs[len(h.Epochs)-1].TrainLoss, StepLoss: h.StepLoss, Seconds: time.Since(start).Seconds(), ExamplesPerSecond: h.ExamplesPerSecond})
	}
	if cfg.OutDir != "" {
		if err := r.writeFigures(cfg.OutDir); err != nil {
			return r, err
		}
	}
	return r, nil
}

// AccuracyFigure draws test accuracy per depth.
func (r Report) AccuracyFigure() (*plot.Figure, error) {
	names := make([]string, len(r.Depths))
	values := make([]float64, len(r.Depths))
	for i, d := range r.Depths {
		names[i], values[i] = fmt.Sprintf("VGG-%d", d.Depth), d.TestAccuracy
	}
	return plot.Bars(plot.Labels{Title: "Fashion-MNIST test accuracy by depth", Y: "accuracy"}, names, values)
}

// LossFigure draws the training loss curves (a moving average over 20 steps).
func (r Report) LossFigure() (*plot.Figure, error) {
	series := make([]plot.Series, len(r.Depths))
	for i, d := range r.Depths {
		series[i] = plot.Series{Name: fmt.Sprintf("VGG-%d", d.Depth), Y: smooth(d.StepLoss, 20)}
	}
	return plot.Lines(plot.Labels{Title: "Training loss (moving average of 20 steps)", X: "step", Y: "cross-entropy"}, series)
}

// smooth is a trailing moving average over up to w values.
func smooth(v []float64, w int) []float64 {
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
		lessons.Figure{Name: "vgg_accuracy.png", Draw: r.AccuracyFigure},
		lessons.Figure{Name: "vgg_loss.png", Draw: r.LossFigure},
	)
	r.FigurePaths = append(r.FigurePaths, paths...)
	if err != nil {
		return fmt.Errorf("vgg: %w", err)
	}
	return nil
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "vgg",
		Title:    "VGG: accuracy vs depth with 3x3 convolutions on Fashion-MNIST",
		Notebook: "01-vgg.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}
