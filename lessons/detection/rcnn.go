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
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// RCNNConfig sizes the lesson's R-CNN: selective-search proposals, each warped to Warp x Warp pixels
// and classified by a small CNN into the 10 digits or background, with per-class box regression.
type RCNNConfig struct {
	// TrainImages is the number of training images whose proposals (and ground-truth boxes, as in
	// R-CNN) train the classifier.
	TrainImages int
	// MaxProposals caps the proposals per image: selective search's first ones in its ranking.
	MaxProposals int
	// Warp and Context are detect.WarpRegion's output size and context padding, in pixels.
	Warp, Context int
	// Channels are the classifier's convolution widths (conv3x3 + BatchNorm + ReLU + 2x2 max pooling
	// each); Hidden is the width of its fully connected layer.
	Channels []int
	Hidden   int
	// Steps, BatchSize and LearningRate drive Adam; FgFraction of each batch are object regions
	// (Fast R-CNN's 25%), the rest background.
	Steps, BatchSize int
	LearningRate     float64
	FgFraction       float64
	// SelectiveSearch configures the proposals.
	SelectiveSearch detect.SelectiveSearchConfig
	// Seed fixes the initial weights and the batches.
	Seed uint64
}

// RCNNQuick is the quick preset: a couple of minutes on two CPU cores.
func RCNNQuick() RCNNConfig {
	return RCNNConfig{TrainImages: 150, MaxProposals: 150, Warp: 28, Context: 2, Channels: []int{16, 32}, Hidden: 64,
		Steps: 300, BatchSize: 64, LearningRate: 2e-3, FgFraction: 0.25, SelectiveSearch: selectiveSearchForDigits(1), Seed: 1}
}

// RCNNFull is the classroom preset.
func RCNNFull() RCNNConfig {
	c := RCNNQuick()
	c.TrainImages, c.MaxProposals, c.Steps, c.Channels, c.Hidden = 600, 300, 1500, []int{32, 64}, 128
	return c
}

// Region labelling thresholds: R-CNN's fine-tuning counted a proposal with IoU >= 0.5 as its object's
// class and every other proposal as background (Girshick et al. 2014, section 2.3).
const (
	rcnnFgIoU = 0.5
	rcnnBgIoU = 0.5
)

// deltaStd scales BoxDelta targets to unit-ish size, as Fast R-CNN normalises them (torchvision's
// box coder weights 10, 10, 5, 5 are the reciprocals).
var deltaStd = [4]float32{0.1, 0.1, 0.2, 0.2}

// numDigits is C, the number of digit classes; the background class is numDigits.
const numDigits = 10

// region is one labelled training region.
type region struct {
	image int
	box   detect.Box
	label int        // 0..9 digits, numDigits background
	delta [4]float32 // normalised BoxDelta target (objects only)
}

// labelRegions returns the labelled regions of image i: its proposals labelled by IoU, plus its
// ground-truth boxes as extra object regions.
func labelRegions(i int, proposals []detect.Box, objects []detect.Object) (fg, bg []region) {
	labels, matched := detect.LabelProposals(proposals, objects, numDigits, rcnnFgIoU, rcnnBgIoU)
	add := func(box detect.Box, label, m int) {
		r := region{image: i, box: box, label: label}
		if label == numDigits {
			bg = append(bg, r)
			return
		}
		d := detect.BoxDelta(box, objects[m].Box)
		for k := range d {
			r.delta[k] = d[k] / deltaStd[k]
		}
		fg = append(fg, r)
	}
	for k, p := range proposals {
		if labels[k] != detect.IgnoreLabel && !p.Empty() {
			add(p, labels[k], matched[k])
		}
	}
	for k, o := range objects {
		add(o.Box, o.Class, k)
	}
	return fg, bg
}

// Proposals returns selective search's first max proposals for image i of d.
func Proposals(d *datasets.Detection, i, max int, cfg detect.SelectiveSearchConfig) []detect.Box {
	p := detect.SelectiveSearch(imageOf(d, i), cfg)
	var out []detect.Box
	for _, b := range p {
		if b.Width() >= 2 && b.Height() >= 2 {
			out = append(out, b)
		}
		if len(out) == max {
			break
		}
	}
	return out
}

// RegionHeads is the head shared by R-CNN and Fast R-CNN: on region features [n, ...] a fully
// connected layer of hidden units with ReLU, then class logits [n, C + 1] (background last) and box
// deltas [n, 4C] (four per digit class, normalised by deltaStd).
func RegionHeads(ctx *context.Context, features *graph.Node, hidden int) (logits, deltas *graph.Node) {
	x := regionHidden(ctx, features, hidden)
	return layers.Dense(ctx.In("cls"), x, true, numDigits+1), layers.Dense(ctx.In("bbox"), x, true, 4*numDigits)
}

// regionHidden is RegionHeads' hidden layer [n, hidden]: the features R-CNN's SVMs classify.
func regionHidden(ctx *context.Context, features *graph.Node, hidden int) *graph.Node {
	n := features.Shape().Dim(0)
	return activations.Relu(layers.Dense(ctx.In("fc"), graph.Reshape(features, n, -1), true, hidden))
}

// RCNNModel classifies warped regions [n, Warp, Warp, 1]: the convolution stages, then RegionHeads.
func RCNNModel(ctx *context.Context, cfg RCNNConfig, regions *graph.Node) (logits, deltas *graph.Node) {
	return RegionHeads(ctx, rcnnStages(ctx, cfg, regions), cfg.Hidden)
}

// rcnnStages is RCNNModel's convolution stages: a Backbone pooled after every stage.
func rcnnStages(ctx *context.Context, cfg RCNNConfig, regions *graph.Node) *graph.Node {
	return Backbone(ctx, BackboneConfig{Channels: cfg.Channels}, regions)
}

// regionLoss is the multi-task loss of Fast R-CNN (Girshick 2015, eq. 1) with λ = 1: the mean
// cross-entropy of the class logits, plus smooth L1 of the responsible class's box deltas, summed over
// the four coordinates and averaged over the batch (background regions have no box term). Labels are
// the one-hot classes [n, C + 1], the delta targets [n, 4C] and a mask [n, 4C] that is 1 on the four
// entries of an object region's class.
func regionLoss(labels, predictions []*graph.Node) *graph.Node {
	onehot, targets, mask := labels[0], labels[1], labels[2]
	logits, deltas := predictions[0], predictions[1]
	n := float64(logits.Shape().Dim(0))
	ce := graph.Neg(graph.ReduceAllSum(graph.Mul(onehot, graph.LogSoftmax(logits, -1))))
	return graph.DivScalar(graph.Add(ce, graph.ReduceAllSum(graph.Mul(mask, smoothL1(graph.Sub(deltas, targets), 1)))), n)
}

// smoothL1 is the smooth L1 loss of each element of d with transition point beta: 0.5·d²/beta where
// |d| < beta, |d| - 0.5·beta elsewhere (Fast R-CNN's with beta = 1).
func smoothL1(d *graph.Node, beta float64) *graph.Node {
	a := graph.Abs(d)
	return graph.Where(graph.LessThan(a, graph.MulScalar(graph.OnesLike(a), beta)), graph.MulScalar(graph.Square(a), 0.5/beta), graph.AddScalar(a, -0.5*beta))
}

// regionBatch holds one training batch's host buffers.
type regionBatch struct {
	x, onehot, targets, mask []float32
}

func newRegionBatch(n, inputSize int) *regionBatch {
	return &regionBatch{x: make([]float32, n*inputSize), onehot: make([]float32, n*(numDigits+1)),
		targets: make([]float32, n*4*numDigits), mask: make([]float32, n*4*numDigits)}
}

// setLabel writes region r's labels into row k.
func (rb *regionBatch) setLabel(k int, r region) {
	clear(rb.onehot[k*(numDigits+1) : (k+1)*(numDigits+1)])
	rb.onehot[k*(numDigits+1)+r.label] = 1
	t, m := rb.targets[k*4*numDigits:(k+1)*4*numDigits], rb.mask[k*4*numDigits:(k+1)*4*numDigits]
	clear(t)
	clear(m)
	if r.label < numDigits {
		copy(t[4*r.label:], r.delta[:])
		for j := range 4 {
			m[4*r.label+j] = 1
		}
	}
}

func (rb *regionBatch) labelTensors(n int) []*tensors.Tensor {
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(rb.onehot, n, numDigits+1),
		tensors.FromFlatDataAndDimensions(rb.targets, n, 4*numDigits), tensors.FromFlatDataAndDimensions(rb.mask, n, 4*numDigits)}
}

// sampleRegions fills picks with n regions, a fraction fgFraction of them from fg.
func sampleRegions(rng *rand.Rand, fg, bg []region, n int, fgFraction float64, picks []region) []region {
	picks = picks[:0]
	nfg := int(fgFraction*float64(n) + 0.5)
	for k := range n {
		if (k < nfg && len(fg) > 0) || len(bg) == 0 {
			picks = append(picks, fg[rng.IntN(len(fg))])
		} else {
			picks = append(picks, bg[rng.IntN(len(bg))])
		}
	}
	return picks
}

// RegionSet is the labelled regions of a training set.
type RegionSet struct {
	fg, bg []region
	// ProposalsPerImage is the mean number of proposals per training image.
	ProposalsPerImage float64
}

// Len returns the number of object and background regions.
func (s *RegionSet) Len() (objects, background int) { return len(s.fg), len(s.bg) }

// LabelTrainingRegions runs selective search on the first n images of data and labels the proposals.
func LabelTrainingRegions(data *datasets.Detection, n, maxProposals int, ss detect.SelectiveSearchConfig) *RegionSet {
	s := &RegionSet{}
	total := 0
	for i := range min(n, data.Images.N) {
		p := Proposals(data, i, maxProposals, ss)
		total += len(p)
		fg, bg := labelRegions(i, p, objectsOf(data.Objects[i]))
		s.fg, s.bg = append(s.fg, fg...), append(s.bg, bg...)
	}
	s.ProposalsPerImage = float64(total) / float64(max(min(n, data.Images.N), 1))
	return s
}

// TrainRCNN trains RCNNModel on warped regions of the regions' images and returns the trained context
// and the loss of every step.
func TrainRCNN(b backends.Backend, cfg RCNNConfig, data *datasets.Detection, regions *RegionSet, progressTo io.Writer) (*context.Context, []float64, error) {
	progress.StartPart(progressTo, "R-CNN")
	if len(regions.fg) == 0 {
		return nil, nil, fmt.Errorf("detection: R-CNN: no object regions to train on")
	}
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, nil, fmt.Errorf("detection: seeding: %w", err)
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		logits, deltas := RCNNModel(ctx, cfg, inputs[0])
		return []*graph.Node{logits, deltas}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, regionLoss, optimizers.Adam().LearningRate(cfg.LearningRate).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x4c7))
	size := cfg.Warp * cfg.Warp
	rb := newRegionBatch(cfg.BatchSize, size)
	var picks []region
	var losses []float64
	start := time.Now()
	for step := range cfg.Steps {
		picks = sampleRegions(rng, regions.fg, regions.bg, cfg.BatchSize, cfg.FgFraction, picks)
		for k, r := range picks {
			copy(rb.x[k*size:], detect.WarpRegion(imageOf(data, r.image), r.box, cfg.Warp, cfg.Context))
			rb.setLabel(k, r)
		}
		out, err := trainer.TrainStep(nil,
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(rb.x, cfg.BatchSize, cfg.Warp, cfg.Warp, 1)},
			rb.labelTensors(cfg.BatchSize))
		if err != nil {
			return nil, nil, fmt.Errorf("detection: R-CNN training step %d: %w", step, err)
		}
		losses = append(losses, float64(tensors.ToScalar[float32](out[0])))
		if !progress.Step(progressTo, losses[step]) && progressTo != nil && (step%50 == 0 || step == cfg.Steps-1) {
			fmt.Fprintf(progressTo, "detection: R-CNN step %d/%d loss %.3f (%.1fs)\n", step+1, cfg.Steps, losses[step], time.Since(start).Seconds())
		}
	}
	return ctx, losses, nil
}

// RCNNScoreThreshold is the class probability below which a region's class is dropped before NMS.
const RCNNScoreThreshold = 0.02

// regionDetections turns classified regions into detections: for each region and digit class with
// probability > RCNNScoreThreshold, the region moved by that class's box deltas and clipped to the
// image. probs are [n, C + 1] softmax outputs, deltas [n, 4C] (normalised).
func regionDetections(boxes []detect.Box, probs, deltas []float32, width, height float32) []detect.Detection {
	var out []detect.Detection
	for k, box := range boxes {
		for c := range numDigits {
			p := probs[k*(numDigits+1)+c]
			if !(p > RCNNScoreThreshold) {
				continue
			}
			var d [4]float32
			for j := range 4 {
				d[j] = deltas[k*4*numDigits+4*c+j] * deltaStd[j]
			}
			b := detect.ApplyDelta(box, d).Clip(width, height)
			if !b.Empty() {
				out = append(out, detect.Detection{Box: b, Class: c, Score: p})
			}
		}
	}
	return out
}

// rcnnChunk is the number of warped regions per inference call; the last chunk is padded so that the
// graph compiles once.
const rcnnChunk = 128

// rcnnRunner runs the trained R-CNN at inference on warped proposals.
type rcnnRunner struct {
	exec *context.Exec
	cfg  RCNNConfig
	x    []float32
}

func newRCNNRunner(b backends.Backend, ctx *context.Context, cfg RCNNConfig) (*rcnnRunner, error) {
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		hidden := regionHidden(ctx, rcnnStages(ctx, cfg, x), cfg.Hidden)
		logits, deltas := layers.Dense(ctx.In("cls"), hidden, true, numDigits+1), layers.Dense(ctx.In("bbox"), hidden, true, 4*numDigits)
		return graph.Softmax(logits, -1), deltas, hidden
	})
	if err != nil {
		return nil, fmt.Errorf("detection: building the R-CNN inference graph: %w", err)
	}
	r := &rcnnRunner{exec: exec, cfg: cfg, x: make([]float32, rcnnChunk*cfg.Warp*cfg.Warp)}
	if _, err := r.exec.Exec(r.input()); err != nil { // compiles before any clock starts
		return nil, fmt.Errorf("detection: R-CNN inference: %w", err)
	}
	return r, nil
}

func (r *rcnnRunner) input() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(r.x, rcnnChunk, r.cfg.Warp, r.cfg.Warp, 1)
}

// run warps and classifies boxes of img: class probabilities [n, C + 1], deltas [n, 4C] and the
// hidden features [n, Hidden].
func (r *rcnnRunner) run(img detect.Image, boxes []detect.Box) (probs, deltas, hidden []float32, err error) {
	size := r.cfg.Warp * r.cfg.Warp
	for s := 0; s < len(boxes); s += rcnnChunk {
		n := min(rcnnChunk, len(boxes)-s)
		clear(r.x)
		for k := range n {
			copy(r.x[k*size:], detect.WarpRegion(img, boxes[s+k], r.cfg.Warp, r.cfg.Context))
		}
		res, err := r.exec.Exec(r.input())
		if err != nil {
			return nil, nil, nil, fmt.Errorf("detection: R-CNN inference: %w", err)
		}
		var out [3][]float32
		for j, width := range []int{numDigits + 1, 4 * numDigits, r.cfg.Hidden} {
			v, err := tensors.CopyFlatData[float32](res[j])
			if err != nil {
				return nil, nil, nil, err
			}
			out[j] = v[:n*width]
		}
		probs, deltas, hidden = append(probs, out[0]...), append(deltas, out[1]...), append(hidden, out[2]...)
	}
	return probs, deltas, hidden, nil
}

// EvaluateRCNN runs the trained R-CNN on the validation images and measures it: per image, selective
// search, every proposal warped and classified, per-class box regression, class-wise NMS at
// YOLONMSThreshold; then mAP@0.5, COCO mAP and images/s (everything from pixels to detections; the
// graph is compiled before the clock starts). Detections are scored by the softmax, or by svms when
// not nil (R-CNN as its paper: the model is then named "R-CNN (SVM)").
// It also returns each image's detections.
func EvaluateRCNN(b backends.Backend, ctx *context.Context, cfg RCNNConfig, val *datasets.Detection, svms *ClassSVMs) (ModelStats, [][]detect.Detection, error) {
	runner, err := newRCNNRunner(b, ctx, cfg)
	if err != nil {
		return ModelStats{}, nil, err
	}
	name := "R-CNN"
	if svms != nil {
		name = "R-CNN (SVM)"
	}
	W, H := float32(val.Images.Width), float32(val.Images.Height)
	e, err := evaluateRegions(name, val, true, func(i int) ([]detect.Box, error) {
		return Proposals(val, i, cfg.MaxProposals, cfg.SelectiveSearch), nil
	}, func(i int, boxes []detect.Box) ([]detect.Detection, error) {
		probs, deltas, hidden, err := runner.run(imageOf(val, i), boxes)
		if err != nil {
			return nil, err
		}
		if svms != nil {
			return svms.detections(boxes, hidden, deltas, W, H), nil
		}
		return regionDetections(boxes, probs, deltas, W, H), nil
	})
	return e.stats, e.dets, err
}
