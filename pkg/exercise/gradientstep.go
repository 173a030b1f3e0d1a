package exercise

import (
	"fmt"
	"slices"
)

// CheckGradientStep checks gradientStep, the student's one step of plain gradient descent, on 40 cases:
// the new weights w' = w − lr·grad for weights w, their gradient grad (the same length) and learning
// rate lr, without modifying w. The gradient points to where the loss grows fastest, so the step goes
// against it (Goodfellow, Bengio and Courville, Deep Learning, 2016, §4.3, eq. 4.5; PyTorch's
// torch.optim.SGD without momentum or weight decay). Adam, which notebook 00's lesson trains with,
// steps in the same direction but scales each weight's step by running averages of its gradients.
// Weights within 1e-9 (relative to max(1, |want|)) pass.
func CheckGradientStep(gradientStep func(w, grad []float64, lr float64) []float64) Result {
	return gradientStepSpec.check(gradientStepCases(), func(c gradientStepCase) []float64 {
		return gradientStep(c.w, c.grad, c.lr)
	})
}

type gradientStepCase struct {
	w, grad []float64
	lr      float64
}

var gradientStepSpec = spec[gradientStepCase, []float64]{
	name: "GradientStep",
	call: func(c gradientStepCase) string {
		return fmt.Sprintf("GradientStep(w=%s, grad=%s, lr=%s)", nums(c.w), nums(c.grad), num(c.lr))
	},
	want: func(c gradientStepCase) []float64 { return gradientStepVariant(c, -1, true) },
	diff: func(got, want []float64) string { return diffFloats(got, want, 1e-9) },
	clone: func(c gradientStepCase) gradientStepCase {
		return gradientStepCase{slices.Clone(c.w), slices.Clone(c.grad), c.lr}
	},
	mistakes: []mistake[gradientStepCase, []float64]{
		{"step against the gradient: w − lr·grad (the gradient points to where the loss grows, so w + lr·grad climbs)",
			func(c gradientStepCase) []float64 { return gradientStepVariant(c, 1, true) }},
		{"multiply the gradient by the learning rate: w − lr·grad (without lr every step is as long as the gradient)",
			func(c gradientStepCase) []float64 { return gradientStepVariant(c, -1, false) }},
		{"return the new weights w − lr·grad, not only the change −lr·grad",
			func(c gradientStepCase) []float64 {
				out := make([]float64, len(c.w))
				for i := range out {
					out[i] = -c.lr * c.grad[i]
				}
				return out
			}},
	},
}

// gradientStepCases returns the hand-picked cases, then random ones: 1 to 6 weights and gradients in
// tenths in [-5, 5], learning rates from 0.001 to 1.
func gradientStepCases() []gradientStepCase {
	cases := []gradientStepCase{
		{[]float64{1, -2}, []float64{0.5, -1}, 0.1},        // [0.95 -1.9]
		{[]float64{3}, []float64{6}, 0.1},                  // f(w) = w², grad 2w: towards the minimum, 2.4
		{[]float64{3}, []float64{6}, 0.5},                  // lands on the minimum, 0
		{[]float64{3}, []float64{6}, 1.5},                  // too large a step: overshoots to -6, farther away
		{[]float64{0.3, -0.7, 2}, []float64{0, 0, 0}, 0.1}, // a zero gradient: no change
		{[]float64{0.3, -0.7}, []float64{4, -2}, 0},        // lr 0: no change
		{[]float64{}, []float64{}, 0.1},                    // no weights: none
	}
	rates := []float64{0.001, 0.01, 0.05, 0.1, 0.5, 1}
	r := newRand(19)
	for len(cases) < 40 {
		c := gradientStepCase{make([]float64, 1+r.IntN(6)), nil, rates[r.IntN(len(rates))]}
		c.grad = make([]float64, len(c.w))
		for i := range c.w {
			c.w[i] = float64(r.IntN(101)-50) / 10
			c.grad[i] = float64(r.IntN(101)-50) / 10
		}
		cases = append(cases, c)
	}
	return cases
}

// gradientStepVariant returns w + sign·lr·grad, or w + sign·grad without the learning rate.
func gradientStepVariant(c gradientStepCase, sign float64, withRate bool) []float64 {
	lr := 1.0
	if withRate {
		lr = c.lr
	}
	out := make([]float64, len(c.w))
	for i := range out {
		out[i] = c.w[i] + sign*lr*c.grad[i]
	}
	return out
}
