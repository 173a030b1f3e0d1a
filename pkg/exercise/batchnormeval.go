package exercise

import (
	"fmt"
	"math"
	"slices"
)

// CheckBatchNormEval checks batchNormEval, the student's batch normalization in evaluation mode, on 40
// cases. x is a batch of N samples with C channels, x[i][c]; in evaluation mode the layer uses the
// running mean and variance it stored during training, not the batch's statistics, so each sample's
// output depends on that sample alone: y[i][c] = gamma[c]·(x[i][c] − mean[c])/√(variance[c] + eps) +
// beta[c] (Ioffe and Szegedy, ICML 2015, Algorithm 2; PyTorch's BatchNorm after model.eval()).
// Answers within 1e-4 (relative) pass.
func CheckBatchNormEval(batchNormEval func(x [][]float32, mean, variance, gamma, beta []float32, eps float32) [][]float32) Result {
	return batchNormEvalSpec.check(batchNormEvalCases(), func(c batchNormEvalCase) [][]float32 {
		return batchNormEval(c.x, c.mean, c.variance, c.gamma, c.beta, c.eps)
	})
}

type batchNormEvalCase struct {
	x                           [][]float32
	mean, variance, gamma, beta []float32
	eps                         float32
}

var batchNormEvalSpec = spec[batchNormEvalCase, [][]float32]{
	name: "BatchNormEval",
	call: func(c batchNormEvalCase) string {
		return fmt.Sprintf("BatchNormEval(x=%s, mean=%s, variance=%s, gamma=%s, beta=%s, eps=%g)",
			matrix(c.x), nums(c.mean), nums(c.variance), nums(c.gamma), nums(c.beta), c.eps)
	},
	want: func(c batchNormEvalCase) [][]float32 { return batchNormEvalVariant(c, false, false) },
	diff: batchNormSpec.diff,
	clone: func(c batchNormEvalCase) batchNormEvalCase {
		return batchNormEvalCase{cloneMatrix(c.x), slices.Clone(c.mean), slices.Clone(c.variance),
			slices.Clone(c.gamma), slices.Clone(c.beta), c.eps}
	},
	mistakes: []mistake[batchNormEvalCase, [][]float32]{
		{"evaluation mode uses the running mean and variance passed in, not the batch's own statistics " +
			"(that is training mode)", func(c batchNormEvalCase) [][]float32 {
			return batchNormVariant(batchNormCase{c.x, c.gamma, c.beta, c.eps}, bnMistakes{})
		}},
		{"divide by the standard deviation √(variance + eps), not by the variance",
			func(c batchNormEvalCase) [][]float32 { return batchNormEvalVariant(c, true, false) }},
		{"eps goes inside the square root: (x - mean) / √(variance + eps), not (x - mean) / (√variance + eps)",
			func(c batchNormEvalCase) [][]float32 { return batchNormEvalVariant(c, false, true) }},
		{"after normalizing, scale by gamma and shift by beta: y = gamma·x̂ + beta",
			func(c batchNormEvalCase) [][]float32 {
				ones, zeros := make([]float32, len(c.gamma)), make([]float32, len(c.beta))
				for k := range ones {
					ones[k] = 1
				}
				c.gamma, c.beta = ones, zeros
				return batchNormEvalVariant(c, false, false)
			}},
	},
}

// batchNormEvalCases returns the hand-picked cases, then random ones: 1 to 5 samples, 1 to 3
// channels, inputs in tenths in [-5, 5], running means in [-2, 2], running variances in [0.1, 4],
// gamma in [0.5, 2], beta in [-1, 1] and eps 1e-5, 1e-3 or 0.5.
func batchNormEvalCases() []batchNormEvalCase {
	cases := []batchNormEvalCase{
		// Running mean [2 15], variance [1 25]: the batch of the training exercise, normalized by
		// statistics that happen to be its own, gives [[-1 -1] [1 1]] up to eps.
		{[][]float32{{1, 10}, {3, 20}}, []float32{2, 15}, []float32{1, 25}, []float32{1, 1}, []float32{0, 0}, 1e-5},
		// The same statistics, a batch whose own statistics differ: [[0 0] [3 -0.2]] up to eps.
		{[][]float32{{2, 15}, {5, 14}}, []float32{2, 15}, []float32{1, 25}, []float32{1, 1}, []float32{0, 0}, 1e-5},
		// One sample: evaluation mode needs no batch. (4 - 1)/√(9 + 0) · 2 + 0.5 = 2.5 with eps ≈ 0.
		{[][]float32{{4}}, []float32{1}, []float32{9}, []float32{2}, []float32{0.5}, 1e-5},
		// A large eps shows where it goes: (3 - 0)/√(0.5 + 0.5) = 3.
		{[][]float32{{3}, {-1}}, []float32{0}, []float32{0.5}, []float32{1}, []float32{0}, 0.5},
	}
	r := newRand(13)
	epss := []float32{1e-5, 1e-3, 0.5}
	for len(cases) < 40 {
		n, ch := 1+r.IntN(5), 1+r.IntN(3)
		c := batchNormEvalCase{x: make([][]float32, n), mean: make([]float32, ch), variance: make([]float32, ch),
			gamma: make([]float32, ch), beta: make([]float32, ch), eps: epss[r.IntN(len(epss))]}
		for i := range n {
			c.x[i] = make([]float32, ch)
			for k := range ch {
				c.x[i][k] = float32(r.IntN(101)-50) / 10
			}
		}
		for k := range ch {
			c.mean[k] = float32(r.IntN(41)-20) / 10
			c.variance[k] = float32(1+r.IntN(40)) / 10
			c.gamma[k] = float32(5+r.IntN(16)) / 10
			c.beta[k] = float32(r.IntN(21)-10) / 10
		}
		cases = append(cases, c)
	}
	return cases
}

// batchNormEvalVariant normalizes with the running statistics in float64, dividing by the variance
// instead of the standard deviation (noSqrt) or adding eps outside the root (epsOutside).
func batchNormEvalVariant(c batchNormEvalCase, noSqrt, epsOutside bool) [][]float32 {
	y := make([][]float32, len(c.x))
	for i, row := range c.x {
		y[i] = make([]float32, len(row))
		for k, v := range row {
			variance, eps := float64(c.variance[k]), float64(c.eps)
			denom := math.Sqrt(variance + eps)
			switch {
			case noSqrt:
				denom = variance + eps
			case epsOutside:
				denom = math.Sqrt(variance) + eps
			}
			y[i][k] = float32(float64(c.gamma[k])*(float64(v)-float64(c.mean[k]))/denom + float64(c.beta[k]))
		}
	}
	return y
}
