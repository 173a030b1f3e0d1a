package exercise

import "fmt"

// CheckStackWeights checks stackWeights, the student's count of the weights of a stack of n 3x3
// convolutions with C channels in and C out, and of the one (2n+1)x(2n+1) convolution that sees the
// same region, on 40 cases (Simonyan and Zisserman, ICLR 2015, section 2.3: two 3x3 layers have
// 2·3²C² = 18C² weights where one 5x5 layer has 25C²; three have 27C² where one 7x7 has 49C²). Biases
// are not counted. Answers must be exact.
func CheckStackWeights(stackWeights func(n, channels int) (stack, single int)) Result {
	return stackWeightsSpec.check(stackWeightsCases(), func(c [2]int) [2]int {
		stack, single := stackWeights(c[0], c[1])
		return [2]int{stack, single}
	})
}

var stackWeightsSpec = spec[[2]int, [2]int]{
	name: "StackWeights",
	call: func(c [2]int) string { return fmt.Sprintf("StackWeights(n=%d, C=%d)", c[0], c[1]) },
	want: func(c [2]int) [2]int { return stackWeightsVariant(c, 2*c[0]+1, c[1], 0) },
	diff: func(got, want [2]int) string {
		if got == want {
			return ""
		}
		return fmt.Sprintf(" = (stack %d, single %d), want (stack %d, single %d)", got[0], got[1], want[0], want[1])
	},
	clone: func(c [2]int) [2]int { return c },
	mistakes: []mistake[[2]int, [2]int]{
		{"a 3x3 convolution with C channels in and C out has 3·3·C·C weights: each of its C output channels " +
			"has its own 3x3 filter over all C input channels", func(c [2]int) [2]int {
			return stackWeightsVariant(c, 2*c[0]+1, 1, 0)
		}},
		{"one layer that sees what n stacked 3x3 convolutions see has a (2n+1)x(2n+1) kernel (5x5 for two, " +
			"7x7 for three: the receptive field), not 3n x 3n", func(c [2]int) [2]int {
			return stackWeightsVariant(c, 3*c[0], c[1], 0)
		}},
		{"count only the kernels' weights, no biases (the paper's 18C² and 25C²)", func(c [2]int) [2]int {
			return stackWeightsVariant(c, 2*c[0]+1, c[1], 1)
		}},
	},
}

// stackWeightsCases returns the hand-picked cases, then random ones: n from 1 to 5, C from VGG's
// widths and a few small ones.
func stackWeightsCases() [][2]int {
	cases := [][2]int{
		{2, 1},   // the paper's 18C² vs 25C², with C = 1
		{3, 1},   // 27C² vs 49C²
		{2, 64},  // VGG's first stage
		{3, 512}, // VGG-16's last stages
		{1, 3},   // one 3x3 layer is its own single layer
	}
	r := newRand(11)
	widths := []int{1, 2, 3, 8, 16, 32, 64, 128, 256, 512}
	for len(cases) < 40 {
		cases = append(cases, [2]int{1 + r.IntN(5), widths[r.IntN(len(widths))]})
	}
	return cases
}

// stackWeightsVariant counts n 3x3 layers and one k x k layer with C channels in and cout out, each
// with bias biases per output channel.
func stackWeightsVariant(c [2]int, k, cout, bias int) [2]int {
	n, ch := c[0], c[1]
	return [2]int{n * (3*3*ch*cout + bias*cout), k*k*ch*cout + bias*cout}
}
