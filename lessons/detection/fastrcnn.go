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
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// FastRCNNConfig sizes the lesson's Fast R-CNN: one backbone pass per image, RoI max pooling of each
// selective-search proposal over the feature map (detect.RoIPoolBins, torchvision's bins), and the
// same heads as R-CNN (RegionHeads).
type FastRCNNConfig struct {
	// TrainImages and MaxProposals are as in RCNNConfig (the same labelled regions).
	TrainImages, MaxProposals int
	// Channels are the backbone's stages: conv3x3 + BatchNorm + ReLU, then 2x2 max pooling for the
	// first PoolStages of them (0: all), so the feature map's stride is 2^PoolStages. Stages without
	// pooling widen the receptive field while keeping a finer grid to pool regions from.
	Channels   []int
	PoolStages int
	// Bins is RoI pooling's output size per side; Hidden the heads' hidden width.
	Bins, Hidden int
	// RoIs is the number of regions sampled per training image (one image per step), FgFraction of
	// them objects; Steps and LearningRate drive Adam.
	RoIs, Steps  int
	FgFraction   float64
	LearningRate float64
	// SelectiveSearch configures the proposals.
	SelectiveSearch detect.SelectiveSearchConfig
	// Seed fixes the initial weights and the samples.
	Seed uint64
}

// FastRCNNQuick is the quick preset.
func FastRCNNQuick() FastRCNNConfig {
	return FastRCNNConfig{TrainImages: 150, MaxProposals: 150, Channels: []int{8, 16, 32}, Bins: 3, Hidden: 64,
		RoIs: 64, Steps: 600, FgFraction: 0.25, LearningRate: 3e-3, SelectiveSearch: selectiveSearchForDigits(1), Seed: 1}
}

// FastRCNNFull is the classroom preset: the R-CNN full preset's regions, more steps. It reached
// mAP@0.5 0.19 at 14.7 images/s on 300 validation images (2-core AMD EPYC, 177 s of training).
func FastRCNNFull() FastRCNNConfig {
	c := FastRCNNQuick()
	c.TrainImages, c.MaxProposals, c.Steps, c.Hidden = 600, 300, 2000, 128
	return c
}

// pools returns the number of stages followed by max pooling.
func (c FastRCNNConfig) pools() int { return pooledStages(c.PoolStages, len(c.Channels)) }

// pooledStages is how many of a backbone's stages are followed by max pooling when its configuration
// asks for poolStages (0 or too many: all of them).
func pooledStages(poolStages, stages int) int {
	if poolStages <= 0 || poolStages > stages {
		return stages
	}
	return poolStages
}

// stride returns the feature map's stride in pixels.
func (c FastRCNNConfig) stride() int { return 1 << c.pools() }

// FastRCNNModel runs the backbone on one image [1, H, W, 1] and pools the regions given by masks
// [R, Bins², h·w] (1 where a feature cell belongs to a bin, from detect.RoIPoolBins): a bin's value
// is the maximum of the features of its cells, which equals RoI max pooling because the features are
// ReLU outputs (>= 0) and an empty bin gives 0 like torchvision's. Returns RegionHeads' logits and
// deltas for the R regions.
func FastRCNNModel(ctx *context.Context, cfg FastRCNNConfig, image, masks *graph.Node) (logits, deltas *graph.Node) {
	x := image
	for i, c := range cfg.Channels {
		s := ctx.In(fmt.Sprintf("stage%d", i+1))
		x = layers.Convolution(s.In("conv"), x).Channels(c).KernelSize(3).PadSame().UseBias(false).Done()
		x = activations.Relu(cnn.BatchNorm(s.In("bn"), x))
		if i < cfg.pools() {
			x = graph.MaxPool(x).Window(2).Strides(2).NoPadding().Done()
		}
	}
	h, w, ch := x.Shape().Dim(1), x.Shape().Dim(2), x.Shape().Dim(3)
	feat := graph.Reshape(x, 1, 1, h*w, ch)                                    // [1, 1, h·w, C]
	pooled := graph.ReduceMax(graph.Mul(feat, graph.ExpandAxes(masks, -1)), 2) // [R, Bins², C]
	return RegionHeads(ctx, pooled, cfg.Hidden)
}

// roiMasks writes the bin masks of boxes into dst ([len(boxes), Bins², h·w]) for an h x w feature map.
func roiMasks(dst []float32, boxes []detect.Box, h, w int, cfg FastRCNNConfig) {
	clear(dst)
	nb := cfg.Bins * cfg.Bins
	scale := 1 / float32(cfg.stride())
	for r, box := range boxes {
		for k, bin := range detect.RoIPoolBins(h, w, box, scale, cfg.Bins, cfg.Bins) {
			m := dst[(r*nb+k)*h*w : (r*nb+k+1)*h*w]
			for y := bin.Min.Y; y < bin.Max.Y; y++ {
				for x := bin.Min.X; x < bin.Max.X; x++ {
					m[y*w+x] = 1
				}
			}
		}
	}
}

// TrainFastRCNN trains FastRCNNModel, one image and cfg.RoIs of its labelled regions per step, and
// returns the trained context and the loss of every step.
func TrainFastRCNN(b backends.Backend, cfg FastRCNNConfig, data *datasets.Detection, regions *RegionSet, progressTo io.Writer) (*context.Context, []float64, error) {
	progress.StartPart(progressTo, "Fast R-CNN")
	type perImage struct{ fg, bg []region }
	byImage := map[int]*perImage{}
	var images []int
	for _, list := range [][]region{regions.fg, regions.bg} {
		for _, r := range list {
			p := byImage[r.image]
			if p == nil {
				p = &perImage{}
				byImage[r.image] = p
				images = append(images, r.image)
			}
			if r.label == numDigits {
				p.bg = append(p.bg, r)
			} else {
				p.fg = append(p.fg, r)
			}
		}
	}
	if len(images) == 0 {
		return nil, nil, fmt.Errorf("detection: Fast R-CNN: no regions to train on")
	}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, nil, fmt.Errorf("detection: seeding: %w", err)
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		logits, deltas := FastRCNNModel(ctx, cfg, inputs[0], inputs[1])
		return []*graph.Node{logits, deltas}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, regionLoss, optimizers.Adam().LearningRate(cfg.LearningRate).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xfa57))
	H, W := data.Images.Height, data.Images.Width
	h, w := H/cfg.stride(), W/cfg.stride()
	nb := cfg.Bins * cfg.Bins
	masks := make([]float32, cfg.RoIs*nb*h*w)
	rb := newRegionBatch(cfg.RoIs, 0)
	boxes := make([]detect.Box, cfg.RoIs)
	var picks []region
	var losses []float64
	start := time.Now()
	for step := range cfg.Steps {
		img := images[rng.IntN(len(images))]
		p := byImage[img]
		picks = sampleRegions(rng, p.fg, p.bg, cfg.RoIs, cfg.FgFraction, picks)
		for k, r := range picks {
			boxes[k] = r.box
			rb.setLabel(k, r)
		}
		roiMasks(masks, boxes, h, w, cfg)
		out, err := trainer.TrainStep(nil,
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(data.Images.Image(img), 1, H, W, 1),
				tensors.FromFlatDataAndDimensions(masks, cfg.RoIs, nb, h*w)},
			rb.labelTensors(cfg.RoIs))
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
// EvaluateRCNN: selective search, one backbone pass per image (per 64 proposals), RoI pooling, heads,
// per-class box regression and class-wise NMS.
func EvaluateFastRCNN(b backends.Backend, ctx *context.Context, cfg FastRCNNConfig, val *datasets.Detection) (ModelStats, [][]detect.Detection, error) {
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, image, masks *graph.Node) (*graph.Node, *graph.Node) {
		logits, deltas := FastRCNNModel(ctx, cfg, image, masks)
		return graph.Softmax(logits, -1), deltas
	})
	if err != nil {
		return ModelStats{}, nil, fmt.Errorf("detection: building the Fast R-CNN inference graph: %w", err)
	}
	const chunk = 64
	H, W := val.Images.Height, val.Images.Width
	h, w := H/cfg.stride(), W/cfg.stride()
	nb := cfg.Bins * cfg.Bins
	masks := make([]float32, chunk*nb*h*w)
	run := func(i int, boxes []detect.Box) ([]*tensors.Tensor, error) {
		roiMasks(masks, boxes, h, w, cfg)
		return exec.Exec(tensors.FromFlatDataAndDimensions(val.Images.Image(i), 1, H, W, 1),
			tensors.FromFlatDataAndDimensions(masks, chunk, nb, h*w))
	}
	if _, err := run(0, nil); err != nil { // compiles before the clock starts
		return ModelStats{}, nil, fmt.Errorf("detection: Fast R-CNN inference: %w", err)
	}
	dets := make([][]detect.Detection, val.Images.N)
	proposals := 0
	var ssTime time.Duration
	start := time.Now()
	for i := range val.Images.N {
		ssStart := time.Now()
		boxes := Proposals(val, i, cfg.MaxProposals, cfg.SelectiveSearch)
		ssTime += time.Since(ssStart)
		proposals += len(boxes)
		var probs, deltas []float32
		for s := 0; s < len(boxes); s += chunk {
			n := min(chunk, len(boxes)-s)
			res, err := run(i, boxes[s:s+n])
			if err != nil {
				return ModelStats{}, nil, fmt.Errorf("detection: Fast R-CNN inference: %w", err)
			}
			p, err := tensors.CopyFlatData[float32](res[0])
			if err != nil {
				return ModelStats{}, nil, err
			}
			d, err := tensors.CopyFlatData[float32](res[1])
			if err != nil {
				return ModelStats{}, nil, err
			}
			probs = append(probs, p[:n*(numDigits+1)]...)
			deltas = append(deltas, d[:n*4*numDigits]...)
		}
		dets[i] = ApplyNMS(regionDetections(boxes, probs, deltas, float32(W), float32(H)), YOLONMSThreshold)
	}
	elapsed := time.Since(start)
	st := ModelStats{Model: "Fast R-CNN", Images: val.Images.N, ImagesPerSecond: float64(val.Images.N) / elapsed.Seconds(),
		ProposalsPerImage: float64(proposals) / float64(max(val.Images.N, 1)),
		ProposalMillis:    float64(ssTime.Microseconds()) / 1000 / float64(max(val.Images.N, 1))}
	if st.MeanAP50, st.COCOMeanAP, err = Evaluate(val, dets); err != nil {
		return ModelStats{}, nil, err
	}
	return st, dets, nil
}
