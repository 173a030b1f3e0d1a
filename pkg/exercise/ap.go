package exercise

import (
	"fmt"
	"slices"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// CheckAP checks ap, the student's average precision of one class, on 40 cases against
// [metrics.AP] with [metrics.AllPoints]: the area under the interpolated precision-recall curve of
// PASCAL VOC2010 and later (Everingham et al., IJCV 2010; the VOC devkit's VOCap). recall[k] and
// precision[k] are the values after the k+1 best-scoring detections (recall never decreases). The
// interpolated precision at recall r is the largest precision at any recall >= r; AP sums, over every
// step where recall grows, the step's width times the interpolated precision at its end. The curve
// starts at recall 0; no detections give AP 0. Answers within 1e-9 pass.
func CheckAP(ap func(recall, precision []float64) float64) Result {
	return apSpec.check(apCases(), func(c [2][]float64) float64 { return ap(c[0], c[1]) })
}

var apSpec = spec[[2][]float64, float64]{
	name:  "AP",
	call:  func(c [2][]float64) string { return fmt.Sprintf("AP(recall=%s, precision=%s)", nums(c[0]), nums(c[1])) },
	want:  func(c [2][]float64) float64 { return metrics.AP(c[0], c[1], metrics.AllPoints) },
	diff:  func(got, want float64) string { return diffFloat(got, want, 1e-9) },
	clone: func(c [2][]float64) [2][]float64 { return [2][]float64{slices.Clone(c[0]), slices.Clone(c[1])} },
	mistakes: []mistake[[2][]float64, float64]{
		{"interpolate first: at each recall use the largest precision at that recall or any higher one " +
			"(the upper envelope), so a dip in precision followed by a rise does not count",
			func(c [2][]float64) float64 { return apSteps(c, false, true) }},
		{"the curve starts at recall 0: the first detection's step, from 0 to recall[0], counts too",
			func(c [2][]float64) float64 { return apSteps(c, true, false) }},
		{"this is the all-point AP (VOC2010+), not VOC2007's mean of 11 points",
			func(c [2][]float64) float64 { return metrics.AP(c[0], c[1], metrics.VOC11Point) }},
		{"AP is an area: weight each precision by the recall step, do not average the precisions",
			func(c [2][]float64) float64 {
				if len(c[1]) == 0 {
					return 0
				}
				s := 0.0
				for _, p := range c[1] {
					s += p
				}
				return s / float64(len(c[1]))
			}},
	},
}

// apCases returns the hand-picked curves, then random ones: 1 to 6 objects, 1 to 12 detections, each a
// true positive with a random probability while objects are left.
func apCases() [][2][]float64 {
	cases := [][2][]float64{
		curve(2, true, false, true),                // recall [0.5 0.5 1], precision [1 0.5 0.667]: 0.833
		curve(3, true, false, false, true, true),   // a dip, then a rise: envelope 0.733, raw 0.7
		curve(1),                                   // no detections: 0
		curve(2, false, true, false, true),         // starts with a false positive: 0.5
		curve(4, true, true, false, false),         // half the objects found: 0.5
		curve(3, true, true, true),                 // perfect: 1
		curve(2, false, false, false, false, true), // one hit, last: 0.1
	}
	r := newRand(7)
	for len(cases) < 40 {
		objects, n := 1+r.IntN(6), 1+r.IntN(12)
		hitRate := 0.2 + 0.7*r.Float64()
		hits := make([]bool, n)
		found := 0
		for k := range hits {
			if found < objects && r.Float64() < hitRate {
				hits[k] = true
				found++
			}
		}
		cases = append(cases, curve(objects, hits...))
	}
	return cases
}

// curve returns the recall and precision after each detection of a ranked list (true for a true
// positive) against the given number of objects.
func curve(objects int, hits ...bool) [2][]float64 {
	recall, precision := []float64{}, []float64{}
	tp := 0
	for k, hit := range hits {
		if hit {
			tp++
		}
		recall = append(recall, float64(tp)/float64(objects))
		precision = append(precision, float64(tp)/float64(k+1))
	}
	return [2][]float64{recall, precision}
}

// apSteps sums the recall steps times the precision at their end, with or without the upper envelope
// (envelope), counting or skipping the first step from recall 0 (fromZero).
func apSteps(c [2][]float64, envelope, fromZero bool) float64 {
	rec, prec := c[0], slices.Clone(c[1])
	if envelope {
		for i := len(prec) - 1; i > 0; i-- {
			prec[i-1] = max(prec[i-1], prec[i])
		}
	}
	area := 0.0
	for i := range rec {
		switch {
		case i > 0:
			area += (rec[i] - rec[i-1]) * prec[i]
		case fromZero:
			area += rec[0] * prec[0]
		}
	}
	return area
}
