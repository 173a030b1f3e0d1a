package exercise

import (
	"fmt"
	"math"
	"slices"
)

// CheckSoftmax checks softmax, the student's class probabilities of one sample's logits, on 40 cases:
// softmax(z)[k] = exp(z[k]) / Σ_j exp(z[j]), what a classifier's head reports as its confidence
// (PyTorch's torch.softmax). The probabilities are positive and sum to 1, and adding the same number to
// every logit does not change them; so it must stay finite for large logits: subtract the largest logit
// before exponentiating, since exp(1000) overflows. Probabilities within 1e-9 (relative to 1) pass.
func CheckSoftmax(softmax func(logits []float64) []float64) Result {
	return softmaxSpec.check(softmaxCases(), func(c []float64) []float64 { return softmax(c) })
}

var softmaxSpec = spec[[]float64, []float64]{
	name:  "Softmax",
	call:  func(c []float64) string { return fmt.Sprintf("Softmax(%s)", nums(c)) },
	want:  func(c []float64) []float64 { return softmaxVariant(c, true) },
	diff:  func(got, want []float64) string { return diffFloats(got, want, 1e-9) },
	clone: slices.Clone[[]float64],
	mistakes: []mistake[[]float64, []float64]{
		{overflowHint + " (then ∞/∞ is NaN)", func(c []float64) []float64 { return softmaxVariant(c, false) }},
		{"exponentiate before normalizing: exp(z[k]) / Σ exp(z[j]), not z[k] / Σ z[j]",
			func(c []float64) []float64 {
				sum, out := 0.0, make([]float64, len(c))
				for _, z := range c {
					sum += z
				}
				for k, z := range c {
					out[k] = z / sum
				}
				return out
			}},
		{"divide by the sum of the exponentials so that the probabilities add up to 1",
			func(c []float64) []float64 {
				out := make([]float64, len(c))
				for k, z := range c {
					out[k] = math.Exp(z)
				}
				return out
			}},
	},
}

// softmaxCases returns the hand-picked cases, then random ones: 2 to 6 classes, logits in tenths in
// [-5, 5].
func softmaxCases() [][]float64 {
	cases := [][]float64{
		{0, 0},                // an untrained two-way head: [0.5 0.5]
		{2, 1, 0.1},           // [0.659 0.242 0.0986]
		{math.Log(3), 0},      // odds 3 to 1: [0.75 0.25]
		{1000, 0},             // overflows without subtracting the largest logit: [1 0]
		{-1000, -1000, -1000}, // underflows without it: a third each
	}
	r := newRand(14)
	for len(cases) < 40 {
		c := make([]float64, 2+r.IntN(5))
		for i := range c {
			c[i] = float64(r.IntN(101)-50) / 10
		}
		cases = append(cases, c)
	}
	return cases
}

// softmaxVariant computes the softmax, subtracting the largest logit first (stable) or not. Its
// stable form is exp(−CrossEntropy(logits, k)), the same normalization as crossEntropyVariant's.
func softmaxVariant(logits []float64, stable bool) []float64 {
	m := 0.0
	if stable {
		m = slices.Max(logits)
	}
	sum, out := 0.0, make([]float64, len(logits))
	for k, z := range logits {
		out[k] = math.Exp(z - m)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out
}
