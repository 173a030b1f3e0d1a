package exercise

import (
	"fmt"
	"math"
	"slices"
)

// CheckCrossEntropy checks crossEntropy, the student's softmax cross-entropy loss of one sample, on 40
// cases: −log softmax(logits)[label] = log Σ_k exp(logits[k]) − logits[label], what PyTorch's
// nn.CrossEntropyLoss computes for one sample and the loss every classifier of the course trains with.
// It must stay finite for large logits: subtract the largest logit before exponentiating (the
// log-sum-exp trick), since exp(1000) overflows. An untrained two-way head, whose logits are about
// equal, gives about log 2 = 0.693. Answers within 1e-9 (relative) pass.
func CheckCrossEntropy(crossEntropy func(logits []float64, label int) float64) Result {
	return crossEntropySpec.check(crossEntropyCases(), func(c crossEntropyCase) float64 {
		return crossEntropy(c.logits, c.label)
	})
}

const overflowHint = "subtract the largest logit before exp (log-sum-exp): exp(1000) overflows to +Inf " +
	"and exp(-1000) underflows to 0"

type crossEntropyCase struct {
	logits []float64
	label  int
}

var crossEntropySpec = spec[crossEntropyCase, float64]{
	name: "CrossEntropy",
	call: func(c crossEntropyCase) string {
		return fmt.Sprintf("CrossEntropy(%s, %d)", nums(c.logits), c.label)
	},
	want:  func(c crossEntropyCase) float64 { return crossEntropyVariant(c, true) },
	diff:  func(got, want float64) string { return diffFloat(got, want, 1e-9) },
	clone: func(c crossEntropyCase) crossEntropyCase { return crossEntropyCase{slices.Clone(c.logits), c.label} },
	mistakes: []mistake[crossEntropyCase, float64]{
		{overflowHint, func(c crossEntropyCase) float64 { return crossEntropyVariant(c, false) }},
		{overflowHint, func(c crossEntropyCase) float64 {
			sum := 0.0
			for _, z := range c.logits {
				sum += math.Exp(z)
			}
			return -math.Log(math.Exp(c.logits[c.label]) / sum)
		}},
		{"the loss is the negative log of the label's softmax probability, not the probability itself",
			func(c crossEntropyCase) float64 { return math.Exp(-crossEntropyVariant(c, true)) }},
		{"the loss is -log p: positive, and 0 only when the label's probability is 1",
			func(c crossEntropyCase) float64 { return -crossEntropyVariant(c, true) }},
		{"normalize with softmax first: -log(exp(z[label]) / Σ exp(z)), not -z[label] alone",
			func(c crossEntropyCase) float64 { return -c.logits[c.label] }},
	},
}

// crossEntropyCases returns the hand-picked cases, then random ones: 2 to 6 classes, logits in tenths
// in [-5, 5].
func crossEntropyCases() []crossEntropyCase {
	cases := []crossEntropyCase{
		{[]float64{0, 0}, 0},                // an untrained two-way head: log 2
		{[]float64{2, 1, 0.1}, 0},           // 0.417
		{[]float64{2, 1, 0.1}, 2},           // the same logits, a wrong guess: 2.317
		{[]float64{1000, 0}, 1},             // overflows without the log-sum-exp trick: 1000
		{[]float64{-1000, -1000, -1000}, 2}, // underflows without it: log 3
	}
	r := newRand(10)
	for len(cases) < 40 {
		k := 2 + r.IntN(5)
		c := crossEntropyCase{logits: make([]float64, k), label: r.IntN(k)}
		for i := range k {
			c.logits[i] = float64(r.IntN(101)-50) / 10
		}
		cases = append(cases, c)
	}
	return cases
}

// crossEntropyVariant computes -log softmax(logits)[label], subtracting the largest logit first
// (stable) or not.
func crossEntropyVariant(c crossEntropyCase, stable bool) float64 {
	m := 0.0
	if stable {
		m = slices.Max(c.logits)
	}
	sum := 0.0
	for _, z := range c.logits {
		sum += math.Exp(z - m)
	}
	return m + math.Log(sum) - c.logits[c.label]
}
