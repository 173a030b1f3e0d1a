package exercise

import (
	"fmt"
	"image"
	"slices"
)

// CheckCutMixLabel checks cutMixLabel, the student's label of a CutMix image, on 40 cases. A box of the
// partner image is pasted into the own image (width×height pixels); box may hang over the image's
// border and only its part inside the image is pasted (image.Rectangle: Min inclusive, Max exclusive).
// The label is λ·own + (1−λ)·partner with λ = 1 − (pasted area)/(width·height): the share of the image
// still showing the own image (Yun et al., "CutMix", ICCV 2019, section 3.1; the reference code
// recomputes λ from the clipped box, as CutMix in pkg/augment does). own and partner are label vectors
// (one-hot here). Answers within 1e-9 pass.
func CheckCutMixLabel(cutMixLabel func(width, height int, box image.Rectangle, own, partner []float64) []float64) Result {
	return cutMixSpec.check(cutMixCases(), func(c cutMixCase) []float64 {
		return cutMixLabel(c.width, c.height, c.box, c.own, c.partner)
	})
}

type cutMixCase struct {
	width, height int
	box           image.Rectangle
	own, partner  []float64
}

var cutMixSpec = spec[cutMixCase, []float64]{
	name: "CutMixLabel",
	call: func(c cutMixCase) string {
		return fmt.Sprintf("CutMixLabel(%d, %d, %v, own=%s, partner=%s)", c.width, c.height, c.box, nums(c.own), nums(c.partner))
	},
	want: func(c cutMixCase) []float64 { return cutMixVariant(c, true, false) },
	diff: func(got, want []float64) string { return diffFloats(got, want, 1e-9) },
	clone: func(c cutMixCase) cutMixCase {
		return cutMixCase{c.width, c.height, c.box, slices.Clone(c.own), slices.Clone(c.partner)}
	},
	mistakes: []mistake[cutMixCase, []float64]{
		{"the pasted box shows the partner, so the partner's weight is the pasted area's share and the own " +
			"label keeps λ = 1 - pasted/(width·height)", func(c cutMixCase) []float64 { return cutMixVariant(c, true, true) }},
		{"clip the box to the image first (box.Intersect(image.Rect(0, 0, width, height))): only the area " +
			"actually pasted counts", func(c cutMixCase) []float64 { return cutMixVariant(c, false, false) }},
	},
}

// cutMixCases returns the hand-picked cases, then random ones: images 4 to 32 pixels a side, boxes
// anywhere from half an image before to half an image past the border, 2 to 5 classes.
func cutMixCases() []cutMixCase {
	oneHot := func(k, class int) []float64 { v := make([]float64, k); v[class] = 1; return v }
	cases := []cutMixCase{
		{10, 10, image.Rect(0, 0, 5, 4), oneHot(3, 0), oneHot(3, 2)},   // 20% pasted: [0.8 0 0.2]
		{8, 8, image.Rect(-2, -2, 4, 4), oneHot(2, 0), oneHot(2, 1)},   // 16 of 36 pixels inside: λ = 0.75
		{6, 4, image.Rect(2, 1, 2, 3), oneHot(2, 1), oneHot(2, 0)},     // empty box: the own label
		{8, 4, image.Rect(0, 0, 4, 4), oneHot(3, 1), oneHot(3, 1)},     // same class: still one-hot
		{5, 5, image.Rect(-1, -1, 7, 7), oneHot(2, 0), oneHot(2, 1)},   // covers the image: the partner's label
		{16, 8, image.Rect(12, 6, 20, 10), oneHot(4, 3), oneHot(4, 0)}, // corner overhang: 4x2 of 128
	}
	r := newRand(6)
	for len(cases) < 40 {
		w, h, k := 4+r.IntN(29), 4+r.IntN(29), 2+r.IntN(4)
		x0, y0 := r.IntN(2*w)-w/2, r.IntN(2*h)-h/2
		c := cutMixCase{w, h, image.Rect(x0, y0, x0+1+r.IntN(w), y0+1+r.IntN(h)), oneHot(k, r.IntN(k)), oneHot(k, r.IntN(k))}
		cases = append(cases, c)
	}
	return cases
}

// cutMixVariant mixes the labels, clipping the box to the image (clip) and with the weights the right
// way round or swapped (swap).
func cutMixVariant(c cutMixCase, clip, swap bool) []float64 {
	b := c.box.Canon()
	if clip {
		b = b.Intersect(image.Rect(0, 0, c.width, c.height))
	}
	lam := 1 - float64(b.Dx()*b.Dy())/float64(c.width*c.height)
	if swap {
		lam = 1 - lam
	}
	out := make([]float64, len(c.own))
	for i := range out {
		out[i] = lam*c.own[i] + (1-lam)*c.partner[i]
	}
	return out
}
