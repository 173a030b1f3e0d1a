package detection

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// SVMConfig sets how R-CNN's per-class linear SVMs are trained on the fine-tuned network's features
// (Girshick et al. 2014, section 2.3 and appendix B; the values are those of the authors' MATLAB code,
// rcnn_train.m, unless said otherwise).
type SVMConfig struct {
	// C is the hinge loss's weight (svm_C = 1e-3) and PositiveWeight multiplies it for positives
	// (pos_loss_weight = 2).
	C, PositiveWeight float64
	// FeatureNorm is the mean L2 norm the features are scaled to (20) and BiasMult the constant
	// feature that carries the bias (bias_mult = 10).
	FeatureNorm, BiasMult float64
	// NegativeIoU: a region is a negative for class c when its IoU with every ground-truth box of
	// class c is below it (0.3, the paper's grid search). Positives are the ground-truth boxes only.
	NegativeIoU float32
	// HardThreshold and EvictThreshold drive hard negative mining: after each round, negatives
	// scoring above HardThreshold (-1: inside the margin) join the cache and cached ones below
	// EvictThreshold (-1.2) leave it.
	HardThreshold, EvictThreshold float64
	// Rounds of mining after the first training on InitialNegatives random negatives; Epochs of dual
	// coordinate descent per training (this course's choices: liblinear solves each training to a
	// tolerance).
	Rounds, InitialNegatives, Epochs int
	// Seed fixes the initial negatives and the coordinate order.
	Seed uint64
}

// PaperSVM returns R-CNN's SVM settings, with 3 rounds of mining from 2000 random negatives and 20
// epochs per training.
func PaperSVM() SVMConfig {
	return SVMConfig{C: 1e-3, PositiveWeight: 2, FeatureNorm: 20, BiasMult: 10, NegativeIoU: 0.3,
		HardThreshold: -1, EvictThreshold: -1.2, Rounds: 3, InitialNegatives: 2000, Epochs: 20, Seed: 1}
}

// ClassSVMs are R-CNN's one-vs-rest linear SVMs, one per digit class, on the hidden features of the
// trained R-CNN (regionHidden, the stand-in for the paper's fc7).
type ClassSVMs struct {
	// W[c] holds class c's weights on the scaled features, then the bias weight.
	W [numDigits][]float64
	// Scale multiplies the features before scoring (FeatureNorm / the training features' mean norm).
	Scale float64
	// BiasMult is the bias feature's value.
	BiasMult float64
	// Hard counts the hard negatives mined per class, over all rounds; Support the final cache's size.
	Hard, Support [numDigits]int
}

// svmScoreThreshold is the SVM score above which a region is a detection: the negative side of the
// margin, the same bound as the hard negatives'.
const svmScoreThreshold = -1

// score returns class c's score of feature vector x.
func (s *ClassSVMs) score(c int, x []float32) float64 {
	w := s.W[c]
	v := w[len(x)] * s.BiasMult
	for i, f := range x {
		v += w[i] * float64(f) * s.Scale
	}
	return v
}

// detections scores every region for every class and keeps those above svmScoreThreshold, moved by
// that class's box deltas and clipped to the image.
func (s *ClassSVMs) detections(boxes []detect.Box, hidden, deltas []float32, width, height float32) []detect.Detection {
	var out []detect.Detection
	d := len(hidden) / max(len(boxes), 1)
	for k, box := range boxes {
		x := hidden[k*d : (k+1)*d]
		for c := range numDigits {
			sc := s.score(c, x)
			if !(sc > svmScoreThreshold) {
				continue
			}
			var delta [4]float32
			for j := range 4 {
				delta[j] = deltas[k*4*numDigits+4*c+j] * deltaStd[j]
			}
			if b := detect.ApplyDelta(box, delta).Clip(width, height); !b.Empty() {
				out = append(out, detect.Detection{Box: b, Class: c, Score: float32(sc)})
			}
		}
	}
	return out
}

// svmRegion is one region's features and its IoU with the nearest ground-truth box of each class.
type svmRegion struct {
	x     []float32
	iou   [numDigits]float32
	class int // the ground-truth class for a ground-truth box, -1 for a proposal
}

// TrainRCNNSVMs extracts the trained R-CNN's features of the first images of data (its ground-truth
// boxes and selective-search proposals, as RCNNConfig sets them) and trains one SVM per class with
// hard negative mining.
func TrainRCNNSVMs(b backends.Backend, ctx *context.Context, rc RCNNConfig, cfg SVMConfig, data *datasets.Detection, progressTo io.Writer) (*ClassSVMs, error) {
	runner, err := newRCNNRunner(b, ctx, rc)
	if err != nil {
		return nil, err
	}
	var regions []svmRegion
	var norms float64
	for i := range min(rc.TrainImages, data.Images.N) {
		objects := objectsOf(data.Objects[i])
		boxes := Proposals(data, i, rc.MaxProposals, rc.SelectiveSearch)
		nProposals := len(boxes)
		for _, o := range objects {
			boxes = append(boxes, o.Box)
		}
		_, _, hidden, err := runner.run(imageOf(data, i), boxes)
		if err != nil {
			return nil, err
		}
		for k, box := range boxes {
			r := svmRegion{x: hidden[k*rc.Hidden : (k+1)*rc.Hidden], class: -1}
			if k >= nProposals {
				r.class = objects[k-nProposals].Class
			}
			for _, o := range objects {
				r.iou[o.Class] = max(r.iou[o.Class], detect.IoU(box, o.Box))
			}
			var n2 float64
			for _, f := range r.x {
				n2 += float64(f) * float64(f)
			}
			norms += math.Sqrt(n2)
			regions = append(regions, r)
		}
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("detection: R-CNN SVMs: no training regions")
	}
	mean := norms / float64(len(regions))
	if !(mean > 0) {
		return nil, fmt.Errorf("detection: R-CNN SVMs: the features are all zero")
	}
	s := &ClassSVMs{Scale: cfg.FeatureNorm / mean, BiasMult: cfg.BiasMult}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x57d))
	for c := range numDigits {
		var pos, neg []int
		for k, r := range regions {
			switch {
			case r.class == c:
				pos = append(pos, k)
			case r.iou[c] < cfg.NegativeIoU:
				neg = append(neg, k)
			}
		}
		if len(pos) == 0 {
			return nil, fmt.Errorf("detection: R-CNN SVMs: no ground-truth box of class %d in %d training images", c, rc.TrainImages)
		}
		s.W[c], s.Hard[c], s.Support[c] = s.mine(c, regions, pos, neg, cfg, rng)
		if progressTo != nil {
			fmt.Fprintf(progressTo, "detection: R-CNN SVM for class %d: %d positives, %d negatives, %d hard ones mined, %d cached\n",
				c, len(pos), len(neg), s.Hard[c], s.Support[c])
		}
	}
	return s, nil
}

// mine trains class c's SVM on the positives and a cache of negatives that hard negative mining
// grows, and returns its weights, the number of hard negatives added and the final cache size.
func (s *ClassSVMs) mine(c int, regions []svmRegion, pos, neg []int, cfg SVMConfig, rng *rand.Rand) ([]float64, int, int) {
	cache := map[int]bool{}
	for _, k := range rng.Perm(len(neg))[:min(cfg.InitialNegatives, len(neg))] {
		cache[neg[k]] = true
	}
	hard := 0
	var w []float64
	for round := 0; ; round++ {
		set := append([]int(nil), pos...)
		for _, k := range neg { // neg's order, so that the set does not depend on map order
			if cache[k] {
				set = append(set, k)
			}
		}
		w = s.train(regions, set, c, cfg, rng)
		if round == cfg.Rounds {
			break
		}
		s.W[c] = w
		added := 0
		for _, k := range neg {
			sc := s.score(c, regions[k].x)
			switch {
			case sc > cfg.HardThreshold && !cache[k]:
				cache[k] = true
				added++
			case sc < cfg.EvictThreshold && cache[k]:
				delete(cache, k)
			}
		}
		hard += added
		if added == 0 {
			break
		}
	}
	return w, hard, len(cache)
}

// train solves the L1-loss linear SVM on the regions of set (positives are those of class c) by dual
// coordinate descent (Hsieh et al. 2008, "A dual coordinate descent method for large-scale linear
// SVM", algorithm 1, the method of liblinear that R-CNN used): each epoch visits the examples in a
// random order and moves one dual variable in closed form, clipped to [0, C_i].
func (s *ClassSVMs) train(regions []svmRegion, set []int, c int, cfg SVMConfig, rng *rand.Rand) []float64 {
	d := len(regions[set[0]].x)
	w := make([]float64, d+1)
	alpha := make([]float64, len(set))
	xs := make([][]float64, len(set))
	for j, k := range set {
		x := make([]float64, d+1)
		for i, f := range regions[k].x {
			x[i] = float64(f) * s.Scale
		}
		x[d] = s.BiasMult
		xs[j] = x
	}
	order := make([]int, len(set))
	for i := range order {
		order[i] = i
	}
	for range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, j := range order {
			y, upper := -1.0, cfg.C
			if regions[set[j]].class == c {
				y, upper = 1, cfg.C*cfg.PositiveWeight
			}
			x := xs[j]
			var dot, q float64
			for i, v := range x {
				dot += w[i] * v
				q += v * v
			}
			a := min(max(alpha[j]-(y*dot-1)/q, 0), upper)
			if a == alpha[j] {
				continue
			}
			step := (a - alpha[j]) * y
			for i, v := range x {
				w[i] += step * v
			}
			alpha[j] = a
		}
	}
	return w
}
