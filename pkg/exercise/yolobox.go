package exercise

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// CheckYOLOBox checks yoloBox, the student's decoding of one YOLO v1 cell's box back to pixels, on 40
// cases: the inverse of [CheckYOLOTarget], what [detect.YOLOGrid.Decode] does with every predictor at
// test time (before clipping to the image). On an S×S grid over a width×height image, cell (Row, Col)
// predicts the centre (Col + X, Row + Y) in cell units, so cx = (Col + X)·width/S and cy =
// (Row + Y)·height/S, and the size as square roots of fractions of the image, w = SqrtW²·width and
// h = SqrtH²·height; the box is (cx − w/2, cy − h/2, cx + w/2, cy + h/2) in [detect.Box]'s pixels. The
// cases are the targets of CheckYOLOTarget's boxes, so the answer is the box the target was made from.
// Corners within 1e-4 (relative to max(1, |corner|)) pass.
func CheckYOLOBox(yoloBox func(t YOLOTarget, s int, width, height float32) detect.Box) Result {
	return yoloBoxSpec.check(yoloBoxCases(), func(c yoloBoxCase) detect.Box { return yoloBox(c.t, c.s, c.width, c.height) })
}

type yoloBoxCase struct {
	t             YOLOTarget
	s             int
	width, height float32
}

var yoloBoxSpec = spec[yoloBoxCase, detect.Box]{
	name: "YOLOBox",
	call: func(c yoloBoxCase) string {
		return fmt.Sprintf("YOLOBox({Row:%d Col:%d X:%.6g Y:%.6g SqrtW:%.6g SqrtH:%.6g}, S=%d, %gx%g)",
			c.t.Row, c.t.Col, c.t.X, c.t.Y, c.t.SqrtW, c.t.SqrtH, c.s, c.width, c.height)
	},
	want:  func(c yoloBoxCase) detect.Box { return yoloBoxVariant(c, yoloBoxMistakes{}) },
	diff:  flipBoxSpec.diff,
	clone: func(c yoloBoxCase) yoloBoxCase { return c },
	mistakes: []mistake[yoloBoxCase, detect.Box]{
		{"SqrtW and SqrtH are square roots: the width is SqrtW²·width, not SqrtW·width",
			func(c yoloBoxCase) detect.Box { return yoloBoxVariant(c, yoloBoxMistakes{noSquare: true}) }},
		{"the column gives x and the row gives y: cx = (Col + X)·width/S, cy = (Row + Y)·height/S",
			func(c yoloBoxCase) detect.Box { return yoloBoxVariant(c, yoloBoxMistakes{swapped: true}) }},
		{"X and Y are offsets inside the cell in cell units: add the cell's Col and Row before scaling by " +
			"the cell's size", func(c yoloBoxCase) detect.Box { return yoloBoxVariant(c, yoloBoxMistakes{noCell: true}) }},
		{"(cx, cy) is the box's centre, not its top-left corner: X1 = cx − w/2",
			func(c yoloBoxCase) detect.Box { return yoloBoxVariant(c, yoloBoxMistakes{corner: true}) }},
	},
}

// yoloBoxCases returns the targets of CheckYOLOTarget's cases, in the same order.
func yoloBoxCases() []yoloBoxCase {
	var cases []yoloBoxCase
	for _, c := range yoloCases() {
		cases = append(cases, yoloBoxCase{yoloReference(c), c.s, c.width, c.height})
	}
	return cases
}

// yoloBoxMistakes switches on the mistakes of yoloBoxVariant.
type yoloBoxMistakes struct {
	noSquare bool // w = SqrtW·width
	swapped  bool // the row gives x, the column y
	noCell   bool // cx = X·cellWidth, without the column
	corner   bool // (cx, cy) taken as the top-left corner
}

// yoloBoxVariant decodes a target as detect.YOLOGrid does, with the mistakes m switched on.
func yoloBoxVariant(c yoloBoxCase, m yoloBoxMistakes) detect.Box {
	col, row := float32(c.t.Col), float32(c.t.Row)
	if m.swapped {
		col, row = row, col
	}
	if m.noCell {
		col, row = 0, 0
	}
	s := float32(c.s)
	cx, cy := (col+c.t.X)*c.width/s, (row+c.t.Y)*c.height/s
	w, h := c.t.SqrtW*c.t.SqrtW*c.width, c.t.SqrtH*c.t.SqrtH*c.height
	if m.noSquare {
		w, h = c.t.SqrtW*c.width, c.t.SqrtH*c.height
	}
	if m.corner {
		return detect.Box{X1: cx, Y1: cy, X2: cx + w, Y2: cy + h}
	}
	return detect.FromCXCYWH(cx, cy, w, h)
}
