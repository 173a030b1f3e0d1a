package exercise

import "fmt"

// CheckConvOutput checks convOutput, the student's output size of a convolution (or pooling) along one
// axis, on 40 cases: an input of size n, a kernel of k, stride s and padding p on each side give
// ⌊(n + 2p − k)/s⌋ + 1 outputs (PyTorch's Conv2d documentation, "Shape"; GoMLX's convolutions follow
// the same rule). ResNet's stem, a 7x7 convolution with stride 2 and padding 3, takes 224 to 112.
// Answers must be exact.
func CheckConvOutput(convOutput func(size, kernel, stride, padding int) int) Result {
	return convOutputSpec.check(convOutputCases(), func(c convOutputCase) int {
		return convOutput(c.size, c.kernel, c.stride, c.padding)
	})
}

type convOutputCase struct{ size, kernel, stride, padding int }

var convOutputSpec = spec[convOutputCase, int]{
	name: "ConvOutput",
	call: func(c convOutputCase) string {
		return fmt.Sprintf("ConvOutput(size=%d, kernel=%d, stride=%d, padding=%d)", c.size, c.kernel, c.stride, c.padding)
	},
	want: func(c convOutputCase) int { return (c.size+2*c.padding-c.kernel)/c.stride + 1 },
	diff: func(got, want int) string {
		if got == want {
			return ""
		}
		return fmt.Sprintf(" = %d, want %d", got, want)
	},
	clone: func(c convOutputCase) convOutputCase { return c },
	mistakes: []mistake[convOutputCase, int]{
		{"round down: a window that would hang over the padded input is not used, ⌊(n + 2p − k)/s⌋ + 1 " +
			"(rounding up is PyTorch's ceil_mode=True, an option of pooling only)", func(c convOutputCase) int {
			return (c.size+2*c.padding-c.kernel+c.stride-1)/c.stride + 1
		}},
		{"the padding is added on both sides: n + 2p", func(c convOutputCase) int {
			return (c.size+c.padding-c.kernel)/c.stride + 1
		}},
		{"add 1 for the window's first position: ⌊(n + 2p − k)/s⌋ counts only the steps after it",
			func(c convOutputCase) int { return (c.size + 2*c.padding - c.kernel) / c.stride }},
		{"divide by the stride after subtracting the kernel: ⌊(n + 2p − k)/s⌋ + 1, not ⌊(n + 2p)/s⌋ − k + 1",
			func(c convOutputCase) int { return (c.size+2*c.padding)/c.stride - c.kernel + 1 }},
	},
}

// convOutputCases returns the hand-picked cases, then random ones: sizes 1 to 64, kernels 1, 2, 3, 5
// or 7, strides 1 to 3 and paddings up to half the kernel, with the padded input at least one kernel.
func convOutputCases() []convOutputCase {
	cases := []convOutputCase{
		{32, 5, 1, 2},  // a "same" 5x5 convolution keeps the size
		{32, 3, 1, 1},  // so does a "same" 3x3 one
		{224, 7, 2, 3}, // ResNet's stem: 223/2 rounds down, 112
		{32, 3, 2, 1},  // a stride-2 3x3 convolution halves the size
		{112, 3, 2, 1}, // ResNet's max-pooling: 56
		{56, 1, 2, 0},  // a 1x1 projection shortcut with stride 2: 28
		{28, 3, 1, 0},  // no padding: 26
		{7, 2, 2, 0},   // VGG's pooling on an odd size drops the last row: 3
	}
	r := newRand(12)
	kernels := []int{1, 2, 3, 5, 7}
	for len(cases) < 40 {
		k := kernels[r.IntN(len(kernels))]
		c := convOutputCase{1 + r.IntN(64), k, 1 + r.IntN(3), r.IntN(k/2 + 1)}
		if c.size+2*c.padding < c.kernel {
			continue
		}
		cases = append(cases, c)
	}
	return cases
}
