package exercise

import (
	"fmt"
	"math"
)

// CheckBinaryCrossEntropy checks binaryCrossEntropy, the student's binary cross-entropy loss of one
// point from its logit z and its label y (0 or 1), on 40 cases:
// −[y·log σ(z) + (1 − y)·log(1 − σ(z))] with σ(z) = 1/(1 + e^−z), the loss notebook 00's two-moons
// net trains with. It must stay finite for confident logits: computed in that form, σ(40) rounds to
// exactly 1, so log(1 − σ(40)) is −Inf and 0·log 0 is NaN; the same loss written from the logit,
// max(z, 0) − z·y + log(1 + e^−|z|), never takes the log of 0 (the formula of TensorFlow's
// tf.nn.sigmoid_cross_entropy_with_logits documentation, and what GoMLX v0.26's
// losses.BinaryCrossentropyLogits computes). An untrained net's logit of about 0 gives about
// log 2 = 0.693 for either label. Answers within 1e-9 (relative to max(1, |want|)) pass.
func CheckBinaryCrossEntropy(binaryCrossEntropy func(logit, label float64) float64) Result {
	return bceSpec.check(bceCases(), func(c bceCase) float64 { return binaryCrossEntropy(c.logit, c.label) })
}

type bceCase struct{ logit, label float64 }

var bceSpec = spec[bceCase, float64]{
	name: "BinaryCrossEntropy",
	call: func(c bceCase) string {
		return fmt.Sprintf("BinaryCrossEntropy(logit=%s, label=%s)", num(c.logit), num(c.label))
	},
	want:  func(c bceCase) float64 { return bceVariant(c, true) },
	diff:  func(got, want float64) string { return diffFloat(got, want, 1e-9) },
	clone: func(c bceCase) bceCase { return c },
	mistakes: []mistake[bceCase, float64]{
		{"compute the loss from the logit, max(z, 0) − z·y + log(1 + e^−|z|): σ(40) rounds to exactly 1 in " +
			"float64, so log(1 − σ(z)) is −Inf, and 0·log 0 is NaN",
			func(c bceCase) float64 { return bceVariant(c, false) }},
		{"the loss is −log of the probability given to the label: positive, and 0 only for a perfect prediction",
			func(c bceCase) float64 { return -bceVariant(c, true) }},
		{"label 1 goes with σ(z), the probability of class 1, and label 0 with 1 − σ(z): the labels are swapped",
			func(c bceCase) float64 { return bceVariant(bceCase{c.logit, 1 - c.label}, true) }},
		{"the model outputs a logit, not a probability: take the sigmoid σ(z) = 1/(1 + e^−z) before the log",
			func(c bceCase) float64 { return -(c.label*math.Log(c.logit) + (1-c.label)*math.Log(1-c.logit)) }},
		{"this is the squared error (σ(z) − y)²; binary cross-entropy is −log of the probability given to the label",
			func(c bceCase) float64 {
				d := 1/(1+math.Exp(-c.logit)) - c.label
				return d * d
			}},
	},
}

// bceCases returns the hand-picked cases, then random ones: logits in tenths in [-8, 8], labels 0 or 1.
func bceCases() []bceCase {
	cases := []bceCase{
		{0, 1},     // an untrained net: log 2
		{0, 0},     // log 2 for either label
		{2, 1},     // right and fairly sure: log(1 + e^−2) = 0.126928
		{2, 0},     // wrong and fairly sure: 2 + log(1 + e^−2) = 2.126928
		{-3, 0},    // right: log(1 + e^−3) = 0.0485874
		{40, 1},    // right and sure: e^−40 ≈ 4.2e-18 (0·log 0 = NaN in the sigmoid-then-log form)
		{40, 0},    // wrong and sure: 40 (log 0 = −Inf in that form)
		{-1000, 1}, // 1000 (σ(−1000) underflows to 0)
		{1000, 0},  // 1000
	}
	r := newRand(18)
	for len(cases) < 40 {
		cases = append(cases, bceCase{float64(r.IntN(161)-80) / 10, float64(r.IntN(2))})
	}
	return cases
}

// bceVariant computes the binary cross-entropy from the logit (stable) or by taking the sigmoid and then
// the logs, as the definition reads.
func bceVariant(c bceCase, stable bool) float64 {
	z, y := c.logit, c.label
	if stable {
		return max(z, 0) - z*y + math.Log1p(math.Exp(-math.Abs(z)))
	}
	p := 1 / (1 + math.Exp(-z))
	return -(y*math.Log(p) + (1-y)*math.Log(1-p))
}
