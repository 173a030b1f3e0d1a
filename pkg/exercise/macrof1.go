package exercise

import (
	"fmt"
	"strconv"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// CheckMacroF1 checks macroF1, the student's macro-averaged F1 of a multi-class confusion matrix, on 40
// cases against the course's [metrics.ConfusionMatrix.Averaged] with [metrics.Macro], which matches
// scikit-learn 1.2's f1_score(average="macro"). cm[i][j] counts the samples of true class i predicted
// as class j (rows true, columns predicted, as scikit-learn's confusion_matrix). For each class k,
// TP = cm[k][k], precision = TP / (column k's sum), recall = TP / (row k's sum) and F1 = 2PR/(P + R),
// each 0 when its denominator is 0 (scikit-learn's default zero_division="warn"); macro F1 is the plain
// mean over all classes, including those with no samples or no predictions. Answers within 1e-9 pass.
func CheckMacroF1(macroF1 func(cm [][]int) float64) Result {
	return macroF1Spec.check(macroF1Cases(), func(c [][]int) float64 { return macroF1(c) })
}

var macroF1Spec = spec[[][]int, float64]{
	name:  "MacroF1",
	call:  func(c [][]int) string { return fmt.Sprintf("MacroF1(%v)", c) },
	want:  func(c [][]int) float64 { return macroF1Reference(c, metrics.Macro) },
	diff:  func(got, want float64) string { return diffFloat(got, want, 1e-9) },
	clone: cloneMatrix[int],
	mistakes: []mistake[[][]int, float64]{
		{"this is the accuracy (the micro average): macro F1 computes F1 for every class and averages the " +
			"classes' F1 with equal weight", func(c [][]int) float64 { return macroF1Reference(c, metrics.Micro) }},
		{"weight every class equally: the plain mean of the F1s, not weighted by the classes' support",
			func(c [][]int) float64 { return macroF1Reference(c, metrics.Weighted) }},
		{"average the classes' F1 scores, not the F1 of the mean precision and the mean recall",
			func(c [][]int) float64 {
				s := macroF1Scores(c, metrics.Macro)
				if s.Precision+s.Recall == 0 {
					return 0
				}
				return 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
			}},
		{"a class with no predictions or no samples has F1 0 and still counts in the mean (scikit-learn's " +
			"default zero_division)", macroF1SkipUndefined},
	},
}

// macroF1Cases returns the hand-picked cases, then random matrices: 2 to 5 classes, counts from 0 to
// 9, with the diagonal more likely to be large, and now and then a class never predicted.
func macroF1Cases() [][][]int {
	cases := [][][]int{
		// Per class F1 2/3 and 0.8 (P 1, R 0.5; P 2/3, R 1): macro 0.733333, accuracy 0.75.
		{{1, 1}, {0, 2}},
		// Class 0: P = R = 0.8; class 1: P 1/3, R 1/2, F1 0.4; class 2: P 0.75, R 0.6, F1 2/3.
		{{8, 1, 1}, {1, 1, 0}, {1, 1, 3}},
		// Class 2 is never predicted: its F1 is 0 and counts as a third of the mean.
		{{5, 0, 0}, {0, 5, 0}, {1, 1, 0}},
		// Class 1 has no samples and is never predicted: F1 0 (scikit-learn, zero_division="warn").
		{{3, 0, 1}, {0, 0, 0}, {1, 0, 3}},
		// Perfect: 1.
		{{4, 0}, {0, 6}},
		// A large class and a small one: macro F1 weighs them equally, accuracy does not.
		{{90, 0}, {9, 1}},
	}
	r := newRand(16)
	for len(cases) < 40 {
		k := 2 + r.IntN(4)
		never := -1
		if r.IntN(4) == 0 {
			never = r.IntN(k)
		}
		cm := make([][]int, k)
		for i := range cm {
			cm[i] = make([]int, k)
			for j := range cm[i] {
				switch {
				case j == never:
				case i == j:
					cm[i][j] = r.IntN(10) + r.IntN(10)
				default:
					cm[i][j] = r.IntN(4)
				}
			}
		}
		cases = append(cases, cm)
	}
	return cases
}

// macroF1Scores builds a metrics.ConfusionMatrix with the counts of cm and returns its average avg
// under scikit-learn's default zero-division policy.
func macroF1Scores(cm [][]int, avg metrics.Average) metrics.Scores {
	labels := make([]string, len(cm))
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	m, err := metrics.NewConfusionMatrix(labels)
	if err != nil {
		panic(fmt.Sprintf("exercise: MacroF1 reference: %v", err))
	}
	for i, row := range cm {
		for j, n := range row {
			for range n {
				if err := m.Add(labels[i], labels[j]); err != nil {
					panic(fmt.Sprintf("exercise: MacroF1 reference: %v", err))
				}
			}
		}
	}
	return m.Averaged(avg, metrics.ZeroDivisionWarn)
}

func macroF1Reference(cm [][]int, avg metrics.Average) float64 { return macroF1Scores(cm, avg).F1 }

// macroF1SkipUndefined averages F1 only over the classes whose precision and recall are both defined.
func macroF1SkipUndefined(cm [][]int) float64 {
	sum, n := 0.0, 0
	for k := range cm {
		tp, predicted, actual := cm[k][k], 0, 0
		for i := range cm {
			predicted += cm[i][k]
			actual += cm[k][i]
		}
		if predicted == 0 || actual == 0 {
			continue
		}
		p, r := float64(tp)/float64(predicted), float64(tp)/float64(actual)
		if p+r > 0 {
			sum += 2 * p * r / (p + r)
		}
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
