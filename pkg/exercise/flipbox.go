package exercise

import (
	"fmt"
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// CheckFlipBox checks flipBox, the student's box after a horizontal flip of a width x height image,
// on 40 cases against the course's [augment.RandomHorizontalFlip] (with P = 1): mirroring maps the
// edge at x to the edge at width − x, so the box's right edge becomes its left one, X1' = width − X2
// and X2' = width − X1, and Y1, Y2 stay (torchvision's transforms.v2 flips boxes the same way). Boxes
// are [detect.Box]: pixels, no +1. Corners within 1e-4 (relative) pass.
func CheckFlipBox(flipBox func(box detect.Box, width, height int) detect.Box) Result {
	return flipBoxSpec.check(flipBoxCases(), func(c flipBoxCase) detect.Box { return flipBox(c.box, c.width, c.height) })
}

type flipBoxCase struct {
	box           detect.Box
	width, height int
}

var flipBoxSpec = spec[flipBoxCase, detect.Box]{
	name: "FlipBox",
	call: func(c flipBoxCase) string { return fmt.Sprintf("FlipBox(%s, %dx%d)", box(c.box), c.width, c.height) },
	want: flipBoxReference,
	diff: func(got, want detect.Box) string {
		for _, f := range [][2]float32{{got.X1, want.X1}, {got.Y1, want.Y1}, {got.X2, want.X2}, {got.Y2, want.Y2}} {
			if !near(float64(f[0]), float64(f[1]), 1e-4) {
				return fmt.Sprintf(" = %s, want %s", box(got), box(want))
			}
		}
		return ""
	},
	clone: func(c flipBoxCase) flipBoxCase { return c },
	mistakes: []mistake[flipBoxCase, detect.Box]{
		{"the mirror swaps the edges: the old right edge becomes the new left one, X1' = width − X2 and " +
			"X2' = width − X1 (width − X1 is larger than width − X2)", func(c flipBoxCase) detect.Box {
			w := float32(c.width)
			return detect.Box{X1: w - c.box.X1, Y1: c.box.Y1, X2: w - c.box.X2, Y2: c.box.Y2}
		}},
		{"box corners are edges, not pixel indices: the edge at x goes to width − x (the pixel at column x " +
			"goes to width − 1 − x)", func(c flipBoxCase) detect.Box {
			w := float32(c.width - 1)
			return detect.Box{X1: w - c.box.X2, Y1: c.box.Y1, X2: w - c.box.X1, Y2: c.box.Y2}
		}},
		{"a horizontal flip mirrors x only: Y1 and Y2 stay", func(c flipBoxCase) detect.Box {
			w, h := float32(c.width), float32(c.height)
			return detect.Box{X1: w - c.box.X2, Y1: h - c.box.Y2, X2: w - c.box.X1, Y2: h - c.box.Y1}
		}},
	},
}

// flipBoxCases returns the hand-picked cases, then random ones: images of 32x32, 96x64 or 448x448
// pixels, boxes with integer or half-pixel corners inside the image.
func flipBoxCases() []flipBoxCase {
	b := func(x1, y1, x2, y2 float32) detect.Box { return detect.Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }
	cases := []flipBoxCase{
		{b(10, 20, 40, 60), 100, 80}, // → {60 20 90 60}
		{b(0, 0, 10, 10), 32, 32},    // at the left edge → at the right edge: {22 0 32 10}
		{b(0, 5, 64, 9), 64, 16},     // the full width maps to itself
		{b(12, 3, 20, 7), 32, 10},    // centred: maps to itself
		{b(5.5, 1, 6.5, 2), 10, 10},  // a pixel's edges at half-pixel coordinates: {3.5 1 4.5 2}
	}
	r := newRand(15)
	sizes := [][2]int{{32, 32}, {96, 64}, {448, 448}}
	for len(cases) < 40 {
		sz := sizes[r.IntN(len(sizes))]
		x1, y1 := float32(r.IntN(2*sz[0]-2))/2, float32(r.IntN(2*sz[1]-2))/2
		x2 := x1 + float32(1+r.IntN(int(2*(float32(sz[0])-x1))))/2
		y2 := y1 + float32(1+r.IntN(int(2*(float32(sz[1])-y1))))/2
		cases = append(cases, flipBoxCase{b(x1, y1, x2, y2), sz[0], sz[1]})
	}
	return cases
}

// flipBoxReference flips an image of the case's size that holds the box with augment's
// RandomHorizontalFlip at P = 1 and returns the flipped box.
func flipBoxReference(c flipBoxCase) detect.Box {
	s := augment.Sample{Image: augment.NewImage(c.height, c.width, 1), Boxes: []detect.Box{c.box}}
	out := augment.RandomHorizontalFlip{P: 1}.Apply(s, rand.New(rand.NewPCG(0, 0)))
	return out.Boxes[0]
}
