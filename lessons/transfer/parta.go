package transfer

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// Point is one evaluation on the target test images.
type Point struct {
	Step     int     `json:"step"`
	Accuracy float64 `json:"accuracy"`
}

// Arm is one way of learning the target classes.
type Arm struct {
	// Name is "scratch", "frozen backbone" or "fine-tune".
	Name string `json:"name"`
	// Curve is the target test accuracy at step 0 and every EvalEvery steps.
	Curve []Point `json:"curve"`
	// Accuracy is the final target test accuracy; TrainAccuracy the mean over the last epoch.
	Accuracy      float64 `json:"accuracy"`
	TrainAccuracy float64 `json:"train_accuracy"`
	// Trainable and Frozen count the parameters that trained and those that did not.
	Trainable int `json:"trainable"`
	Frozen    int `json:"frozen"`
	// Seconds is the training time.
	Seconds float64 `json:"seconds"`
}

// PartA is what Part A measured.
type PartA struct {
	// SourceAccuracy is the pretrained network's accuracy on held-out test images of classes 0-4.
	SourceAccuracy float64 `json:"source_accuracy"`
	// TargetTrain and TargetTest are the numbers of target-class training and test images.
	TargetTrain int `json:"target_train"`
	TargetTest  int `json:"target_test"`
	// Scratch, Frozen and FineTune are the three arms.
	Scratch  Arm `json:"scratch"`
	Frozen   Arm `json:"frozen"`
	FineTune Arm `json:"fine_tune"`
	// FrozenParams is the frozen arm's parameter listing, printed like the note's params_to_update.
	FrozenParams string `json:"frozen_params"`
}

// split draws the lesson's subsets: source-task training and test images (classes 0-4, labels
// kept) and target-task training and test images (classes 5-9, relabelled 0-4).
func split(cfg Config, train, test *datasets.Images) (src, srcTest, tgt, tgtTest *cnn.Examples) {
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
	src = examples(train, pick(train, source, cfg.PretrainImages), 0)
	srcTest = examples(test, pick(test, source, cfg.TestImages), 0)
	var tgtIdx []int
	for c := 5; c < 10; c++ {
		tgtIdx = append(tgtIdx, pick(train, func(l int) bool { return l == c }, cfg.TargetPerClass)...)
	}
	tgt = examples(train, tgtIdx, 5)
	tgtTest = examples(test, pick(test, func(l int) bool { return l >= 5 }, cfg.TestImages), 5)
	return src, srcTest, tgt, tgtTest
}

// examples copies the images at idx into cnn.Examples, subtracting shift from the labels.
func examples(d *datasets.Images, idx []int, shift int) *cnn.Examples {
	sub := d.Subset(idx)
	labels := make([]int, len(sub.Labels))
	for i, l := range sub.Labels {
		labels[i] = l - shift
	}
	return &cnn.Examples{Pixels: sub.Pixels, Labels: labels, N: sub.N, Height: sub.Height, Width: sub.Width, Channels: sub.Channels}
}

// RunPartA pretrains on classes 0-4 and learns classes 5-9 the three ways.
func RunPartA(cfg Config) (*PartA, string, error) {
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
	src, srcTest, tgt, tgtTest := split(cfg, train, test)
	model := (&cnn.SmallCNN{NumClasses: 5, BatchNorm: true}).Logits
	trainCfg := cnn.TrainConfig{BatchSize: cfg.BatchSize, Optimizer: cnn.Adam, LearningRate: cfg.LearningRate,
		Seed: cfg.Seed, Progress: cfg.Progress}

	// Pretraining on the source classes.
	pre := context.New()
	if err := pre.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, "", err
	}
	preCfg := trainCfg
	preCfg.Steps = cfg.PretrainSteps
	if _, err := cnn.Train(b, pre, model, src, nil, preCfg); err != nil {
		return nil, "", fmt.Errorf("transfer: pretraining: %w", err)
	}
	srcEval, err := cnn.Evaluate(b, pre, model, srcTest, 250)
	if err != nil {
		return nil, "", err
	}
	r := &PartA{SourceAccuracy: srcEval.Accuracy, TargetTrain: tgt.N, TargetTest: tgtTest.N}

	armCfg := trainCfg
	armCfg.Steps, armCfg.EvalEvery, armCfg.EvalBatchSize = cfg.Steps, cfg.EvalEvery, 250

	// From scratch: a fresh network, every layer trains.
	scratch := context.New()
	if err := scratch.SetRNGStateFromSeed(cfg.Seed + 1); err != nil {
		return nil, "", err
	}
	if r.Scratch, err = runArm(b, "scratch", scratch, model, tgt, tgtTest, armCfg); err != nil {
		return nil, "", err
	}

	// Frozen backbone: the pretrained network with a new head; only the head trains.
	frozenCtx, err := withNewHead(pre, cfg.Head, cfg.Seed+2)
	if err != nil {
		return nil, "", err
	}
	rules := new(cnn.Trainability).Freeze("").Unfreeze(cfg.Head...)
	if r.Frozen, err = runArm(b, "frozen backbone", frozenCtx, rules.Model(model), tgt, tgtTest, armCfg); err != nil {
		return nil, "", err
	}
	r.FrozenParams = cnn.SummarizeParams(frozenCtx).String()

	// Fine-tuning: the pretrained network with a new head; everything trains, the backbone slower.
	fineCtx, err := withNewHead(pre, cfg.Head, cfg.Seed+3)
	if err != nil {
		return nil, "", err
	}
	fineCfg := armCfg
	groups := cnn.LRGroups{{Layer: "", Scale: cfg.BackboneScale}}
	for _, h := range cfg.Head {
		groups = append(groups, cnn.LRGroup{Layer: h, Scale: 1})
	}
	fineCfg.LRScale = groups.Scale
	if r.FineTune, err = runArm(b, "fine-tune", fineCtx, model, tgt, tgtTest, fineCfg); err != nil {
		return nil, "", err
	}
	return r, b.Name(), nil
}

// withNewHead returns a copy of the pretrained context with the head deleted (a fresh one is
// created at the next build, from the given seed) and no optimizer state, as when PyTorch code
// builds a new optimizer.
func withNewHead(pre *context.Context, head []string, seed int64) (*context.Context, error) {
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
	for _, h := range head {
		if _, err := cnn.ReplaceHead(ctx, h); err != nil {
			return nil, err
		}
	}
	if err := ctx.InAbsPath(cnn.OptimizerScope).DeleteVariablesInScope(); err != nil {
		return nil, err
	}
	return ctx, nil
}

// runArm measures the starting accuracy, trains and records the curve.
func runArm(b backends.Backend, name string, ctx *context.Context, model cnn.ModelFn, train, test *cnn.Examples, cfg cnn.TrainConfig) (Arm, error) {
	arm := Arm{Name: name}
	start, err := cnn.Evaluate(b, ctx, model, test, 250)
	if err != nil {
		return arm, fmt.Errorf("transfer: %s: %w", name, err)
	}
	arm.Curve = append(arm.Curve, Point{Step: 0, Accuracy: start.Accuracy})
	t0 := time.Now()
	h, err := cnn.Train(b, ctx, model, train, test, cfg)
	if err != nil {
		return arm, fmt.Errorf("transfer: %s: %w", name, err)
	}
	arm.Seconds = time.Since(t0).Seconds()
	for _, e := range h.Evals {
		arm.Curve = append(arm.Curve, Point{Step: e.Step, Accuracy: e.Accuracy})
	}
	last := h.Epochs[len(h.Epochs)-1]
	arm.Accuracy, arm.TrainAccuracy = last.ValAccuracy, last.TrainAccuracy
	s := cnn.SummarizeParams(ctx)
	arm.Trainable, arm.Frozen = s.Trainable, s.Frozen
	return arm, nil
}
