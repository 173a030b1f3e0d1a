package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// Report holds what a run of Part A measured and drew.
type Report struct {
	// Backend is the GoMLX backend that trained the networks.
	Backend string `json:"backend"`
	// Config is the configuration that ran.
	Config Config `json:"config"`
	// PartA holds the three arms.
	PartA *PartA `json:"part_a"`
	// FrozenGain and FineTuneGain are the arms' final accuracies minus the scratch arm's.
	FrozenGain   float64 `json:"frozen_gain"`
	FineTuneGain float64 `json:"fine_tune_gain"`
	// FigurePaths lists the PNG files written.
	FigurePaths []string `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	a := r.PartA
	fmt.Fprintf(&sb, "transfer (part A): pretrained on Fashion-MNIST classes 0-4 (accuracy %.1f%% on their test images), backend %q\n",
		100*a.SourceAccuracy, r.Backend)
	fmt.Fprintf(&sb, "  classes 5-9 from %d labelled images, %d steps each, measured on %d test images:\n",
		a.TargetTrain, r.Config.Steps, a.TargetTest)
	fmt.Fprintf(&sb, "  %-16s %9s %9s %11s %11s %8s\n", "arm", "at start", "final", "trainable", "frozen", "seconds")
	for _, arm := range []Arm{a.Scratch, a.Frozen, a.FineTune} {
		fmt.Fprintf(&sb, "  %-16s %8.1f%% %8.1f%% %11d %11d %8.0f\n", arm.Name, 100*arm.Curve[0].Accuracy, 100*arm.Accuracy,
			arm.Trainable, arm.Frozen, arm.Seconds)
	}
	fmt.Fprintf(&sb, "  transfer gain over scratch: frozen backbone %+.1f points, fine-tune %+.1f points",
		100*r.FrozenGain, 100*r.FineTuneGain)
	return sb.String()
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// CurvesPNG is the learning-curve figure written to Config.OutDir.
const CurvesPNG = "transfer_curves.png"

// CurveFigure draws the three arms' target test accuracy against the training step.
func (r Report) CurveFigure() (*plot.Figure, error) {
	var series []plot.Series
	for _, a := range []Arm{r.PartA.Scratch, r.PartA.Frozen, r.PartA.FineTune} {
		s := plot.Series{Name: a.Name}
		for _, p := range a.Curve {
			s.X = append(s.X, float64(p.Step))
			s.Y = append(s.Y, p.Accuracy)
		}
		series = append(series, s)
	}
	title := fmt.Sprintf("Fashion-MNIST classes 5-9 from %d images", r.PartA.TargetTrain)
	return plot.Lines(plot.Labels{Title: title, X: "step", Y: "test accuracy"}, series)
}

// Run runs Part A and, when cfg.OutDir is set, writes the learning curves.
func Run(cfg Config) (Report, error) {
	a, backendName, err := RunPartA(cfg)
	if err != nil {
		return Report{}, err
	}
	r := Report{Backend: backendName, Config: cfg, PartA: a,
		FrozenGain: a.Frozen.Accuracy - a.Scratch.Accuracy, FineTuneGain: a.FineTune.Accuracy - a.Scratch.Accuracy}
	if cfg.OutDir != "" {
		if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
			return r, fmt.Errorf("transfer: %w", err)
		}
		fig, err := r.CurveFigure()
		if err != nil {
			return r, err
		}
		path := filepath.Join(cfg.OutDir, CurvesPNG)
		if err := fig.Save(path); err != nil {
			return r, err
		}
		r.FigurePaths = append(r.FigurePaths, path)
	}
	return r, nil
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "transfer",
		Title:    "transfer learning: scratch vs frozen backbone vs fine-tuning, and the note's ants/bees recipe",
		Notebook: "04-transfer-learning.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}
