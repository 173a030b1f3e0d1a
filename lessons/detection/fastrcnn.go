package detection

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// FastRCNNConfig sizes the lesson's Fast R-CNN: one backbone pass per image, RoIAlign of each
// selective-search proposal over the feature map (PoolRegions), and the same heads as R-CNN
// (RegionHeads), trained with the paper's hierarchical sampling: ImagesPerStep images per step and
// RoIs regions from each.
type FastRCNNConfig struct {
	// TrainImages and MaxProposals are as in RCNNConfig (the same labelled regions).
	TrainImages, MaxProposals int
	// BackboneConfig is the backbone the regions are pooled from.
	BackboneConfig
	// Bins is RoIAlign's output size per side (the paper's RoI pooling uses 7); Hidden the heads'
	// hidden width.
	Bins, Hidden int
	// ImagesPerStep images per training step (the paper's N = 2), RoIs regions sampled from each (the
	// paper's R/N = 64), FgFraction of them objects; Steps and LearningRate drive Adam.
	ImagesPerStep, RoIs, Steps int
	FgFraction                 float64
	LearningRate               float64
	// SelectiveSearch configures the proposals.
	SelectiveSearch detect.SelectiveSearchConfig
	// Seed fixes the initial weights and the samples.
	Seed uint64
}

// FastRCNNQuick is the quick preset.
func FastRCNNQuick() FastRCNNConfig {
	return FastRCNNConfig{TrainImages: 150, MaxProposals: 150, BackboneConfig: BackboneConfig{Channels: []int{16, 32, 64}, PoolStages: 2}, Bins: 7, Hidden: 128,
		ImagesPerStep: 2, RoIs: 64, Steps: 600, FgFraction: 0.25, LearningRate: 2e-3, SelectiveSearch: selectiveSearchForDigits(1), Seed: 1}
}

// FastRCNNFull is the full preset: the R-CNN full preset's regions, more steps.
func FastRCNNFull() FastRCNNConfig {
	c := FastRCNNQuick()
	c.TrainImages, c.MaxProposals, c.Steps = 600, 300, 2000
	return c
}

// FastRCNNModel runs the backbone on images [N, H, W, 1] and pools the regions given by PoolRegions'
// weights wy and wx; returns RegionHeads' logits and deltas for the regions.
func FastRCNNModel(ctx *context.Context, cfg FastRCNNConfig, images, wy, wx *graph.Node) (logits, deltas *graph.Node) {
	features := Backbone(ctx, cfg.BackboneConfig, images)
	return RegionHeads(ctx, PoolRegions(features, wy, wx), cfg.Hidden)
}

// imageBatch is one training step's images, copied into a [N, H, W, 1] buffer.
type imageBatch struct {
	pix           []float32
	n, h, w, size int
}

func newImageBatch(n, h, w int) *imageBatch {
	return &imageBatch{pix: make([]float32, n*h*w), n: n, h: h, w: w, size: h * w}
}

func (b *imageBatch) set(slot int, pix []float32) { copy(b.pix[slot*b.size:], pix) }

func (b *imageBatch) tensor() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(b.pix, b.n, b.h, b.w, 1)
}

// regionsByImage groups labelled regions by image, in the order images first appear.
type regionsByImage struct {
	images []int
	fg, bg map[int][]region
}

func groupRegions(regions *RegionSet) regionsByImage {
	g := regionsByImage{fg: map[int][]region{}, bg: map[int][]region{}}
	seen := map[int]bool{}
	for _, list := range [][]region{regions.fg, regions.bg} {
		for _, r := range list {
			if !seen[r.image] {
				seen[r.image] = true
				g.images = append(g.images, r.image)
			}
			if r.label == numDigits {
				g.bg[r.image] = append(g.bg[r.image], r)
			} else {
				g.fg[r.image] = append(g.fg[r.image], r)
			}
		}
	}
	return g
}

// TrainFastRCNN trains FastRCNNModel, cfg.ImagesPerStep images and cfg.RoIs of each one's labelled
// regions per step, and returns the trained context and the loss of every step.
func TrainFastRCNN(b backends.Backend, cfg FastRCNNConfig, data *datasets.Detection, regions *RegionSet, progressTo io.Writer) (*context.Context, []float64, error) {
	progress.StartPart(progressTo, "Fast R-CNN")
	if cfg.ImagesPerStep < 1 || cfg.RoIs < 1 || cfg.Bins < 1 {
		return nil, nil, fmt.Errorf("detection: Fast R-CNN: ImagesPerStep = %d, RoIs = %d, Bins = %d, want >= 1", cfg.ImagesPerStep, cfg.RoIs, cfg.Bins)
	}
	byImage := groupRegions(regions)
	if len(byImage.images) == 0 {
		return nil, nil, fmt.Errorf("detection: Fast R-CNN: no regions to train on")
	}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, nil, fmt.Errorf("detection: seeding: %w", err)
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		logits, deltas := FastRCNNModel(ctx, cfg, inputs[0], inputs[1], inputs[2])
		return []*graph.Node{logits, deltas}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, regionLoss, optimizers.Adam().LearningRate(cfg.LearningRate).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xfa57))
	H, W := data.Images.Height, data.Images.Width
	h, w := H/cfg.Stride(), W/cfg.Stride()
	n := cfg.ImagesPerStep * cfg.RoIs
	batch := newImageBatch(cfg.ImagesPerStep, H, W)
	weights := newRegionWeights(n, cfg.Bins, cfg.ImagesPerStep, h, w, cfg.Stride())
	rb := newRegionBatch(n, 0)
	var picks []region
	var losses []float64
	start := time.Now()
	for step := range cfg.Steps {
		for slot := range cfg.ImagesPerStep {
			img := byImage.images[rng.IntN(len(byImage.images))]
			batch.set(slot, data.Images.Image(img))
			picks = sampleRegions(rng, byImage.fg[img], byImage.bg[img], cfg.RoIs, cfg.FgFraction, picks)
			for j, r := range picks {
				k := slot*cfg.RoIs + j
				weights.set(k, slot, r.box)
				rb.setLabel(k, r)
			}
		}
		wy, wx := weights.tensors(n)
		out, err := trainer.TrainStep(nil, []*tensors.Tensor{batch.tensor(), wy, wx}, rb.labelTensors(n))
		if err != nil {
			return nil, nil, fmt.Errorf("detection: Fast R-CNN training step %d: %w", step, err)
		}
		losses = append(losses, float64(tensors.ToScalar[float32](out[0])))
		if !progress.Step(progressTo, losses[step]) && progressTo != nil && (step%50 == 0 || step == cfg.Steps-1) {
			fmt.Fprintf(progressTo, "detection: Fast R-CNN step %d/%d loss %.3f (%.1fs)\n", step+1, cfg.Steps, losses[step], time.Since(start).Seconds())
		}
	}
	return ctx, losses, nil
}

// EvaluateFastRCNN runs the trained Fast R-CNN on the validation images and measures it like
// EvaluateRCNN: selective search, one backbone pass per image, RoIAlign and the heads on its
// proposals, per-class box regression and class-wise NMS.
func EvaluateFastRCNN(b backends.Backend, ctx *context.Context, cfg FastRCNNConfig, val *datasets.Detection) (ModelStats, [][]detect.Detection, error) {
	e, err := evaluateFastRCNN(b, ctx, cfg, val)
	return e.stats, e.dets, err
}

// evaluateFastRCNN is EvaluateFastRCNN, with each image's proposals.
func evaluateFastRCNN(b backends.Backend, ctx *context.Context, cfg FastRCNNConfig, val *datasets.Detection) (regionEvaluation, error) {
	backbone, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, image *graph.Node) *graph.Node {
		return Backbone(ctx, cfg.BackboneConfig, image)
	})
	if err != nil {
		return regionEvaluation{}, fmt.Errorf("detection: building the Fast R-CNN backbone: %w", err)
	}
	H, W := val.Images.Height, val.Images.Width
	heads, err := newRegionClassifier(b, ctx, cfg.Bins, cfg.Hidden, H/cfg.Stride(), W/cfg.Stride(), cfg.Stride())
	if err != nil {
		return regionEvaluation{}, err
	}
	features := func(i int) (*tensors.Tensor, error) {
		res, err := backbone.Exec(tensors.FromFlatDataAndDimensions(val.Images.Image(i), 1, H, W, 1))
		if err != nil {
			return nil, fmt.Errorf("detection: Fast R-CNN backbone: %w", err)
		}
		return res[0], nil
	}
	if f, err := features(0); err != nil { // compiles both graphs before the clock starts
		return regionEvaluation{}, err
	} else if _, _, err := heads.classify(f, []detect.Box{{X1: 0, Y1: 0, X2: 16, Y2: 16}}); err != nil {
		return regionEvaluation{}, err
	}
	return evaluateRegions("Fast R-CNN", val, true, func(i int) ([]detect.Box, error) {
		return Proposals(val, i, cfg.MaxProposals, cfg.SelectiveSearch), nil
	}, func(i int, boxes []detect.Box) ([]detect.Detection, error) {
		f, err := features(i)
		if err != nil {
			return nil, err
		}
		probs, deltas, err := heads.classify(f, boxes)
		if err != nil {
			return nil, err
		}
		return regionDetections(boxes, probs, deltas, float32(W), float32(H)), nil
	})
}
