package detection

import (
	"math/rand/v2"
	"slices"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// SimulateDetector returns the boxes a detector that has learned the objects but not NMS might fire on
// one image: for each object, its box and duplicates more copies, each corner shifted by up to
// jitter times the object's size, all with the object's class and scores in [0.5, 1); plus
// falsePositives random boxes of random classes in [0, classes) with scores in [0.3, 0.8). Boxes are
// clipped to the width x height image.
func SimulateDetector(r *rand.Rand, objects []detect.Object, duplicates int, jitter float32, falsePositives, classes int,
	width, height float32) []detect.Detection {
	var out []detect.Detection
	shift := func(size float32) float32 { return (2*r.Float32() - 1) * jitter * size }
	for _, o := range objects {
		w, h := o.Box.Width(), o.Box.Height()
		for range duplicates + 1 {
			b := detect.Box{X1: o.Box.X1 + shift(w), Y1: o.Box.Y1 + shift(h), X2: o.Box.X2 + shift(w), Y2: o.Box.Y2 + shift(h)}
			out = append(out, detect.Detection{Box: b.Clip(width, height), Class: o.Class, Score: 0.5 + 0.5*r.Float32()})
		}
	}
	for range falsePositives {
		s := 16 + r.Float32()*24
		x, y := r.Float32()*(width-s), r.Float32()*(height-s)
		out = append(out, detect.Detection{Box: detect.Box{X1: x, Y1: y, X2: x + s, Y2: y + s}, Class: r.IntN(classes),
			Score: 0.3 + 0.5*r.Float32()})
	}
	return out
}

// ApplyNMS returns the detections that class-wise NMS keeps (detect.BatchedNMS), by decreasing score.
func ApplyNMS(dets []detect.Detection, iouThreshold float32) []detect.Detection {
	boxes := make([]detect.Box, len(dets))
	scores := make([]float32, len(dets))
	classes := make([]int, len(dets))
	for i, d := range dets {
		boxes[i], scores[i], classes[i] = d.Box, d.Score, d.Class
	}
	keep := detect.BatchedNMS(boxes, scores, classes, iouThreshold)
	out := make([]detect.Detection, len(keep))
	for i, k := range keep {
		out[i] = dets[k]
	}
	return out
}

// countMatches ranks one image's detections by score and counts true positives (same class,
// IoU >= 0.5 with an unmatched object; the best such object is taken) and duplicates (no unmatched
// object left, but IoU >= 0.5 with an already matched one of the class).
func countMatches(dets []detect.Detection, objects []detect.Object) (tp, dup int) {
	order := make([]int, len(dets))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case dets[a].Score > dets[b].Score:
			return -1
		case dets[a].Score < dets[b].Score:
			return 1
		}
		return 0
	})
	matched := make([]bool, len(objects))
	for _, i := range order {
		d := dets[i]
		best, bestIoU, covered := -1, float32(0.5), false
		for j, o := range objects {
			if o.Class != d.Class {
				continue
			}
			iou := detect.IoU(d.Box, o.Box)
			if iou < 0.5 {
				continue
			}
			covered = true
			if !matched[j] && iou >= bestIoU {
				best, bestIoU = j, iou
			}
		}
		switch {
		case best >= 0:
			matched[best] = true
			tp++
		case covered:
			dup++
		}
	}
	return tp, dup
}

// toMetrics converts ground truth and detections of image i for package metrics.
func toMetrics(i int, objects []detect.Object, dets []detect.Detection, gts []metrics.GroundTruth, dts []metrics.Detection,
	agnostic bool) ([]metrics.GroundTruth, []metrics.Detection) {
	cat := func(c int) int64 {
		if agnostic {
			return 0
		}
		return int64(c)
	}
	for _, o := range objects {
		x, y, w, h := o.Box.XYWH()
		box := metrics.COCOBox{float64(x), float64(y), float64(w), float64(h)}
		gts = append(gts, metrics.GroundTruth{ID: int64(len(gts) + 1), Image: int64(i), Category: cat(o.Class), Box: box, Area: box.Area()})
	}
	for _, d := range dets {
		x, y, w, h := d.Box.XYWH()
		dts = append(dts, metrics.Detection{Image: int64(i), Category: cat(d.Class),
			Box: metrics.COCOBox{float64(x), float64(y), float64(w), float64(h)}, Score: float64(d.Score)})
	}
	return gts, dts
}

// exampleImage is one image with its detections before and after NMS, for the figures.
type exampleImage struct {
	pixels        []float32
	width, height int
	objects       []detect.Object
	before, after []detect.Detection
}

func (r *Report) runNMS(cfg Config, val *datasets.Detection) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xde7ec7))
	w, h := float32(val.Images.Width), float32(val.Images.Height)
	classes := len(val.Images.ClassNames)
	var gts, gtsAgn []metrics.GroundTruth
	var before, after, beforeAgn, afterAgn []metrics.Detection
	for i := range cfg.Images {
		objects := objectsOf(val.Objects[i])
		dets := SimulateDetector(rng, objects, cfg.Duplicates, cfg.Jitter, cfg.FalsePositives, classes, w, h)
		kept := ApplyNMS(dets, cfg.NMSThreshold)
		if i == 0 {
			r.example = exampleImage{pixels: val.Images.Image(i), width: val.Images.Width, height: val.Images.Height,
				objects: objects, before: dets, after: kept}
		}
		r.Objects += len(objects)
		for _, s := range []struct {
			stats *DetectionStats
			dets  []detect.Detection
		}{{&r.Before, dets}, {&r.After, kept}} {
			tp, dup := countMatches(s.dets, objects)
			s.stats.Detections += len(s.dets)
			s.stats.TruePositives += tp
			s.stats.Duplicates += dup
		}
		gts, before = toMetrics(i, objects, dets, gts, before, false)
		_, after = toMetrics(i, nil, kept, nil, after, false)
		gtsAgn, beforeAgn = toMetrics(i, objects, dets, gtsAgn, beforeAgn, true)
		_, afterAgn = toMetrics(i, nil, kept, nil, afterAgn, true)
	}
	r.Before.MeanAP, _ = metrics.MeanAP(gts, before, 0.5, metrics.AllPoints)
	r.After.MeanAP, _ = metrics.MeanAP(gts, after, 0.5, metrics.AllPoints)
	rb, pb := metrics.DetectionCurve(gtsAgn, beforeAgn, 0, 0.5)
	ra, pa := metrics.DetectionCurve(gtsAgn, afterAgn, 0, 0.5)
	r.curves = [2][2][]float64{{rb, pb}, {ra, pa}}
	return nil
}
