package transfer

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
)

// ImageNetConfig sizes the lesson run's measurement of the note's recipe on EfficientNet-Lite0's
// ImageNet weights, what notebook 04 leads with. A zero HeadEpochs skips it (the quick preset: the
// tests run it as TestFrozenEfficientNet).
type ImageNetConfig struct {
	// HeadEpochs is the number of epochs of the heads trained on cached features (the first only
	// evaluating; the note's 3 are its first lines), HeadSeeds how many heads, with seeds 1234, 1235, ...
	HeadEpochs int `json:"head_epochs"`
	HeadSeeds  int `json:"head_seeds"`
	// Uncached runs the note's program itself (frozen backbone, its augmentation, no cache: every
	// epoch a pass of the whole network, minutes on 2 cores) twice: as written, whose net.train()
	// puts the frozen BatchNorm layers in training mode, and with them in evaluation mode
	// (RecipeConfig.InferenceBatchNorm). FineTuneArms adds two more runs of it: full fine-tuning
	// from the ImageNet weights, and the same network from random initialization.
	Uncached     bool `json:"uncached"`
	FineTuneArms bool `json:"fine_tune_arms"`
}

// ImageNetResult is what the lesson run measured on the ants/bees images with EfficientNet-Lite0.
type ImageNetResult struct {
	// Pretrained and RandomBackbone are the cached-feature heads on the ImageNet backbone and on the
	// same backbone at random initialization: validation accuracy per epoch (rows) and seed.
	Pretrained     [][]float64 `json:"pretrained"`
	RandomBackbone [][]float64 `json:"random_backbone"`
	// NoteEpochs is the pretrained heads' spread after the note's 3 epochs, Last after the last
	// epoch, RandomLast the random backbone's after the last epoch.
	NoteEpochs Spread `json:"note_epochs"`
	Last       Spread `json:"last"`
	RandomLast Spread `json:"random_last"`
	// NotePhases are the first seed's lines of the note's 3 epochs, as the note prints them.
	NotePhases []PhaseResult `json:"note_phases"`
	// Mistakes are the validation files (relative to the data folder) the first seed's last head
	// gets wrong; FeatureSeconds the two backbones' passes over every image.
	Mistakes       []string `json:"mistakes"`
	FeatureSeconds float64  `json:"feature_seconds"`
	// Arms are the uncached runs of the note's program: "frozen" and "frozen-bn-eval" with
	// Uncached, "fine-tune" and "random-init" with FineTuneArms.
	Arms []RecipeArm `json:"arms"`
	// Figures are predictions.png and mistakes.png.
	Figures []string `json:"-"`
}

// Spread is the smallest, mean and largest of a set of accuracies.
type Spread struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

// spreadOf summarizes xs (at least one value).
func spreadOf(xs []float64) Spread {
	s := Spread{Min: xs[0], Max: xs[0], Mean: mean(xs)}
	for _, x := range xs {
		s.Min, s.Max = min(s.Min, x), max(s.Max, x)
	}
	return s
}

// mean is the average of xs.
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// RecipeArm is one uncached run of the note's program (3 epochs, augmentation, SGD).
type RecipeArm struct {
	Name        string        `json:"name"`
	Phases      []PhaseResult `json:"phases"`
	ValAccuracy float64       `json:"val_accuracy"`
	Seconds     float64       `json:"seconds"`
}

// imageNetInputs returns the EfficientNet-Lite0 ImageNet checkpoint and the ants/bees folder, or
// why the measurement cannot run here.
func imageNetInputs() (weights, data string, err error) {
	if weights, err = datasets.WeightsPath("efficientnet-lite0-imagenet"); err != nil {
		return "", "", fmt.Errorf("no EfficientNet-Lite0 ImageNet weights (cvlessons data fetch efficientnet-lite0-imagenet): %w", err)
	}
	if data, err = datasets.HymenopteraDir(); err != nil {
		return "", "", fmt.Errorf("no ants/bees images (cvlessons data fetch hymenoptera): %w", err)
	}
	return weights, data, nil
}

// RunImageNet measures the note's recipe on EfficientNet-Lite0's ImageNet weights with the
// images in dataDir: cached-feature heads on the pretrained and on a random backbone, then, as c
// asks, the note's uncached program and its fine-tuning and random-initialization arms. Figures go to outDir when it is not "".
func RunImageNet(c ImageNetConfig, weights, dataDir, outDir string, cfg Config) (*ImageNetResult, error) {
	if c.HeadEpochs < 3 || c.HeadSeeds < 1 {
		return nil, fmt.Errorf("transfer: ImageNet measurement needs HeadEpochs >= 3 (the note's) and HeadSeeds >= 1, got %d and %d", c.HeadEpochs, c.HeadSeeds)
	}
	res := &ImageNetResult{}
	frozen := NoteFrozen(weights)
	frozen.DataDir, frozen.FigureDir, frozen.Epochs, frozen.Seeds = dataDir, outDir, c.HeadEpochs, c.HeadSeeds
	say(cfg, "part B: EfficientNet-Lite0's ImageNet backbone, frozen and cached, %d heads x %d epochs", c.HeadSeeds, c.HeadEpochs)
	pre, err := RunFrozen(frozen)
	if err != nil {
		return nil, err
	}
	say(cfg, "part B: the same heads on a random backbone")
	frozen.RandomBackbone, frozen.FigureDir = true, ""
	random, err := RunFrozen(frozen)
	if err != nil {
		return nil, err
	}
	res.Pretrained, res.RandomBackbone = pre.SeedAccuracies, random.SeedAccuracies
	res.NoteEpochs = spreadOf(pre.SeedAccuracies[2])
	res.Last = spreadOf(pre.SeedAccuracies[c.HeadEpochs-1])
	res.RandomLast = spreadOf(random.SeedAccuracies[c.HeadEpochs-1])
	res.NotePhases = pre.Phases[:5] // epoch 1: val only; epochs 2 and 3: train and val
	res.FeatureSeconds = pre.FeatureSeconds + random.FeatureSeconds
	res.Figures = pre.Figures
	for _, m := range pre.Mistakes {
		rel, err := filepath.Rel(dataDir, m)
		if err != nil {
			rel = filepath.Base(m)
		}
		res.Mistakes = append(res.Mistakes, filepath.ToSlash(rel))
	}

	arms := []struct {
		name                      string
		bnEval, fineTune, scratch bool
	}{{"frozen", false, false, false}, {"frozen-bn-eval", true, false, false}, {"fine-tune", false, true, false}, {"random-init", false, false, true}}
	for _, arm := range arms {
		if frozen := arm.name == "frozen" || arm.name == "frozen-bn-eval"; (frozen && !c.Uncached) || (!frozen && !c.FineTuneArms) {
			continue
		}
		say(cfg, "part B: the note's program, uncached, %s", arm.name)
		rc := NoteRecipe("efficientnet-lite0", weights, true)
		rc.DataDir, rc.InferenceBatchNorm, rc.FineTune, rc.RandomInit = dataDir, arm.bnEval, arm.fineTune, arm.scratch
		start := time.Now()
		r, err := RunRecipe(rc)
		if err != nil {
			return nil, fmt.Errorf("transfer: the %s arm: %w", arm.name, err)
		}
		res.Arms = append(res.Arms, RecipeArm{Name: arm.name, Phases: r.Phases,
			ValAccuracy: r.Phases[len(r.Phases)-1].Accuracy, Seconds: time.Since(start).Seconds()})
	}
	return res, nil
}

// summarize writes Part B's lines of the lesson summary.
func (res *ImageNetResult) summarize(sb *strings.Builder, c ImageNetConfig) {
	fmt.Fprintf(sb, "transfer (part B): the note's recipe on EfficientNet-Lite0 (ImageNet weights), ants/bees, frozen backbone + new 2-way head\n")
	fmt.Fprintf(sb, "  the note's 3 epochs, seed 1234:")
	for _, p := range res.NotePhases {
		fmt.Fprintf(sb, " | %d %s", p.Epoch, p)
	}
	fmt.Fprintf(sb, "\n  val accuracy over %d head seeds (min/mean/max): after 3 epochs %s; after %d: %s; random backbone after %d: %s\n",
		c.HeadSeeds, res.NoteEpochs, c.HeadEpochs, res.Last, c.HeadEpochs, res.RandomLast)
	fmt.Fprintf(sb, "  %d validation images wrong after %d epochs (seed 1234)", len(res.Mistakes), c.HeadEpochs)
	for _, a := range res.Arms {
		fmt.Fprintf(sb, "\n  the note's program uncached (augmentation, 3 epochs), %-14s val accuracy %.4f (%.0fs)", a.Name, a.ValAccuracy, a.Seconds)
	}
}

// String formats the spread as "0.863/0.889/0.915".
func (s Spread) String() string { return fmt.Sprintf("%.3f/%.3f/%.3f", s.Min, s.Mean, s.Max) }
