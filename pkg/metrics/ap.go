package metrics

import (
	"fmt"
	"math"
	"slices"
)

// Interpolation selects how AP integrates a precision-recall curve.
type Interpolation int

const (
	// VOC11Point is PASCAL VOC2007's AP: the mean of the interpolated precision (the largest
	// precision at recall >= r) at the 11 recall points r = 0, 0.1, ..., 1.
	VOC11Point Interpolation = iota
	// AllPoints is PASCAL VOC2010 and later: the exact area under the interpolated
	// (monotonically non-increasing) precision-recall curve.
	AllPoints
	// COCO101Point is COCO's AP: the interpolated precision read at the first rank whose recall
	// reaches each of the 101 recall points 0, 0.01, ..., 1 (0 beyond the last recall), averaged.
	COCO101Point
)

// String returns the interpolation's name.
func (i Interpolation) String() string {
	switch i {
	case VOC11Point:
		return "VOC11Point"
	case AllPoints:
		return "AllPoints"
	case COCO101Point:
		return "COCO101Point"
	}
	return fmt.Sprintf("Interpolation(%d)", int(i))
}

// AP returns the average precision of a ranked list of detections: recall[k] and precision[k] are
// the values after the first k+1 detections (recall non-decreasing). An empty list gives 0. It
// panics when the lengths differ or the interpolation is unknown; the inputs are not modified.
func AP(recall, precision []float64, interp Interpolation) float64 {
	if len(recall) != len(precision) {
		panic(fmt.Sprintf("metrics: AP of %d recall and %d precision values", len(recall), len(precision)))
	}
	switch interp {
	case VOC11Point:
		// VOC2007 devkit: for t in np.arange(0, 1.1, 0.1): max(prec[rec >= t]) or 0.
		sum := 0.0
		for i := 0; i <= 10; i++ {
			t := float64(i) * 0.1
			p := 0.0
			for k, r := range recall {
				if r >= t {
					p = math.Max(p, precision[k])
				}
			}
			sum += p / 11
		}
		return sum
	case AllPoints:
		// VOC2010+ devkit: pad with (0, 0) and (1, 0), take the envelope, sum the rectangles.
		mrec := append(append([]float64{0}, recall...), 1)
		mpre := append(append([]float64{0}, precision...), 0)
		for i := len(mpre) - 1; i > 0; i-- {
			mpre[i-1] = math.Max(mpre[i-1], mpre[i])
		}
		area := 0.0
		for i := 1; i < len(mrec); i++ {
			if mrec[i] != mrec[i-1] {
				area += (mrec[i] - mrec[i-1]) * mpre[i]
			}
		}
		return area
	case COCO101Point:
		q := interpolate101(recall, slices.Clone(precision), recallPoints101())
		sum := 0.0
		for _, v := range q {
			sum += v
		}
		return sum / float64(len(q))
	}
	panic(fmt.Sprintf("metrics: unknown Interpolation %d", int(interp)))
}

// DetectionCurve ranks the detections of one category over all images by decreasing score (ties
// in input order) and returns recall and precision after each, matching at IoU >= iouThr with
// COCO's rules (see the package conventions; COCO's "all" area range [0, 1e10], no limit on
// detections per image).
// Detections matched to crowd ground truths stay in the list but count neither way. Precision is
// TP/(TP+FP+ε) with ε = 2.2e-16, as in pycocotools. When the category has no non-crowd ground
// truth, recall is 0 throughout.
func DetectionCurve(gts []GroundTruth, dts []Detection, category int64, iouThr float64) (recall, precision []float64) {
	cells := singleCategoryCells(gts, dts, category)
	p := singleThresholdParams(iouThr)
	evals := evaluateCells(gts, dts, cells, &p)[0]
	refs := rankDetections(evals, math.MaxInt)
	npig := 0
	for _, c := range evals {
		npig += c.npig
	}
	recall = make([]float64, len(refs))
	precision = make([]float64, len(refs))
	if npig == 0 {
		return recall, precision
	}
	rankedPR(evals, refs, npig, 0, recall, precision)
	return recall, precision
}

// MeanAP returns the mean over categories of AP at one IoU threshold, and each category's AP.
// Matching follows [DetectionCurve]; only categories with at least one non-crowd ground truth are
// averaged (detections of other categories are ignored); with no such category the mean is -1.
// With COCO101Point and iouThr 0.5 it equals EvaluateCOCO's AP50 whenever no image has more than
// 100 detections of a category.
func MeanAP(gts []GroundTruth, dts []Detection, iouThr float64, interp Interpolation) (mean float64, perCategory map[int64]float64) {
	var cats []int64
	seen := map[int64]bool{}
	for _, g := range gts {
		if !g.Crowd && !seen[g.Category] {
			seen[g.Category] = true
			cats = append(cats, g.Category)
		}
	}
	slices.Sort(cats)
	perCategory = make(map[int64]float64, len(cats))
	if len(cats) == 0 {
		return -1, perCategory
	}
	sum := 0.0
	for _, c := range cats {
		r, p := DetectionCurve(gts, dts, c, iouThr)
		ap := AP(r, p, interp)
		perCategory[c] = ap
		sum += ap
	}
	return sum / float64(len(cats)), perCategory
}

// singleThresholdParams evaluates one IoU threshold over all areas with no detection limit.
func singleThresholdParams(iouThr float64) evalParams {
	return evalParams{
		iouThrs: []float64{iouThr},
		recThrs: recallPoints101(),
		areas:   [][2]float64{{0, 1e10}}, // COCO's "all" range
		maxDets: []int{math.MaxInt},
	}
}

// singleCategoryCells groups one category's ground truths and detections by image, in increasing
// image id order.
func singleCategoryCells(gts []GroundTruth, dts []Detection, category int64) []cell {
	byImage := map[int64]*cell{}
	var ids []int64
	get := func(id int64) *cell {
		c, ok := byImage[id]
		if !ok {
			c = &cell{}
			byImage[id] = c
			ids = append(ids, id)
		}
		return c
	}
	for i, g := range gts {
		if g.Category == category {
			get(g.Image).gts = append(get(g.Image).gts, i)
		}
	}
	for i, d := range dts {
		if d.Category == category {
			get(d.Image).dts = append(get(d.Image).dts, i)
		}
	}
	slices.Sort(ids)
	cells := make([]cell, len(ids))
	for k, id := range ids {
		cells[k] = *byImage[id]
	}
	return cells
}
