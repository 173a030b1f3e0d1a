package metrics

import (
	"fmt"
	"math"
)

// ZeroDivision says what precision, recall or F1 becomes when its denominator is zero (a label
// never predicted, or never present), following scikit-learn's zero_division parameter.
type ZeroDivision int

const (
	// ZeroDivisionWarn gives 0 and sets Scores.IllDefined: scikit-learn's default "warn".
	ZeroDivisionWarn ZeroDivision = iota
	// ZeroDivisionZero gives 0 without a warning (zero_division=0).
	ZeroDivisionZero
	// ZeroDivisionOne gives 1 (zero_division=1).
	ZeroDivisionOne
	// ZeroDivisionNaN gives NaN, which averages then leave out (zero_division=np.nan,
	// scikit-learn 1.3 and later). F1 is NaN only when the label is neither present nor predicted.
	ZeroDivisionNaN
)

func (z ZeroDivision) value() float64 {
	switch z {
	case ZeroDivisionOne:
		return 1
	case ZeroDivisionNaN:
		return math.NaN()
	}
	return 0
}

// String returns the scikit-learn spelling of the policy: "warn", "0", "1" or "nan".
func (z ZeroDivision) String() string {
	switch z {
	case ZeroDivisionWarn:
		return "warn"
	case ZeroDivisionZero:
		return "0"
	case ZeroDivisionOne:
		return "1"
	case ZeroDivisionNaN:
		return "nan"
	}
	return fmt.Sprintf("ZeroDivision(%d)", int(z))
}

// Average selects how per-label scores are combined into one.
type Average int

const (
	// Macro is the unweighted mean over labels.
	Macro Average = iota
	// Micro computes the scores from the counts summed over labels; for single-label data all
	// three equal the accuracy.
	Micro
	// Weighted is the mean over labels weighted by each label's support.
	Weighted
)

// String returns the name scikit-learn gives the average: "macro", "micro" or "weighted".
func (a Average) String() string {
	switch a {
	case Macro:
		return "macro"
	case Micro:
		return "micro"
	case Weighted:
		return "weighted"
	}
	return fmt.Sprintf("Average(%d)", int(a))
}

// Scores are precision, recall and F1 for one label or one average.
type Scores struct {
	Precision, Recall, F1 float64
	// Support is the number of samples whose true label is the label (for averages: all samples).
	Support int
	// IllDefined reports that a zero denominator was replaced by 0 under ZeroDivisionWarn, where
	// scikit-learn emits an UndefinedMetricWarning.
	IllDefined bool
}

// prf computes the scores from counts: tp, tp+fp (predicted) and tp+fn (actual).
func prf(tp, predicted, actual float64, zd ZeroDivision) Scores {
	var s Scores
	if predicted == 0 {
		s.Precision = zd.value()
		s.IllDefined = zd == ZeroDivisionWarn
	} else {
		s.Precision = tp / predicted
	}
	if actual == 0 {
		s.Recall = zd.value()
		s.IllDefined = s.IllDefined || zd == ZeroDivisionWarn
	} else {
		s.Recall = tp / actual
	}
	if zd == ZeroDivisionNaN {
		// scikit-learn 1.3: F = 2TP / (2TP + FP + FN), NaN only when that denominator is 0.
		if predicted+actual == 0 {
			s.F1 = math.NaN()
		} else {
			s.F1 = 2 * tp / (predicted + actual)
		}
		return s
	}
	// scikit-learn 1.2 computes F from the already replaced precision and recall; the same
	// arithmetic keeps the last bit (and so the printed rounding) identical.
	denom := s.Precision + s.Recall
	if denom == 0 {
		denom = 1
	}
	s.F1 = 2 * s.Precision * s.Recall / denom
	return s
}

// PerClass returns the scores of every label, in the order of Labels(), like scikit-learn's
// precision_recall_fscore_support(average=None).
func (cm *ConfusionMatrix) PerClass(zd ZeroDivision) []Scores {
	out := make([]Scores, len(cm.labels))
	for i := range cm.labels {
		tp, predicted, actual := cm.classCounts(i)
		out[i] = prf(float64(tp), float64(predicted), float64(actual), zd)
		out[i].Support = actual
	}
	return out
}

// Averaged returns the scores combined over all labels with the given average, like
// precision_recall_fscore_support(average="macro"|"micro"|"weighted"). Support is the total.
// Under ZeroDivisionNaN, NaN per-label values are left out of macro and weighted means.
func (cm *ConfusionMatrix) Averaged(avg Average, zd ZeroDivision) Scores {
	per := cm.PerClass(zd)
	var out Scores
	switch avg {
	case Micro:
		var tp, predicted, actual int
		for i := range cm.labels {
			t, p, a := cm.classCounts(i)
			tp, predicted, actual = tp+t, predicted+p, actual+a
		}
		out = prf(float64(tp), float64(predicted), float64(actual), zd)
	case Macro, Weighted:
		weights := make([]float64, len(per))
		totalWeight := 0.0
		for i, s := range per {
			weights[i] = 1
			if avg == Weighted {
				weights[i] = float64(s.Support)
			}
			totalWeight += weights[i]
			out.IllDefined = out.IllDefined || s.IllDefined
		}
		if avg == Weighted && totalWeight == 0 {
			// scikit-learn: no true samples of any label (possible only with a given label set).
			z := zd.value()
			if zd == ZeroDivisionWarn {
				z = 0
			}
			return Scores{Precision: z, Recall: z, F1: z, IllDefined: out.IllDefined}
		}
		out.Precision = weightedMean(per, weights, func(s Scores) float64 { return s.Precision })
		out.Recall = weightedMean(per, weights, func(s Scores) float64 { return s.Recall })
		out.F1 = weightedMean(per, weights, func(s Scores) float64 { return s.F1 })
	default:
		panic(fmt.Sprintf("metrics: unknown Average %d", int(avg)))
	}
	out.Support = cm.total
	return out
}

// weightedMean is numpy's average(values, weights) with NaN values (and their weights) left out;
// it is NaN when every value is NaN.
func weightedMean(per []Scores, weights []float64, get func(Scores) float64) float64 {
	sum, wsum := 0.0, 0.0
	n := 0
	for i, s := range per {
		v := get(s)
		if math.IsNaN(v) {
			continue
		}
		sum += v * weights[i]
		wsum += weights[i]
		n++
	}
	if n == 0 || wsum == 0 {
		return math.NaN()
	}
	return sum / wsum
}

// Binary returns the scores of the positive label alone, like precision_recall_fscore_support(
// average="binary", pos_label=positive). It returns an error when the matrix has more than two
// labels, or two labels of which none is positive. A positive label absent from a matrix of one
// label is allowed (scikit-learn allows it too) and scores as a label with no samples.
func (cm *ConfusionMatrix) Binary(positive string, zd ZeroDivision) (Scores, error) {
	if len(cm.labels) > 2 {
		return Scores{}, fmt.Errorf("metrics: binary scores need at most 2 labels, got %d: %q", len(cm.labels), cm.labels)
	}
	i, ok := cm.index[positive]
	if !ok {
		if len(cm.labels) == 2 {
			return Scores{}, fmt.Errorf("metrics: positive label %q is not one of %q", positive, cm.labels)
		}
		s := prf(0, 0, 0, zd)
		return s, nil
	}
	tp, predicted, actual := cm.classCounts(i)
	s := prf(float64(tp), float64(predicted), float64(actual), zd)
	s.Support = actual
	return s, nil
}
