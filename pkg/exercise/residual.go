package exercise

import "fmt"

// CheckResidual checks residual, the student's forward pass of a residual block on one input vector,
// on 40 cases: y = relu(F(x) + x) with F(x) = W2·relu(W1·x), the two-layer F and the ReLU after the
// addition of He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, equation (1) and
// Figure 2 (biases omitted, as in the paper's notation). x has n values, w1 is hidden×n (w1[i][j]
// multiplies x[j]) and w2 is n×hidden, so F(x) has x's shape and the skip connection needs no
// projection. Answers within 1e-5 (relative) pass.
func CheckResidual(residual func(x []float32, w1, w2 [][]float32) []float32) Result {
	return residualSpec.check(residualCases(), func(c residualCase) []float32 { return residual(c.x, c.w1, c.w2) })
}

type residualCase struct {
	x      []float32
	w1, w2 [][]float32
}

var residualSpec = spec[residualCase, []float32]{
	name: "Residual",
	call: func(c residualCase) string {
		return fmt.Sprintf("Residual(x=%s, w1=%s, w2=%s)", nums(c.x), matrix(c.w1), matrix(c.w2))
	},
	want: func(c residualCase) []float32 { return residualVariant(c, true, true, true) },
	diff: func(got, want []float32) string { return diffFloats(got, want, 1e-5) },
	clone: func(c residualCase) residualCase {
		return residualCase{append([]float32(nil), c.x...), cloneMatrix(c.w1), cloneMatrix(c.w2)}
	},
	mistakes: []mistake[residualCase, []float32]{
		{"the skip connection adds the block's input: y = relu(F(x) + x), not relu(F(x))",
			func(c residualCase) []float32 { return residualVariant(c, true, false, true) }},
		{"the block ends with a ReLU after the addition (the paper's Figure 2): y = relu(F(x) + x)",
			func(c residualCase) []float32 { return residualVariant(c, true, true, false) }},
		{"F has a ReLU between its two layers: F(x) = W2·relu(W1·x)",
			func(c residualCase) []float32 { return residualVariant(c, false, true, true) }},
		{"add x after the ReLU of the sum, not before: y = relu(F(x) + x), not relu(F(x)) + x " +
			"(the study note's ResBlock ends F with a ReLU and then adds x; the paper's block does not)",
			func(c residualCase) []float32 {
				y := residualVariant(c, true, false, true)
				for i := range y {
					y[i] += c.x[i]
				}
				return y
			}},
	},
}

// residualCases returns a hand-picked case, then random ones: n in 2..4, hidden in 1..3, integer
// weights in [-2, 2] and inputs in halves in [-2, 2].
func residualCases() []residualCase {
	cases := []residualCase{
		// h = relu([1 -2]) = [1 0], F = [1 -1], y = relu([2 -3]) = [2 0].
		{[]float32{1, -2}, [][]float32{{1, 0}, {0, 1}}, [][]float32{{1, 0}, {-1, 1}}},
		// One hidden unit: W1·x = -1 + 2 = 1, F = [2 -3], y = relu([1 -1]) = [1 0].
		{[]float32{-1, 2}, [][]float32{{1, 1}}, [][]float32{{2}, {-3}}},
	}
	r := newRand(4)
	for len(cases) < 40 {
		n, hidden := 2+r.IntN(3), 1+r.IntN(3)
		c := residualCase{x: make([]float32, n), w1: make([][]float32, hidden), w2: make([][]float32, n)}
		for j := range n {
			c.x[j] = float32(r.IntN(9)-4) / 2
		}
		for i := range hidden {
			c.w1[i] = make([]float32, n)
			for j := range n {
				c.w1[i][j] = float32(r.IntN(5) - 2)
			}
		}
		for j := range n {
			c.w2[j] = make([]float32, hidden)
			for i := range hidden {
				c.w2[j][i] = float32(r.IntN(5) - 2)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// residualVariant computes the block with its parts switchable: the ReLU inside F (innerReLU), the skip
// connection (skip) and the ReLU after the addition (outerReLU).
func residualVariant(c residualCase, innerReLU, skip, outerReLU bool) []float32 {
	relu := func(v float32) float32 { return max(v, 0) }
	h := make([]float32, len(c.w1))
	for i, row := range c.w1 {
		for j, w := range row {
			h[i] += w * c.x[j]
		}
		if innerReLU {
			h[i] = relu(h[i])
		}
	}
	y := make([]float32, len(c.x))
	for j, row := range c.w2 {
		for i, w := range row {
			y[j] += w * h[i]
		}
		if skip {
			y[j] += c.x[j]
		}
		if outerReLU {
			y[j] = relu(y[j])
		}
	}
	return y
}
