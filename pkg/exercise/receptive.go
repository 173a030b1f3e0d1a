package exercise

import (
	"fmt"
	"slices"
)

// Layer is one layer of a stack as the receptive-field exercise sees it: a square window of Kernel×Kernel
// inputs moved by Stride (a 3x3 convolution with padding 1 is {3, 1}, a 2x2 max-pooling {2, 2}).
type Layer struct {
	Kernel, Stride int
}

// CheckReceptiveField checks receptiveField, the student's receptive field of a stack of layers (the
// side of the input region that one output of the last layer depends on), on 40 cases. Start from one
// input pixel, r = 1, with jump j = 1 (the distance in input pixels between neighbouring outputs); each
// layer grows the field by (Kernel − 1)·j and multiplies the jump by its Stride: r' = r + (k − 1)·j,
// j' = j·s (Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019).
// Two stacked 3x3 convolutions see 5x5, three see 7x7 (Simonyan and Zisserman, ICLR 2015, section 2.3).
// No layers give 1. Answers must be exact.
func CheckReceptiveField(receptiveField func(layers []Layer) int) Result {
	return receptiveSpec.check(receptiveCases(), receptiveField)
}

var receptiveSpec = spec[[]Layer, int]{
	name: "ReceptiveField",
	call: func(c []Layer) string { return fmt.Sprintf("ReceptiveField(%v)", c) },
	want: func(c []Layer) int { return receptiveVariant(c, true, 1) },
	diff: func(got, want int) string {
		if got == want {
			return ""
		}
		return fmt.Sprintf(" = %d, want %d", got, want)
	},
	clone: slices.Clone[[]Layer],
	mistakes: []mistake[[]Layer, int]{
		{"after a layer with stride s, one step of the next layer moves s times further in the input: " +
			"grow the field by (k - 1)·j and multiply the jump j by the stride",
			func(c []Layer) int { return receptiveVariant(c, false, 1) }},
		{"start from one pixel (r = 1): an output of a single 3x3 convolution sees 3x3 inputs",
			func(c []Layer) int { return receptiveVariant(c, true, 0) }},
		{"each layer adds k - 1 pixels (times the jump), not k: two 3x3 convolutions see 5x5, not 7x7",
			func(c []Layer) int {
				r, j := 1, 1
				for _, l := range c {
					r, j = r+l.Kernel*j, j*l.Stride
				}
				return r
			}},
	},
}

// receptiveCases returns the hand-picked stacks, then random ones of 1 to 8 layers: 3x3 or 5x5
// convolutions with stride 1, 2x2 poolings with stride 2, and 3x3 convolutions with stride 2.
func receptiveCases() [][]Layer {
	conv, pool := Layer{3, 1}, Layer{2, 2}
	cases := [][]Layer{
		{conv, conv},                         // 5
		{conv, conv, conv},                   // 7
		{conv, conv, pool, conv, conv, pool}, // VGG-16's first two stages: 16
		{{7, 2}, {3, 2}},                     // ResNet's stem, 7x7 stride 2 then 3x3 max-pool stride 2: 11
		{},                                   // no layers: 1
		{{1, 1}, conv},                       // a 1x1 convolution adds nothing: 3
	}
	r := newRand(9)
	kinds := []Layer{conv, conv, {5, 1}, pool, {3, 2}}
	for len(cases) < 40 {
		c := make([]Layer, 1+r.IntN(8))
		for i := range c {
			c[i] = kinds[r.IntN(len(kinds))]
		}
		cases = append(cases, c)
	}
	return cases
}

// receptiveVariant applies r' = r + (k − 1)·j, j' = j·s from r = start, or ignores the jump (jump false).
func receptiveVariant(c []Layer, jump bool, start int) int {
	r, j := start, 1
	for _, l := range c {
		r += (l.Kernel - 1) * j
		if jump {
			j *= l.Stride
		}
	}
	return r
}
