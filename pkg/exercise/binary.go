package exercise

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// Binary is the confusion matrix of a yes/no classifier and the scores computed from it, with label 1
// the positive class.
type Binary struct {
	// TP, FP, FN and TN count the true positives (true 1, predicted 1), false positives (true 0,
	// predicted 1), false negatives (true 1, predicted 0) and true negatives (true 0, predicted 0).
	TP, FP, FN, TN int
	// Precision is TP / (TP + FP), Recall TP / (TP + FN) and F1 their harmonic mean,
	// 2·Precision·Recall / (Precision + Recall); each is 0 when its denominator is 0.
	Precision, Recall, F1 float64
}

// CheckBinaryScores checks scores, the student's confusion matrix and scores of binary labels (1
// positive, 0 negative; yTrue[i] is the truth and yPred[i] the prediction for sample i), on 40 cases
// against the course's [metrics.ConfusionMatrix], which matches scikit-learn 1.2: precision, recall
// and F1 with a zero denominator are 0 (scikit-learn's default zero_division="warn" gives 0 and a
// warning). Scores within 1e-9 pass.
func CheckBinaryScores(scores func(yTrue, yPred []int) Binary) Result {
	return binarySpec.check(binaryCases(), func(c [2][]int) Binary { return scores(c[0], c[1]) })
}

var binarySpec = spec[[2][]int, Binary]{
	name: "BinaryScores",
	call: func(c [2][]int) string { return fmt.Sprintf("BinaryScores(yTrue=%v, yPred=%v)", c[0], c[1]) },
	want: binaryReference,
	diff: func(got, want Binary) string {
		for _, f := range []struct {
			name      string
			got, want int
		}{{"TP", got.TP, want.TP}, {"FP", got.FP, want.FP}, {"FN", got.FN, want.FN}, {"TN", got.TN, want.TN}} {
			if f.got != f.want {
				return fmt.Sprintf(".%s = %d, want %d", f.name, f.got, f.want)
			}
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"Precision", got.Precision, want.Precision}, {"Recall", got.Recall, want.Recall}, {"F1", got.F1, want.F1}} {
			if d := diffFloat(f.got, f.want, 1e-9); d != "" {
				return "." + f.name + d
			}
		}
		return ""
	},
	clone: func(c [2][]int) [2][]int { return [2][]int{slices.Clone(c[0]), slices.Clone(c[1])} },
	mistakes: []mistake[[2][]int, Binary]{
		{"precision is TP / (TP + FP), the share of the *predicted* positives that are right; recall is " +
			"TP / (TP + FN), the share of the *actual* positives found (the study note's recall sentence " +
			"describes precision)", func(c [2][]int) Binary {
			b := binaryReference(c)
			b.Precision, b.Recall = b.Recall, b.Precision
			return b
		}},
		{"a false positive is predicted 1 but truly 0; a false negative is predicted 0 but truly 1",
			func(c [2][]int) Binary {
				b := binaryReference(c)
				b.FP, b.FN = b.FN, b.FP
				b.Precision, b.Recall = b.Recall, b.Precision
				return b
			}},
		{"F1 is the harmonic mean 2PR / (P + R), not the arithmetic mean (P + R) / 2",
			func(c [2][]int) Binary {
				b := binaryReference(c)
				b.F1 = (b.Precision + b.Recall) / 2
				return b
			}},
	},
}

// binaryCases returns the hand-picked cases, then random ones: 5 to 30 samples, positives from rare
// to common, predictions right with a random probability.
func binaryCases() [][2][]int {
	cases := [][2][]int{
		{{1, 1, 1, 0, 0, 0}, {1, 0, 0, 1, 0, 0}},                         // TP 1, FP 1, FN 2, TN 2: precision 0.5, recall 0.333
		{{1, 0, 0, 1, 0}, {1, 1, 1, 1, 0}},                               // recall 1, precision 0.5
		{{1, 0, 0}, {0, 0, 0}},                                           // never predicts positive: precision 0/0 -> 0
		{{0, 0, 0, 0}, {0, 0, 0, 0}},                                     // no positives at all: everything 0
		{{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, // the rare positive, missed
		{{1, 0, 1, 0}, {1, 0, 1, 0}},                                     // perfect
	}
	r := newRand(3)
	for len(cases) < 40 {
		n := 5 + r.IntN(26)
		prevalence, accuracy := r.Float64(), 0.5+0.5*r.Float64()
		yTrue, yPred := make([]int, n), make([]int, n)
		for i := range n {
			if r.Float64() < prevalence {
				yTrue[i] = 1
			}
			yPred[i] = yTrue[i]
			if r.Float64() > accuracy {
				yPred[i] = 1 - yTrue[i]
			}
		}
		cases = append(cases, [2][]int{yTrue, yPred})
	}
	return cases
}

// binaryReference counts the four cells and takes the scores from metrics.ConfusionMatrix.
func binaryReference(c [2][]int) Binary {
	var b Binary
	yTrue, yPred := make([]string, len(c[0])), make([]string, len(c[1]))
	for i := range c[0] {
		switch t, p := c[0][i] == 1, c[1][i] == 1; {
		case t && p:
			b.TP++
		case !t && p:
			b.FP++
		case t && !p:
			b.FN++
		default:
			b.TN++
		}
		yTrue[i], yPred[i] = strconv.Itoa(c[0][i]), strconv.Itoa(c[1][i])
	}
	cm, err := metrics.ConfusionMatrixOf(yTrue, yPred)
	if err != nil {
		panic(fmt.Sprintf("exercise: BinaryScores reference: %v", err))
	}
	s, err := cm.Binary("1", metrics.ZeroDivisionZero)
	if err != nil {
		panic(fmt.Sprintf("exercise: BinaryScores reference: %v", err))
	}
	b.Precision, b.Recall, b.F1 = s.Precision, s.Recall, s.F1
	return b
}
