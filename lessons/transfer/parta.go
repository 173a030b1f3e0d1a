package transfer

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// ArmResult is one way of learning the target classes at one point of the learning curve.
type ArmResult struct {
	// Accuracies are the final target test accuracies, one per repeat (labelled subset).
	Accuracies []float64 `json:"accuracies"`
	// Mean and Std are their mean and sample standard deviation.
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// Gain is a transfer arm's accuracy minus the scratch arm's, paired by repeat (same labelled images).
type Gain struct {
	// Mean is the mean over the repeats; Min the smallest single-repeat difference.
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"`
}

// CurvePoint is what the three arms reached with PerClass labelled images per target class.
type CurvePoint struct {
	PerClass int       `json:"per_class"`
	Scratch  ArmResult `json:"scratch"`
	Frozen   ArmResult `json:"frozen"`
	FineTune ArmResult `json:"fine_tune"`
	// FrozenGain and FineTuneGain compare each transfer arm with scratch.
	FrozenGain   Gain `json:"frozen_gain"`
	FineTuneGain Gain `json:"fine_tune_gain"`
}

// PartA is what Part A measured.
type PartA struct {
	// SourceAccuracy is the pretrained network's accuracy on test images of classes 0-4.
	SourceAccuracy float64 `json:"source_accuracy"`
	// TargetTest is the number of target-class test images.
	TargetTest int `json:"target_test"`
	// Curve has one point per Config.Shots entry, in that order.
	Curve []CurvePoint `json:"curve"`
	// FrozenOverall and FineTuneOverall pool the paired differences of every point and subset of
	// the curve: how much each transfer arm gains over scratch across the label budgets.
	FrozenOverall   Gain `json:"frozen_overall_gain"`
	FineTuneOverall Gain `json:"fine_tune_overall_gain"`
	// Params is the whole network's parameter count; HeadParams the new head's (the frozen arm's
	// trainable parameters).
	Params     int `json:"params"`
	HeadParams int `json:"head_params"`
	// FrozenParams is the frozen arm's parameter listing, printed like the note's params_to_update.
	FrozenParams string `json:"frozen_params"`
	// Seconds is the time spent training and evaluating the arms, pretraining excluded;
	// PretrainSeconds the pretraining's.
	Seconds         float64 `json:"seconds"`
	PretrainSeconds float64 `json:"pretrain_seconds"`
}

// pools draws the lesson's images: source-task training and test images (classes 0-4, labels
// kept), for every repeat the labelled target images of each class (classes 5-9 relabelled 0-4;
// the first n of a class are its n-shot subset), and target test images.
type pools struct {
	src, srcTest, tgtTest *cnn.Examples
	// tgt[r] holds repeat r's labelled images, class by class, maxShots per class.
	tgt      []*cnn.Examples
	maxShots int
}

func drawPools(cfg Config, train, test *datasets.Images) pools {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7472616e73))
	pick := func(d *datasets.Images, keep func(label int) bool, n int) []int {
		var idx []int
		for _, i := range rng.Perm(d.N) {
			if keep(d.Labels[i]) && len(idx) < n {
				idx = append(idx, i)
			}
		}
		return idx
	}
	source := func(l int) bool { return l < 5 }
	p := pools{maxShots: 0}
	for _, n := range cfg.Shots {
		p.maxShots = max(p.maxShots, n)
	}
	p.src = examples(train, pick(train, source, cfg.PretrainImages), 0)
	p.srcTest = examples(test, pick(test, source, cfg.TestImages), 0)
	p.tgtTest = examples(test, pick(test, func(l int) bool { return l >= 5 }, cfg.TestImages), 5)
	for range cfg.Repeats {
		var idx []int
		for c := 5; c < 10; c++ {
			idx = append(idx, pick(train, func(l int) bool { return l == c }, p.maxShots)...)
		}
		p.tgt = append(p.tgt, examples(train, idx, 5))
	}
	return p
}

// examples copies the images at idx into cnn.Examples, subtracting shift from the labels.
func examples(d *datasets.Images, idx []int, shift int) *cnn.Examples {
	sub := d.Subset(idx)
	labels := make([]int, len(sub.Labels))
	for i, l := range sub.Labels {
		labels[i] = l - shift
	}
	e := cnn.ExamplesFrom(sub)
	e.Labels = labels
	return e
}

// shots returns the first n examples of each of the 5 classes of e, which holds per examples per
// class, class by class.
func shots(e *cnn.Examples, per, n int) *cnn.Examples {
	size := e.Height * e.Width * e.Channels
	out := &cnn.Examples{N: 5 * n, Height: e.Height, Width: e.Width, Channels: e.Channels}
	for c := range 5 {
		lo, hi := c*per, c*per+n
		out.Pixels = append(out.Pixels, e.Pixels[lo*size:hi*size]...)
		out.Labels = append(out.Labels, e.Labels[lo:hi]...)
	}
	return out
}

// RunPartA pretrains Net on classes 0-4, then learns classes 5-9 the three ways at every point of
// the learning curve, Repeats times each.
func RunPartA(cfg Config) (*PartA, string, error) { return runPartA(cfg, true) }

// runPartA is RunPartA; announce says whether it announces its own plan (Run announces one for
// both parts).
func runPartA(cfg Config, announce bool) (*PartA, string, error) {
	if len(cfg.Shots) == 0 || cfg.Repeats < 1 || len(cfg.Channels) == 0 {
		return nil, "", fmt.Errorf("transfer: config needs Shots, Channels and Repeats >= 1, got %v, %v, %d", cfg.Shots, cfg.Channels, cfg.Repeats)
	}
	b, err := backend.NewLogged(nil)
	if err != nil {
		return nil, "", err
	}
	train, err := datasets.LoadFashionMNIST(datasets.Train)
	if err != nil {
		return nil, "", fmt.Errorf("transfer: %w", err)
	}
	test, err := datasets.LoadFashionMNIST(datasets.Test)
	if err != nil {
		return nil, "", fmt.Errorf("transfer: %w", err)
	}
	p := drawPools(cfg, train, test)
	net := &Net{Channels: cfg.Channels, Pool: max(cfg.Pool, 1), NumClasses: 5}

	if announce {
		progress.Begin(cfg.Progress, plan(cfg, false))
		defer progress.End(cfg.Progress)
	}
	progress.StartPart(cfg.Progress, "pretraining")

	// Pretraining on the source classes.
	t0 := time.Now()
	pre := context.New()
	if err := pre.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, "", err
	}
	preCfg := cnn.TrainConfig{Steps: cfg.PretrainSteps, BatchSize: cfg.BatchSize, Optimizer: cnn.Adam,
		LearningRate: cfg.PretrainLR, Schedule: cnn.Cosine, Seed: cfg.Seed, Progress: progress.MeterOnly(cfg.Progress)}
	if _, err := cnn.Train(b, pre, net.Logits, p.src, nil, preCfg); err != nil {
		return nil, "", fmt.Errorf("transfer: pretraining: %w", err)
	}
	srcEval, err := cnn.Evaluate(b, pre, net.Logits, p.srcTest, 250)
	if err != nil {
		return nil, "", err
	}
	r := &PartA{SourceAccuracy: srcEval.Accuracy, TargetTest: p.tgtTest.N, PretrainSeconds: time.Since(t0).Seconds()}
	say(cfg, "pretrained on classes 0-4: %.1f%% test accuracy (%.0f s)", 100*r.SourceAccuracy, r.PretrainSeconds)

	// The frozen backbone's features, computed once (evaluation mode) for every image it will see.
	t0 = time.Now()
	testFeatures, err := cnn.CacheFeatures(b, pre, net.Features, p.tgtTest, 250)
	if err != nil {
		return nil, "", err
	}
	var tgtFeatures []*cnn.Examples
	for _, t := range p.tgt {
		f, err := cnn.CacheFeatures(b, pre, net.Features, t, 250)
		if err != nil {
			return nil, "", err
		}
		tgtFeatures = append(tgtFeatures, f)
	}

	progress.StartPart(cfg.Progress, armsPart)
	for si, n := range cfg.Shots {
		pt := CurvePoint{PerClass: n}
		for rep := range cfg.Repeats {
			seed := cfg.Seed*1000 + int64(10*rep+si)
			data := shots(p.tgt[rep], p.maxShots, n)
			armCfg := cnn.TrainConfig{Steps: cfg.Steps, BatchSize: cfg.BatchSize, Optimizer: cnn.Adam, Seed: seed}

			// From scratch: a fresh network, every layer trains.
			scratch := context.New()
			if err := scratch.SetRNGStateFromSeed(seed); err != nil {
				return nil, "", err
			}
			scratchCfg := armCfg
			scratchCfg.LearningRate = cfg.ScratchLR
			acc, err := trainArm(b, scratch, net.Logits, data, p.tgtTest, scratchCfg, cfg.Progress)
			if err != nil {
				return nil, "", fmt.Errorf("transfer: scratch, %d per class: %w", n, err)
			}
			pt.Scratch.Accuracies = append(pt.Scratch.Accuracies, acc)

			// Frozen backbone: only a new head trains, on the cached features.
			frozen, err := withNewHead(pre, seed+1)
			if err != nil {
				return nil, "", err
			}
			headCfg := armCfg
			headCfg.LearningRate = cfg.HeadLR
			acc, err = trainArm(b, frozen, net.Head, shots(tgtFeatures[rep], p.maxShots, n), testFeatures, headCfg, cfg.Progress)
			if err != nil {
				return nil, "", fmt.Errorf("transfer: frozen backbone, %d per class: %w", n, err)
			}
			pt.Frozen.Accuracies = append(pt.Frozen.Accuracies, acc)
			if r.FrozenParams == "" {
				new(cnn.Trainability).Freeze("").Unfreeze(HeadLayer).Apply(frozen)
				s := cnn.SummarizeParams(frozen)
				r.FrozenParams, r.Params, r.HeadParams = s.String(), s.Trainable+s.Frozen, s.Trainable
			}

			// Fine-tuning: the pretrained network with a new head; everything trains, the backbone slower.
			fine, err := withNewHead(pre, seed+2)
			if err != nil {
				return nil, "", err
			}
			fineCfg := headCfg
			fineCfg.LRScale = cnn.LRGroups{{Layer: "", Scale: cfg.BackboneScale}, {Layer: HeadLayer, Scale: 1}}.Scale
			acc, err = trainArm(b, fine, net.Logits, data, p.tgtTest, fineCfg, cfg.Progress)
			if err != nil {
				return nil, "", fmt.Errorf("transfer: fine-tune, %d per class: %w", n, err)
			}
			pt.FineTune.Accuracies = append(pt.FineTune.Accuracies, acc)
		}
		pt.Scratch.summarize()
		pt.Frozen.summarize()
		pt.FineTune.summarize()
		pt.FrozenGain = gain(pt.Frozen, pt.Scratch)
		pt.FineTuneGain = gain(pt.FineTune, pt.Scratch)
		say(cfg, "%3d per class: scratch %.1f%%, frozen %.1f%%, fine-tune %.1f%% (means of %d)",
			n, 100*pt.Scratch.Mean, 100*pt.Frozen.Mean, 100*pt.FineTune.Mean, cfg.Repeats)
		r.Curve = append(r.Curve, pt)
	}
	r.FrozenOverall, r.FineTuneOverall = overallGains(r.Curve)
	r.Seconds = time.Since(t0).Seconds()
	return r, b.Name(), nil
}

// Part names on the progress meter.
const (
	partBPart = "part B: EfficientNet-Lite0 on ants/bees"
	armsPart  = "scratch / frozen / fine-tune"
)

// plan is what a run announces before it starts: Part B's measurement first when partB (its steps
// unknown: its time goes to the backbone's passes, not to optimizer steps), then Part A's
// pretraining and arms.
func plan(cfg Config, partB bool) progress.Plan {
	what := fmt.Sprintf("a CNN pretrained on %d Fashion-MNIST images of classes 0-4, then classes 5-9 learnt from %v labelled images per class (%d subsets each) from scratch, with the frozen backbone and fine-tuned",
		cfg.PretrainImages, cfg.Shots, cfg.Repeats)
	parts := []progress.Part{{Name: "pretraining", Steps: cfg.PretrainSteps},
		{Name: armsPart, Steps: 3 * len(cfg.Shots) * cfg.Repeats * cfg.Steps}}
	if partB {
		c := cfg.ImageNet
		arms := ""
		switch {
		case c.Uncached && c.FineTuneArms:
			arms = "; the note's program uncached, with the frozen BatchNorm layers in training and in evaluation mode, also fine-tuned and from random initialization"
		case c.Uncached:
			arms = "; the note's program uncached, with the frozen BatchNorm layers in training and in evaluation mode"
		case c.FineTuneArms:
			arms = "; the note's program uncached, fine-tuned and from random initialization"
		}
		what = fmt.Sprintf("the note's ants/bees recipe on EfficientNet-Lite0's ImageNet weights (%d heads x %d epochs on cached features and on a random backbone%s); then %s",
			c.HeadSeeds, c.HeadEpochs, arms, what)
		parts = append([]progress.Part{{Name: partBPart}}, parts...)
	}
	return lessons.NewPlan("transfer", cfg.Preset, what, parts)
}

// say writes one line to cfg.Progress, if any.
func say(cfg Config, format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, format+"\n", args...)
	}
}

// withNewHead returns a copy of the pretrained context with the head deleted (a fresh one is
// created at the next build, from the given seed) and no optimizer state, as when PyTorch code
// builds a new optimizer.
func withNewHead(pre *context.Context, seed int64) (*context.Context, error) {
	ctx, err := pre.Clone()
	if err != nil {
		return nil, fmt.Errorf("transfer: copying the pretrained network: %w", err)
	}
	// The clone shares the original's initializer, which draws from the original's random state:
	// give it its own, or initializing the new head fails.
	ctx = ctx.WithInitializer(context.DefaultInitializer(ctx))
	if err := ctx.SetRNGStateFromSeed(seed); err != nil {
		return nil, err
	}
	if _, err := cnn.ReplaceHead(ctx, HeadLayer); err != nil {
		return nil, err
	}
	if err := ctx.InAbsPath(cnn.OptimizerScope).DeleteVariablesInScope(); err != nil {
		return nil, err
	}
	return ctx, nil
}

// trainArm trains model in ctx on data and returns its accuracy on test. The arm's steps go to the
// meter behind w, if any, once it has trained (an arm is too short to draw on its own).
func trainArm(b backends.Backend, ctx *context.Context, model cnn.ModelFn, data, test *cnn.Examples, cfg cnn.TrainConfig, w io.Writer) (float64, error) {
	h, err := cnn.Train(b, ctx, model, data, nil, cfg)
	if err != nil {
		return 0, err
	}
	for _, loss := range h.StepLoss {
		progress.Step(w, loss)
	}
	ev, err := cnn.Evaluate(b, ctx, model, test, 250)
	if err != nil {
		return 0, err
	}
	return ev.Accuracy, nil
}

// summarize fills Mean and Std from Accuracies.
func (a *ArmResult) summarize() {
	a.Mean, a.Std = meanStd(a.Accuracies)
}

// gain returns arm minus scratch, paired by repeat.
func gain(arm, scratch ArmResult) Gain {
	g := Gain{Min: math.Inf(1)}
	d := make([]float64, len(arm.Accuracies))
	for i := range d {
		d[i] = arm.Accuracies[i] - scratch.Accuracies[i]
		g.Min = math.Min(g.Min, d[i])
	}
	g.Mean, _ = meanStd(d)
	return g
}

// overallGains pools every point's paired differences into one gain per transfer arm.
func overallGains(curve []CurvePoint) (frozen, fineTune Gain) {
	var scratch, fr, ft ArmResult
	for _, p := range curve {
		scratch.Accuracies = append(scratch.Accuracies, p.Scratch.Accuracies...)
		fr.Accuracies = append(fr.Accuracies, p.Frozen.Accuracies...)
		ft.Accuracies = append(ft.Accuracies, p.FineTune.Accuracies...)
	}
	return gain(fr, scratch), gain(ft, scratch)
}

// meanStd returns the mean and the sample standard deviation (0 for fewer than two values).
func meanStd(x []float64) (mean, std float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}
