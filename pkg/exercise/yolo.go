package exercise

import (
	"fmt"
	"math"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// YOLOTarget is what YOLO v1 learns for one ground-truth box: which cell is responsible for it and the
// four numbers its box regression is compared with.
type YOLOTarget struct {
	// Row and Col are the cell that holds the box's centre, counted from the top-left cell (0, 0); the
	// cell's index in the row-major S×S grid is Row·S + Col.
	Row, Col int
	// X and Y are the centre's offset inside that cell, in cell units: 0 at the cell's left (top) edge,
	// 1 at its right (bottom) edge.
	X, Y float32
	// SqrtW and SqrtH are the square roots of the box's width and height as fractions of the image's.
	SqrtW, SqrtH float32
}

// CheckYOLOTarget checks yoloTarget, the student's YOLO v1 target for one box on an S×S grid over a
// width×height image, on 40 cases against the course's [detect.YOLOGrid.Encode] (Redmon et al., CVPR
// 2016, section 2): the cell holding the box's centre is responsible for it; x, y are the centre's
// offset inside that cell in cell units; w, h are the box's size relative to the whole image, and the
// loss compares their square roots (section 2.2), so that an error of a few pixels weighs more on a
// small box than on a large one. Encode stores w and h; the loss takes the roots: this exercise asks
// for the roots. A centre on the image's right or bottom edge belongs to the last cell (clamp Row and
// Col to S − 1), as in [detect.YOLOGrid.Cell]. Numbers within 1e-5 (relative) pass.
func CheckYOLOTarget(yoloTarget func(box detect.Box, s int, width, height float32) YOLOTarget) Result {
	return yoloSpec.check(yoloCases(), func(c yoloCase) YOLOTarget { return yoloTarget(c.box, c.s, c.width, c.height) })
}

type yoloCase struct {
	box           detect.Box
	s             int
	width, height float32
}

var yoloSpec = spec[yoloCase, YOLOTarget]{
	name: "YOLOTarget",
	call: func(c yoloCase) string {
		return fmt.Sprintf("YOLOTarget(%s, S=%d, %gx%g)", box(c.box), c.s, c.width, c.height)
	},
	want: yoloReference,
	diff: func(got, want YOLOTarget) string {
		if got.Row != want.Row || got.Col != want.Col {
			return fmt.Sprintf(": cell (Row %d, Col %d), want (Row %d, Col %d)", got.Row, got.Col, want.Row, want.Col)
		}
		for _, f := range []struct {
			name      string
			got, want float32
		}{{"X", got.X, want.X}, {"Y", got.Y, want.Y}, {"SqrtW", got.SqrtW, want.SqrtW}, {"SqrtH", got.SqrtH, want.SqrtH}} {
			if d := diffFloat(float64(f.got), float64(f.want), 1e-5); d != "" {
				return "." + f.name + d
			}
		}
		return ""
	},
	clone: func(c yoloCase) yoloCase { return c },
	mistakes: []mistake[yoloCase, YOLOTarget]{
		{"the row comes from the centre's y and the column from its x",
			func(c yoloCase) YOLOTarget { t := yoloReference(c); t.Row, t.Col = t.Col, t.Row; return t }},
		{"x and y are offsets inside the responsible cell, in cell units (cx / cellWidth - Col), not " +
			"fractions of the image", func(c yoloCase) YOLOTarget {
			t := yoloReference(c)
			cx, cy, _, _ := c.box.CXCYWH()
			t.X, t.Y = cx/c.width, cy/c.height
			return t
		}},
		{"the loss compares square roots of w and h: return √(w/width) and √(h/height)",
			func(c yoloCase) YOLOTarget {
				t := yoloReference(c)
				t.SqrtW, t.SqrtH = t.SqrtW*t.SqrtW, t.SqrtH*t.SqrtH
				return t
			}},
		{"w and h are relative to the whole image (the paper: \"width and height are predicted relative " +
			"to the whole image\"), not to a cell", func(c yoloCase) YOLOTarget {
			t := yoloReference(c)
			s := float32(math.Sqrt(float64(c.s)))
			t.SqrtW, t.SqrtH = t.SqrtW*s, t.SqrtH*s
			return t
		}},
		{"a centre exactly on the image's right or bottom edge belongs to the last cell: clamp Row and Col " +
			"to S - 1 (then X or Y is 1)", func(c yoloCase) YOLOTarget {
			t := yoloReference(c)
			cx, cy, _, _ := c.box.CXCYWH()
			cw, chh := c.width/float32(c.s), c.height/float32(c.s)
			t.Col, t.Row = int(math.Floor(float64(cx/cw))), int(math.Floor(float64(cy/chh)))
			t.X, t.Y = cx/cw-float32(t.Col), cy/chh-float32(t.Row)
			return t
		}},
	},
}

// yoloCases returns the hand-picked cases, then random ones: S of 4, 6, 7 or 12 on images of 96x96,
// 448x448 or 96x64 pixels, boxes with their centre anywhere in the image but not exactly on a cell
// border (where float32 rounding could put it on either side).
func yoloCases() []yoloCase {
	cases := []yoloCase{
		// The paper's grid: 64-pixel cells; centre (100, 300) is in row 4, column 1.
		{detect.FromCXCYWH(100, 300, 64, 128), 7, 448, 448},
		// A centre exactly on a cell border belongs to the cell to its right and below: X = Y = 0.
		{detect.FromCXCYWH(48, 72, 20, 20), 4, 96, 96},
		// A non-square image on a 6x6 grid: cells 16 pixels wide and 10.67 high.
		{detect.FromCXCYWH(40, 20, 24, 16), 6, 96, 64},
		// The whole image.
		{detect.Box{X1: 0, Y1: 0, X2: 96, Y2: 96}, 4, 96, 96},
		// A centre on the bottom-right corner of the image: the last cell, X = Y = 1.
		{detect.FromCXCYWH(96, 96, 16, 16), 6, 96, 96},
	}
	r := newRand(8)
	grids := []int{4, 6, 7, 12}
	sizes := [][2]float32{{96, 96}, {448, 448}, {96, 64}}
	for len(cases) < 40 {
		sz := sizes[r.IntN(len(sizes))]
		w, h := float32(4+r.IntN(int(sz[0])/2)), float32(4+r.IntN(int(sz[1])/2))
		cx, cy, s := r.IntN(int(sz[0])), r.IntN(int(sz[1])), grids[r.IntN(len(grids))]
		if cx*s%int(sz[0]) == 0 || cy*s%int(sz[1]) == 0 {
			continue
		}
		cases = append(cases, yoloCase{detect.FromCXCYWH(float32(cx), float32(cy), w, h), s, sz[0], sz[1]})
	}
	return cases
}

// yoloReference encodes the box with detect.YOLOGrid.Encode and reads the responsible cell's target.
func yoloReference(c yoloCase) YOLOTarget {
	g := detect.YOLOGrid{S: c.s, B: 1, C: 1, Width: c.width, Height: c.height}
	target, _ := g.Encode([]detect.Object{{Box: c.box, Class: 0}})
	n := g.TargetCellLen()
	for cell := range c.s * c.s {
		t := target[cell*n : (cell+1)*n]
		if t[4] == 1 {
			return YOLOTarget{Row: cell / c.s, Col: cell % c.s, X: t[0], Y: t[1],
				SqrtW: float32(math.Sqrt(float64(t[2]))), SqrtH: float32(math.Sqrt(float64(t[3])))}
		}
	}
	panic(fmt.Sprintf("exercise: YOLOTarget reference: no cell holds %s", box(c.box)))
}
