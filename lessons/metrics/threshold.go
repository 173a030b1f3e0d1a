package metrics

import (
	"fmt"
	"math"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

// Thresholds returns the thresholds of the report's sweep (0.05, 0.10, ..., 0.95): the values of
// the notebook's threshold slider.
func (r Report) Thresholds() []float64 {
	out := make([]float64, len(r.Sweep))
	for i, s := range r.Sweep {
		out[i] = s.Threshold
	}
	return out
}

// sweepPoint returns the sweep point at threshold t (within 1e-9), after checking that its four
// counts add up to the test images.
func (r Report) sweepPoint(t float64) (ThresholdScores, error) {
	for _, s := range r.Sweep {
		if math.Abs(s.Threshold-t) > 1e-9 {
			continue
		}
		if n := s.TP + s.FP + s.FN + s.TN; n != r.TestSamples || n == 0 {
			return ThresholdScores{}, fmt.Errorf("metrics lesson: threshold %.2f: the confusion counts add up to %d, want the %d test images "+
				"(a report saved before the counts were recorded? run the lesson again)", t, n, r.TestSamples)
		}
		return s, nil
	}
	return ThresholdScores{}, fmt.Errorf("metrics lesson: no sweep point at threshold %v, want one of %v", t, r.Thresholds())
}

// ThresholdView is what the notebook's threshold slider shows at threshold t (one of Thresholds):
// the yes/no detector "is it PositiveClass?", which says yes when the class's probability is >= t,
// with its precision, recall and F1 and its 2x2 confusion matrix, as text and as a heat map (rows
// the truth, columns the prediction, scikit-learn 1.2's layout).
func (r Report) ThresholdView(t float64) (string, *plot.Figure, error) {
	s, err := r.sweepPoint(t)
	if err != nil {
		return "", nil, err
	}
	c := r.PositiveClass
	var sb strings.Builder
	fmt.Fprintf(&sb, "Is it a %s? \"yes\" when P(%s) >= %.2f\n\n", c, c, s.Threshold)
	if s.Predicted == 0 {
		fmt.Fprintf(&sb, "precision undefined: nothing predicted \"yes\" (reported as 0)\n")
	} else {
		fmt.Fprintf(&sb, "precision %.3f = TP / (TP + FP) = %d / %d\n", s.Precision, s.TP, s.TP+s.FP)
	}
	fmt.Fprintf(&sb, "recall    %.3f = TP / (TP + FN) = %d / %d\n", s.Recall, s.TP, s.TP+s.FN)
	fmt.Fprintf(&sb, "F1        %.3f = 2TP / (2TP + FP + FN) = %d / %d\n\n", s.F1, 2*s.TP, 2*s.TP+s.FP+s.FN)
	notC, predNo, predYes := "not "+c, "predicted no", "predicted yes"
	w := max(len(notC), len(c))
	fmt.Fprintf(&sb, "%-*s  %13s  %13s\n", w, "", predNo, predYes)
	fmt.Fprintf(&sb, "%-*s  %10d TN  %10d FP\n", w, notC, s.TN, s.FP)
	fmt.Fprintf(&sb, "%-*s  %10d FN  %10d TP\n", w, c, s.FN, s.TP)
	fig, err := plot.Heatmap(plot.Labels{Title: fmt.Sprintf("Is it a %s? threshold %.2f", c, s.Threshold), X: "prediction", Y: "truth"},
		[]string{notC, c}, []string{"no", "yes"},
		[][]float64{{float64(s.TN), float64(s.FP)}, {float64(s.FN), float64(s.TP)}})
	if err != nil {
		return "", nil, err
	}
	return sb.String(), fig, nil
}

// ThresholdTable prints one line per threshold (each one of Thresholds): the four counts of the
// yes/no confusion matrix and the three scores. A headless run of the notebook prints it in place of
// the slider.
func (r Report) ThresholdTable(ts ...float64) (string, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Is it a %s? \"yes\" when P(%s) >= threshold\n", r.PositiveClass, r.PositiveClass)
	fmt.Fprintf(&sb, "%9s %6s %6s %6s %6s %9s %7s %6s\n", "threshold", "TP", "FP", "FN", "TN", "precision", "recall", "F1")
	for _, t := range ts {
		s, err := r.sweepPoint(t)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&sb, "%9.2f %6d %6d %6d %6d %9.3f %7.3f %6.3f\n", s.Threshold, s.TP, s.FP, s.FN, s.TN, s.Precision, s.Recall, s.F1)
	}
	return sb.String(), nil
}
