package augment

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	aug "github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Report holds what a run measured and drew.
type Report struct {
	// Backend is the GoMLX backend that trained the models.
	Backend string `json:"backend"`
	// Photos is where the transform figures' pictures came from.
	Photos string `json:"photos"`
	// CutMix and MixUp describe the mixed samples of the figures, with their label weights.
	CutMix []MixedSample `json:"cutmix"`
	MixUp  []MixedSample `json:"mixup"`
	// Mosaic counts the boxes before and after Mosaic.
	Mosaic MosaicStats `json:"mosaic"`
	// Baseline trains on the original images, Augmented on randomly shifted copies of them, for the
	// same number of steps.
	Baseline  Arm `json:"baseline"`
	Augmented Arm `json:"augmented"`
	// Gain is Augmented.ValAccuracy - Baseline.ValAccuracy.
	Gain float64 `json:"gain"`
	// FigurePaths lists the PNG files written.
	FigurePaths []string `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "augment: %d MNIST training images, %d steps each, backend %q\n", r.Baseline.TrainImages, r.Baseline.Steps, r.Backend)
	for _, a := range []Arm{r.Baseline, r.Augmented} {
		fmt.Fprintf(&sb, "  %-16s train accuracy %5.1f%%  validation accuracy %5.1f%%  (%.0fs)\n", a.Name, 100*a.FinalTrainAccuracy, 100*a.ValAccuracy, a.Seconds)
	}
	fmt.Fprintf(&sb, "  augmentation gain: %+.1f points of validation accuracy\n", 100*r.Gain)
	fmt.Fprintf(&sb, "  mosaic: %d boxes in, %d kept", r.Mosaic.BoxesIn, r.Mosaic.BoxesKept)
	return sb.String()
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// CurveFigure draws both arms' validation accuracy against the training step.
func (r Report) CurveFigure() (*plot.Figure, error) {
	var series []plot.Series
	for _, a := range []Arm{r.Baseline, r.Augmented} {
		s := plot.Series{Name: a.Name}
		for _, p := range a.Curve {
			s.X = append(s.X, float64(p.Step))
			s.Y = append(s.Y, p.Accuracy)
		}
		series = append(series, s)
	}
	title := fmt.Sprintf("MNIST validation accuracy, %d training images", r.Baseline.TrainImages)
	return plot.Lines(plot.Labels{Title: title, X: "step", Y: "accuracy"}, series)
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "augment",
		Title:    "data augmentation: transforms on ants/bees, CutMix, MixUp, Mosaic, and a measured gain on 500 digits",
		Notebook: "05-augmentation.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}

// Figure names written to Config.OutDir.
const (
	TransformsPNG = "transforms.png"
	CutMixPNG     = "cutmix.png"
	MixUpPNG      = "mixup.png"
	MosaicPNG     = "mosaic.png"
	CurvesPNG     = "curves.png"
)

// Demos builds the lesson's figures (without training) and records the mixed labels and Mosaic
// counts in r. Figures are returned by file name.
func Demos(cfg Config, r *Report) (map[string]*plot.Figure, error) {
	figs := map[string]*plot.Figure{}
	dir := cfg.PhotosDir
	if dir == "" {
		dir, _ = datasets.HymenopteraDir()
	}
	var p *photos
	var err error
	if dir != "" {
		p, err = loadPhotos(dir, 2, 256)
	}
	if dir == "" || err != nil {
		if p, err = fashionPhotos(2, 160); err != nil {
			return nil, err
		}
	}
	r.Photos = p.source
	const size = 160
	if figs[TransformsPNG], err = TransformGrid(p.images[0], gridRows(size), cfg.Repeats, cfg.Seed); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d6978))
	if figs[CutMixPNG], r.CutMix, err = mixFigure(p, size, func(b *aug.Batch) (*aug.Batch, aug.Mix) { return aug.CutMix(b, 1, rng) }); err != nil {
		return nil, err
	}
	if figs[MixUpPNG], r.MixUp, err = mixFigure(p, size, func(b *aug.Batch) (*aug.Batch, aug.Mix) { return aug.MixUp(b, 0.4, rng) }); err != nil {
		return nil, err
	}
	if figs[MosaicPNG], r.Mosaic, err = mosaicFigure(cfg.Seed); err != nil {
		return nil, err
	}
	return figs, nil
}

// Run draws the transform figures and runs the experiment: the same small CNN trained for the same
// number of steps on cfg.TrainSize MNIST images, once as they are and once as cfg.Views randomly
// shifted copies of each, measured on cfg.ValSize test images.
func Run(cfg Config) (Report, error) {
	if cfg.TrainSize < 10 || cfg.ValSize < 10 || cfg.Views < 1 || cfg.Steps < 1 || cfg.BatchSize < 1 || cfg.Repeats < 1 {
		return Report{}, fmt.Errorf("augment: config %+v: want TrainSize, ValSize >= 10 and Views, Steps, BatchSize, Repeats >= 1", cfg)
	}
	var r Report
	figs, err := Demos(cfg, &r)
	if err != nil {
		return Report{}, err
	}
	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return Report{}, err
	}
	defer b.Finalize()
	r.Backend = b.Name()
	trainSet, val, err := mnistSubsets(cfg.TrainSize, cfg.ValSize, cfg.Seed)
	if err != nil {
		return Report{}, err
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("augment", cfg.Preset, fmt.Sprintf(
		"the same small CNN twice on %d MNIST digits, as they are and as %d randomly shifted views of each, %d Adam steps each; measured on %d test digits",
		cfg.TrainSize, cfg.Views, cfg.Steps, cfg.ValSize),
		[]progress.Part{{Name: "no augmentation", Steps: cfg.Steps}, {Name: "random shifts", Steps: cfg.Steps}}))
	defer progress.End(cfg.Progress)
	if r.Baseline, err = trainArm(b, "no augmentation", trainSet, val, cfg, cfg.Steps, cfg.Progress); err != nil {
		return Report{}, err
	}
	views := augmentedViews(trainSet, cfg.Views, cfg.Seed, 2)
	if r.Augmented, err = trainArm(b, "random shifts", views, val, cfg, cfg.Steps, cfg.Progress); err != nil {
		return Report{}, err
	}
	r.Gain = r.Augmented.ValAccuracy - r.Baseline.ValAccuracy
	if cfg.OutDir == "" {
		return r, nil
	}
	if figs[CurvesPNG], err = r.CurveFigure(); err != nil {
		return Report{}, err
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return Report{}, fmt.Errorf("augment: %w", err)
	}
	for _, name := range []string{TransformsPNG, CutMixPNG, MixUpPNG, MosaicPNG, CurvesPNG} {
		path := filepath.Join(cfg.OutDir, name)
		if err := figs[name].Save(path); err != nil {
			return Report{}, fmt.Errorf("augment: %w", err)
		}
		r.FigurePaths = append(r.FigurePaths, path)
	}
	return r, nil
}
