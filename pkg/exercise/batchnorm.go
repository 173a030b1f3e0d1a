package exercise

import (
	"fmt"
	"math"
	"slices"
)

// CheckBatchNorm checks batchNorm, the student's batch normalization in training mode, on 40 cases.
// x is a batch of N samples with C channels, x[i][c]; for every channel c, batchNorm uses the batch's
// mean μ_c and variance σ²_c over the N samples (the biased variance, dividing by N) and returns
// y[i][c] = gamma[c]·(x[i][c] − μ_c)/√(σ²_c + eps) + beta[c] (Ioffe and Szegedy, ICML 2015,
// Algorithm 1; PyTorch's BatchNorm in training mode normalizes the same way). For images
// [batch, height, width, channels] the statistics run over the batch and all positions; here there are
// no positions. Answers within 1e-4 (relative) pass.
func CheckBatchNorm(batchNorm func(x [][]float32, gamma, beta []float32, eps float32) [][]float32) Result {
	return batchNormSpec.check(batchNormCases(), func(c batchNormCase) [][]float32 {
		return batchNorm(c.x, c.gamma, c.beta, c.eps)
	})
}

type batchNormCase struct {
	x           [][]float32
	gamma, beta []float32
	eps         float32
}

// bnMistakes switches on the mistakes of batchNormVariant.
type bnMistakes struct {
	unbiased   bool // variance divided by N - 1
	perSample  bool // statistics over the channels of each sample (layer normalization)
	epsOutside bool // (x - μ) / (σ + eps)
	noAffine   bool // no gamma and beta
}

var batchNormSpec = spec[batchNormCase, [][]float32]{
	name: "BatchNorm",
	call: func(c batchNormCase) string {
		return fmt.Sprintf("BatchNorm(x=%s, gamma=%s, beta=%s, eps=%g)", matrix(c.x), nums(c.gamma), nums(c.beta), c.eps)
	},
	want: func(c batchNormCase) [][]float32 { return batchNormVariant(c, bnMistakes{}) },
	diff: func(got, want [][]float32) string {
		if len(got) != len(want) {
			return fmt.Sprintf(" = %s (%d rows), want %s (%d rows)", matrix(got), len(got), matrix(want), len(want))
		}
		for i := range got {
			if diffFloats(got[i], want[i], 1e-4) != "" {
				return fmt.Sprintf(" = %s, want %s (row %d differs)", matrix(got), matrix(want), i)
			}
		}
		return ""
	},
	clone: func(c batchNormCase) batchNormCase {
		return batchNormCase{cloneMatrix(c.x), slices.Clone(c.gamma), slices.Clone(c.beta), c.eps}
	},
	mistakes: []mistake[batchNormCase, [][]float32]{
		{"the statistics are per channel over the batch (down each column x[·][c]), not per sample over its " +
			"channels (that is layer normalization)", func(c batchNormCase) [][]float32 {
			return batchNormVariant(c, bnMistakes{perSample: true})
		}},
		{"training mode divides the squared deviations by N, the batch size (the biased variance), not N - 1",
			func(c batchNormCase) [][]float32 { return batchNormVariant(c, bnMistakes{unbiased: true}) }},
		{"eps goes inside the square root: (x - μ) / √(σ² + eps), not (x - μ) / (σ + eps)",
			func(c batchNormCase) [][]float32 { return batchNormVariant(c, bnMistakes{epsOutside: true}) }},
		{"after normalizing, scale by gamma and shift by beta: y = gamma·x̂ + beta",
			func(c batchNormCase) [][]float32 { return batchNormVariant(c, bnMistakes{noAffine: true}) }},
	},
}

// batchNormCases returns the hand-picked cases, then random ones: 2 to 6 samples, 1 to 3 channels,
// inputs in tenths in [-5, 5], gamma in [0.5, 2], beta in [-1, 1] and eps 1e-5, 1e-3 or 0.5.
func batchNormCases() []batchNormCase {
	cases := []batchNormCase{
		// Means [2 15], variances [1 25]: x̂ = [[-1 -1] [1 1]] up to eps.
		{[][]float32{{1, 10}, {3, 20}}, []float32{1, 1}, []float32{0, 0}, 1e-5},
		// The same batch with a scale and a shift.
		{[][]float32{{1, 10}, {3, 20}}, []float32{2, 0.5}, []float32{1, -1}, 1e-5},
		// Channel 0 is constant: variance 0, so eps keeps x̂ = 0 finite and y = beta.
		{[][]float32{{5, 1}, {5, 2}, {5, 3}}, []float32{1, 1}, []float32{0.5, 0}, 1e-5},
		// A large eps shows where it goes.
		{[][]float32{{0}, {2}, {4}, {6}}, []float32{1}, []float32{0}, 0.5},
	}
	r := newRand(5)
	epss := []float32{1e-5, 1e-3, 0.5}
	for len(cases) < 40 {
		n, ch := 2+r.IntN(5), 1+r.IntN(3)
		c := batchNormCase{x: make([][]float32, n), gamma: make([]float32, ch), beta: make([]float32, ch),
			eps: epss[r.IntN(len(epss))]}
		for i := range n {
			c.x[i] = make([]float32, ch)
			for k := range ch {
				c.x[i][k] = float32(r.IntN(101)-50) / 10
			}
		}
		for k := range ch {
			c.gamma[k] = float32(5+r.IntN(16)) / 10
			c.beta[k] = float32(r.IntN(21)-10) / 10
		}
		cases = append(cases, c)
	}
	return cases
}

// batchNormVariant normalizes in float64 with the mistakes m switched on.
func batchNormVariant(c batchNormCase, m bnMistakes) [][]float32 {
	n := len(c.x)
	if n == 0 {
		return [][]float32{}
	}
	ch := len(c.x[0])
	// groups lists the (sample, channel) index pairs that share statistics.
	type at struct{ i, k int }
	var groups [][]at
	if m.perSample {
		for i := range n {
			var g []at
			for k := range ch {
				g = append(g, at{i, k})
			}
			groups = append(groups, g)
		}
	} else {
		for k := range ch {
			var g []at
			for i := range n {
				g = append(g, at{i, k})
			}
			groups = append(groups, g)
		}
	}
	y := make([][]float32, n)
	for i := range y {
		y[i] = make([]float32, ch)
	}
	for _, g := range groups {
		mean, ss := 0.0, 0.0
		for _, p := range g {
			mean += float64(c.x[p.i][p.k])
		}
		mean /= float64(len(g))
		for _, p := range g {
			d := float64(c.x[p.i][p.k]) - mean
			ss += d * d
		}
		variance := ss / float64(len(g))
		if m.unbiased {
			variance = ss / float64(len(g)-1)
		}
		denom := math.Sqrt(variance + float64(c.eps))
		if m.epsOutside {
			denom = math.Sqrt(variance) + float64(c.eps)
		}
		for _, p := range g {
			v := (float64(c.x[p.i][p.k]) - mean) / denom
			if !m.noAffine {
				v = float64(c.gamma[p.k])*v + float64(c.beta[p.k])
			}
			y[p.i][p.k] = float32(v)
		}
	}
	return y
}
