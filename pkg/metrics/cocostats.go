package metrics

import (
	"encoding/json"
	"fmt"
	"strings"
)

// COCOStats are the twelve numbers of pycocotools' COCOeval.summarize() for bounding boxes, in the
// order of COCOeval.stats. A number with nothing to average (no ground truth in its setting) is -1.
type COCOStats struct {
	AP    float64 `json:"AP"`    // AP at IoU .50:.05:.95, all areas, maxDets 100
	AP50  float64 `json:"AP50"`  // AP at IoU .50
	AP75  float64 `json:"AP75"`  // AP at IoU .75
	APs   float64 `json:"APs"`   // AP for small objects (area <= 32²)
	APm   float64 `json:"APm"`   // AP for medium objects (32² to 96²)
	APl   float64 `json:"APl"`   // AP for large objects (area >= 96²)
	AR1   float64 `json:"AR1"`   // AR with 1 detection per image
	AR10  float64 `json:"AR10"`  // AR with 10 detections per image
	AR100 float64 `json:"AR100"` // AR with 100 detections per image
	ARs   float64 `json:"ARs"`   // AR for small objects, maxDets 100
	ARm   float64 `json:"ARm"`   // AR for medium objects
	ARl   float64 `json:"ARl"`   // AR for large objects
}

// Values returns the stats in COCOeval.stats order.
func (s COCOStats) Values() [12]float64 {
	return [12]float64{s.AP, s.AP50, s.AP75, s.APs, s.APm, s.APl, s.AR1, s.AR10, s.AR100, s.ARs, s.ARm, s.ARl}
}

// String prints the stats exactly as pycocotools' summarize() does, one line each, values to 3
// decimals.
func (s COCOStats) String() string {
	type line struct {
		ap      bool
		iou     string
		area    string
		maxDets int
	}
	lines := []line{
		{true, "0.50:0.95", "all", 100}, {true, "0.50", "all", 100}, {true, "0.75", "all", 100},
		{true, "0.50:0.95", "small", 100}, {true, "0.50:0.95", "medium", 100}, {true, "0.50:0.95", "large", 100},
		{false, "0.50:0.95", "all", 1}, {false, "0.50:0.95", "all", 10}, {false, "0.50:0.95", "all", 100},
		{false, "0.50:0.95", "small", 100}, {false, "0.50:0.95", "medium", 100}, {false, "0.50:0.95", "large", 100},
	}
	v := s.Values()
	var b strings.Builder
	for i, l := range lines {
		title, kind := "Average Precision", "(AP)"
		if !l.ap {
			title, kind = "Average Recall", "(AR)"
		}
		fmt.Fprintf(&b, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %.3f\n", title, kind, l.iou, l.area, l.maxDets, v[i])
	}
	return b.String()
}

// MarshalJSON writes the stats as one object with keys AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs
// ARm ARl.
func (s COCOStats) MarshalJSON() ([]byte, error) {
	type plain COCOStats
	return json.Marshal(plain(s))
}

// COCOEval is the result of a COCO bounding-box evaluation.
type COCOEval struct {
	// Stats are the twelve summary numbers.
	Stats COCOStats
	// Categories are the evaluated category ids, increasing.
	Categories []int64
	// CategoryAP[k] is the AP at IoU .50:.05:.95 (all areas, maxDets 100) of Categories[k], or -1
	// when the category has no non-crowd ground truth.
	CategoryAP []float64
}

// EvaluateCOCO evaluates bounding-box detections against ground truth like pycocotools'
// COCOeval(gt, dt, "bbox") followed by evaluate(), accumulate() and summarize(): every image and
// category of gt is evaluated at IoU thresholds .50:.05:.95 with maxDets 1, 10, 100 and the area
// ranges all, small, medium and large (see the package conventions for matching, ignored and crowd
// ground truths). An annotation or detection for an image or category not listed in gt is an
// error, and so is an annotation with a negative area: pycocotools errs only on a detection for an
// unlisted image and leaves the others out without a word, which hides a misnumbered file (0-based
// category ids, say) behind a low score. As in pycocotools, a match to a ground truth with id 0
// counts as no match.
// Categories are evaluated in parallel on all CPUs; the result does not depend on their number.
func EvaluateCOCO(gt *COCODataset, dts []Detection) (*COCOEval, error) {
	ix, err := indexCOCO(gt, dts)
	if err != nil {
		return nil, err
	}
	p := cocoParams()
	evals := evaluateAll(gt.Annotations, dts, ix, &p)
	const all, small, medium, large = 0, 1, 2, 3
	const det1, det10, det100 = 0, 1, 2
	const iou50, iou75 = 0, 5
	ap := func(a, m, t int) float64 { return meanPrecision(evals, a, m, t) }
	ar := func(a, m int) float64 { return meanRecall(evals, a, m) }
	out := &COCOEval{
		Stats: COCOStats{
			AP: ap(all, det100, -1), AP50: ap(all, det100, iou50), AP75: ap(all, det100, iou75),
			APs: ap(small, det100, -1), APm: ap(medium, det100, -1), APl: ap(large, det100, -1),
			AR1: ar(all, det1), AR10: ar(all, det10), AR100: ar(all, det100),
			ARs: ar(small, det100), ARm: ar(medium, det100), ARl: ar(large, det100),
		},
		Categories: ix.catIDs,
	}
	for k := range evals {
		out.CategoryAP = append(out.CategoryAP, meanPrecision(evals[k:k+1], all, det100, -1))
	}
	return out, nil
}

// meanPrecision averages precision over recall points, categories and the threshold t (all
// thresholds when t < 0), leaving out -1 entries; -1 when nothing is left.
func meanPrecision(evals []categoryEval, a, m, t int) float64 {
	sum, n := 0.0, 0
	for _, e := range evals {
		for ti, row := range e.precision[a][m] {
			if t >= 0 && ti != t {
				continue
			}
			for _, v := range row {
				if v > -1 {
					sum += v
					n++
				}
			}
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}

// meanRecall averages the final recall over thresholds and categories, leaving out -1 entries.
func meanRecall(evals []categoryEval, a, m int) float64 {
	sum, n := 0.0, 0
	for _, e := range evals {
		for _, v := range e.recall[a][m] {
			if v > -1 {
				sum += v
				n++
			}
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}
