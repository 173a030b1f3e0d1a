package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Report holds what a run of Part A measured and drew.
type Report struct {
	// Backend is the GoMLX backend that trained the networks.
	Backend string `json:"backend"`
	// Config is the configuration that ran.
	Config Config `json:"config"`
	// PartA holds the learning curve of the three arms.
	PartA *PartA `json:"part_a"`
	// FrozenGain and FineTuneGain are the transfer arms' gains over scratch at the first (fewest
	// labels) point of the curve: the lesson's headline.
	FrozenGain   Gain `json:"frozen_gain"`
	FineTuneGain Gain `json:"fine_tune_gain"`
	// ImageNet is Part B on EfficientNet-Lite0's ImageNet weights; nil when it did not run, and
	// then ImageNetSkipped says why.
	ImageNet        *ImageNetResult `json:"imagenet,omitempty"`
	ImageNetSkipped string          `json:"imagenet_skipped,omitempty"`
	// FigurePaths lists the PNG files written.
	FigurePaths []string `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	var sb strings.Builder
	a := r.PartA
	c := r.Config
	fmt.Fprintf(&sb, "transfer (part A): Net %v pretrained on Fashion-MNIST classes 0-4 (%.1f%% on their test images), backend %q\n",
		c.Channels, 100*a.SourceAccuracy, r.Backend)
	fmt.Fprintf(&sb, "  classes 5-9: %d Adam steps per arm, mean ± std over %d labelled subsets, %d test images\n",
		c.Steps, c.Repeats, a.TargetTest)
	fmt.Fprintf(&sb, "  (scratch lr %g; head lr %g; fine-tune backbone lr %g; new head: %s of %s parameters train when frozen)\n",
		c.ScratchLR, c.HeadLR, c.HeadLR*c.BackboneScale, groupDigits(a.HeadParams), groupDigits(a.Params))
	fmt.Fprintf(&sb, "  %9s %15s %15s %15s %17s %17s\n", "per class", "scratch", "frozen", "fine-tune", "frozen gain", "fine-tune gain")
	for _, p := range a.Curve {
		fmt.Fprintf(&sb, "  %9d %15s %15s %15s %17s %17s\n", p.PerClass, pct(p.Scratch), pct(p.Frozen), pct(p.FineTune),
			gainText(p.FrozenGain), gainText(p.FineTuneGain))
	}
	fmt.Fprintf(&sb, "  %9s %15s %15s %15s %17s %17s\n", "all", "", "", "", gainText(a.FrozenOverall), gainText(a.FineTuneOverall))
	fmt.Fprintf(&sb, "  (gain: mean and, in brackets, smallest of the paired per-subset differences, in points)\n")
	fmt.Fprintf(&sb, "  transfer gain over scratch with %d labelled images per class: frozen backbone %+.1f points, fine-tune %+.1f points",
		a.Curve[0].PerClass, 100*r.FrozenGain.Mean, 100*r.FineTuneGain.Mean)
	switch {
	case r.ImageNet != nil:
		sb.WriteString("\n")
		r.ImageNet.summarize(&sb, c.ImageNet)
	case r.ImageNetSkipped != "":
		fmt.Fprintf(&sb, "\ntransfer (part B) skipped: %s", r.ImageNetSkipped)
	}
	return sb.String()
}

// pct formats an arm's mean and standard deviation in percent.
func pct(a ArmResult) string {
	return fmt.Sprintf("%.1f ± %.1f%%", 100*a.Mean, 100*a.Std)
}

// gainText formats a gain in points: "+12.3 [+8.1]".
func gainText(g Gain) string {
	return fmt.Sprintf("%+.1f [%+.1f]", 100*g.Mean, 100*g.Min)
}

// groupDigits writes n with thousands separators.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// CurvesPNG is the learning-curve figure written to Config.OutDir.
const CurvesPNG = "transfer_curves.png"

// CurveFigure draws the three arms' mean target test accuracy against the number of labelled
// images per class.
func (r Report) CurveFigure() (*plot.Figure, error) {
	series := []plot.Series{{Name: "scratch"}, {Name: "frozen backbone"}, {Name: "fine-tune"}}
	for _, p := range r.PartA.Curve {
		for i, a := range []ArmResult{p.Scratch, p.Frozen, p.FineTune} {
			series[i].X = append(series[i].X, float64(p.PerClass))
			series[i].Y = append(series[i].Y, a.Mean)
		}
	}
	title := fmt.Sprintf("Fashion-MNIST classes 5-9, mean of %d subsets", r.Config.Repeats)
	return plot.Lines(plot.Labels{Title: title, X: "labelled images per class", Y: "test accuracy"}, series)
}

// Run runs Part B when cfg.ImageNet asks for it and its weights and images are here, then Part A,
// and, when cfg.OutDir is set, writes the learning curves (and Part B's prediction figures).
func Run(cfg Config) (Report, error) {
	var r Report
	var weights, data string
	if cfg.ImageNet.HeadEpochs > 0 {
		var err error
		if weights, data, err = imageNetInputs(); err != nil {
			r.ImageNetSkipped = err.Error()
		}
	}
	partB := cfg.ImageNet.HeadEpochs > 0 && r.ImageNetSkipped == ""
	progress.Begin(cfg.Progress, plan(cfg, partB))
	defer progress.End(cfg.Progress)
	if r.ImageNetSkipped != "" {
		say(cfg, "part B skipped: %s", r.ImageNetSkipped)
	}
	if partB {
		progress.StartPart(cfg.Progress, partBPart)
		var err error
		if r.ImageNet, err = RunImageNet(cfg.ImageNet, weights, data, cfg.OutDir, cfg); err != nil {
			return r, err
		}
	}
	a, backendName, err := runPartA(cfg, false)
	if err != nil {
		return r, err
	}
	r.Backend, r.Config, r.PartA = backendName, cfg, a
	r.FrozenGain, r.FineTuneGain = a.Curve[0].FrozenGain, a.Curve[0].FineTuneGain
	if r.ImageNet != nil {
		r.FigurePaths = append(r.FigurePaths, r.ImageNet.Figures...)
	}
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
