package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// binaryCurve is scikit-learn's _binary_clf_curve: the cumulative false and true positives at each
// distinct score, taken in decreasing score order, and those scores as thresholds.
func binaryCurve(positive []bool, scores []float64) (fps, tps, thresholds []float64, err error) {
	if len(positive) != len(scores) {
		return nil, nil, nil, fmt.Errorf("metrics: %d labels but %d scores, want equal lengths", len(positive), len(scores))
	}
	if len(scores) == 0 {
		return nil, nil, nil, errors.New("metrics: no scores given, want at least one sample")
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, nil, nil, fmt.Errorf("metrics: score %d is %v, want a finite number", i, s)
		}
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	// Decreasing score; tied scores are merged below, so their order does not matter.
	slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(scores[a], scores[b]) })
	tp := 0.0
	for k, i := range order {
		if positive[i] {
			tp++
		}
		if k+1 < len(order) && scores[order[k+1]] == scores[i] {
			continue // not the last sample with this score
		}
		tps = append(tps, tp)
		fps = append(fps, float64(k+1)-tp)
		thresholds = append(thresholds, scores[i])
	}
	return fps, tps, thresholds, nil
}

// cmpDesc orders a before b when a is larger.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// PrecisionRecallCurve returns precision and recall at each distinct score used as a threshold
// (a sample is predicted positive when its score >= threshold), like scikit-learn 1.2's
// precision_recall_curve. Thresholds increase; precision and recall have one more element, the
// final point (precision 1, recall 0). When no sample is positive, recall is 1 everywhere
// (scikit-learn warns). It returns an error for mismatched lengths, empty input or a non-finite score.
func PrecisionRecallCurve(positive []bool, scores []float64) (precision, recall, thresholds []float64, err error) {
	fps, tps, thr, err := binaryCurve(positive, scores)
	if err != nil {
		return nil, nil, nil, err
	}
	n := len(tps)
	precision = make([]float64, n+1)
	recall = make([]float64, n+1)
	thresholds = make([]float64, n)
	last := tps[n-1]
	for k := 0; k < n; k++ {
		j := n - 1 - k // reversed so that recall decreases
		if ps := tps[j] + fps[j]; ps != 0 {
			precision[k] = tps[j] / ps
		}
		if last == 0 {
			recall[k] = 1
		} else {
			recall[k] = tps[j] / last
		}
		thresholds[k] = thr[j]
	}
	precision[n], recall[n] = 1, 0
	return precision, recall, thresholds, nil
}

// ROCCurve returns the false-positive rate, true-positive rate and thresholds of the ROC curve like
// scikit-learn 1.2's roc_curve(drop_intermediate=True): points that lie on a straight segment
// between their neighbours are dropped, the curve starts at (0, 0) with threshold max(score)+1, and
// thresholds decrease. A rate whose class is absent is NaN (scikit-learn warns). It returns an error
// for mismatched lengths, empty input or a non-finite score.
func ROCCurve(positive []bool, scores []float64) (fpr, tpr, thresholds []float64, err error) {
	fps, tps, thr, err := binaryCurve(positive, scores)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(fps) > 2 {
		// Keep the ends and every point where the second difference of fps or tps is non-zero.
		keep := []int{0}
		for i := 1; i < len(fps)-1; i++ {
			if fps[i+1]-2*fps[i]+fps[i-1] != 0 || tps[i+1]-2*tps[i]+tps[i-1] != 0 {
				keep = append(keep, i)
			}
		}
		keep = append(keep, len(fps)-1)
		fps, tps, thr = pick(fps, keep), pick(tps, keep), pick(thr, keep)
	}
	fps = append([]float64{0}, fps...)
	tps = append([]float64{0}, tps...)
	thresholds = append([]float64{thr[0] + 1}, thr...)
	fpr = rates(fps)
	tpr = rates(tps)
	return fpr, tpr, thresholds, nil
}

func pick(xs []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = xs[i]
	}
	return out
}

// rates divides cumulative counts by their last value, or gives NaN everywhere when it is 0.
func rates(counts []float64) []float64 {
	out := make([]float64, len(counts))
	last := counts[len(counts)-1]
	for i, c := range counts {
		if last <= 0 {
			out[i] = math.NaN()
		} else {
			out[i] = c / last
		}
	}
	return out
}

// AUC returns the area under a curve given by points (x[i], y[i]) with the trapezoidal rule, like
// scikit-learn's auc; x must be monotonic (increasing or decreasing). With fewer than two points
// the area is 0. It panics when the lengths differ.
func AUC(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("metrics: AUC of %d x values and %d y values", len(x), len(y)))
	}
	area := 0.0
	for i := 1; i < len(x); i++ {
		area += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return math.Abs(area)
}
