package exercise

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// CheckIoU checks iou, the student's intersection over union of two boxes, against [detect.IoU] on 50
// cases: area(a ∩ b) / area(a ∪ b), with the boxes in the course's convention (X1, Y1, X2, Y2 in
// pixels, no +1: a box from 0 to 2 is 2 wide). Boxes that do not overlap, or only touch, have IoU 0;
// so does a pair whose union has zero area (not NaN). Answers within 1e-5 pass.
func CheckIoU(iou func(a, b detect.Box) float32) Result {
	return iouSpec.check(iouCases(), func(c [2]detect.Box) float32 { return iou(c[0], c[1]) })
}

var iouSpec = spec[[2]detect.Box, float32]{
	name:  "IoU",
	call:  func(c [2]detect.Box) string { return fmt.Sprintf("IoU(%s, %s)", box(c[0]), box(c[1])) },
	want:  func(c [2]detect.Box) float32 { return detect.IoU(c[0], c[1]) },
	diff:  func(got, want float32) string { return diffFloat(float64(got), float64(want), 1e-5) },
	clone: func(c [2]detect.Box) [2]detect.Box { return c },
	mistakes: []mistake[[2]detect.Box, float32]{
		{"when the union has zero area, return 0 (the course's convention, torchvision's box_iou gives NaN)",
			iouNaNUnion},
		{"clamp the overlap's width and height at 0 before multiplying them: boxes that do not overlap " +
			"have intersection 0 (two negative sides multiply to a positive area)", iouNoClamp},
		{"the union counts the overlap once: area(a) + area(b) - intersection", iouNoSubtract},
		{"no +1: a box from x = 0 to x = 2 is 2 pixels wide (PASCAL VOC's devkit added 1; torchvision, " +
			"COCO and this course do not)", iouPlusOne},
	},
}

// iouCases returns the hand-picked cases, then random boxes with integer corners in [0, 10].
func iouCases() [][2]detect.Box {
	b := func(x1, y1, x2, y2 float32) detect.Box { return detect.Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }
	cases := [][2]detect.Box{
		{b(0, 0, 2, 2), b(1, 1, 3, 3)},         // overlap 1, union 7
		{b(0, 0, 2, 2), b(3, 3, 5, 5)},         // disjoint: both sides of the overlap negative
		{b(0, 0, 4, 4), b(1, 1, 3, 3)},         // one inside the other: 4/16
		{b(1, 2, 5, 6), b(1, 2, 5, 6)},         // identical: 1
		{b(0, 0, 2, 2), b(2, 0, 4, 2)},         // touching along an edge: 0
		{b(0, 0, 2, 2), b(3, 0, 5, 2)},         // disjoint in x only
		{b(10, 10, 50, 50), b(10, 10, 50, 90)}, // IoU exactly 0.5
		{b(1, 1, 1, 3), b(1, 1, 1, 3)},         // zero width: zero-area union gives 0
	}
	r := newRand(1)
	for len(cases) < 50 {
		var c [2]detect.Box
		for k := range c {
			x1, y1 := r.IntN(8), r.IntN(8)
			c[k] = b(float32(x1), float32(y1), float32(x1+1+r.IntN(10-x1)), float32(y1+1+r.IntN(10-y1)))
		}
		cases = append(cases, c)
	}
	return cases
}

// box formats a box as a Go literal's values: {0 0 2 2} (detect.Box{0, 0, 2, 2}).
func box(b detect.Box) string { return fmt.Sprintf("{%g %g %g %g}", b.X1, b.Y1, b.X2, b.Y2) }

// iouFrom computes IoU from the overlap's sides, with the given area and union rules.
func iouFrom(c [2]detect.Box, clamp, subtract bool, plus float32) float32 {
	a, b := c[0], c[1]
	w := min(a.X2, b.X2) - max(a.X1, b.X1) + plus
	h := min(a.Y2, b.Y2) - max(a.Y1, b.Y1) + plus
	if clamp {
		w, h = max(w, 0), max(h, 0)
	}
	inter := w * h
	union := (a.X2-a.X1+plus)*(a.Y2-a.Y1+plus) + (b.X2-b.X1+plus)*(b.Y2-b.Y1+plus)
	if subtract {
		union -= inter
	}
	return inter / union
}

func iouNoClamp(c [2]detect.Box) float32    { return iouFrom(c, false, true, 0) }
func iouNoSubtract(c [2]detect.Box) float32 { return iouFrom(c, true, false, 0) }
func iouPlusOne(c [2]detect.Box) float32    { return iouFrom(c, true, true, 1) }

// iouNaNUnion is IoU without the guard for a zero-area union: 0/0 gives NaN there.
func iouNaNUnion(c [2]detect.Box) float32 { return iouFrom(c, true, true, 0) }
