package detect

import (
	"fmt"
	"math"
	"slices"
)

// Object is a ground-truth object: a box in pixels and a class index in [0, C).
// It has the fields of datasets.Object, so converting one is a struct conversion.
type Object struct {
	Box   Box
	Class int
}

// Detection is a detector's output: a box in pixels, a class index and a score.
type Detection struct {
	Box   Box
	Class int
	Score float32
}

// YOLOGrid is the output layout of YOLO v1 (Redmon et al. 2016): the image is divided into S x S
// cells and each cell predicts B boxes, each (x, y, w, h, confidence), and C class probabilities
// Pr(class | object) shared by its boxes: S·S·(5B + C) numbers, 7·7·30 in the paper (S = 7, B = 2,
// C = 20 for PASCAL VOC, 448x448 input).
//
// Layout (this package's choice; the paper fixes only the shape): cells row-major (row, column),
// and within a cell the B boxes' (x, y, w, h, confidence) followed by the C class probabilities.
// x and y are the box centre's offset inside its cell, in cell units [0, 1]; w and h are the box's
// size as fractions of the image's width and height, as in the paper.
type YOLOGrid struct {
	S, B, C int
	// Width and Height are the input image's size in pixels.
	Width, Height float32
}

// CellLen returns the numbers per cell, 5B + C.
func (g YOLOGrid) CellLen() int { return 5*g.B + g.C }

// Len returns the size of a prediction, S·S·(5B + C).
func (g YOLOGrid) Len() int { return g.S * g.S * g.CellLen() }

// TargetCellLen returns the numbers per cell of a target made by [YOLOGrid.Encode]: 5 + C.
func (g YOLOGrid) TargetCellLen() int { return 5 + g.C }

func (g YOLOGrid) check(name string) {
	if g.S <= 0 || g.B <= 0 || g.C <= 0 || !(g.Width > 0) || !(g.Height > 0) {
		panic(fmt.Sprintf("detect: YOLOGrid.%s: S = %d, B = %d, C = %d, size %vx%v: want all positive",
			name, g.S, g.B, g.C, g.Width, g.Height))
	}
}

// Cell returns the row and column of the cell that holds point (x, y) in pixels, clamped to the grid
// (a centre on the right or bottom edge belongs to the last cell).
func (g YOLOGrid) Cell(x, y float32) (row, col int) {
	col = int(math.Floor(float64(x / g.Width * float32(g.S))))
	row = int(math.Floor(float64(y / g.Height * float32(g.S))))
	return min(max(row, 0), g.S-1), min(max(col, 0), g.S-1)
}

// Encode returns the training target for one image's objects: S·S·(5 + C) numbers, per cell
// (x, y, w, h, object, one-hot class), in the layout of [YOLOGrid]. The cell that holds an object's
// centre is responsible for it (paper, section 2). A cell holds at most one object: when several
// centres fall in one cell the first object in the list wins and the others are counted in dropped.
// This is YOLO v1's known weakness with crowded small objects. Which of the cell's B predictors
// answers for the object is decided during training by [YOLOGrid.Responsible].
//
// It panics on a class outside [0, C) or an empty box.
func (g YOLOGrid) Encode(objects []Object) (target []float32, dropped int) {
	g.check("Encode")
	n := g.TargetCellLen()
	target = make([]float32, g.S*g.S*n)
	for _, o := range objects {
		if o.Class < 0 || o.Class >= g.C {
			panic(fmt.Sprintf("detect: YOLOGrid.Encode: object class %d, want in [0, %d)", o.Class, g.C))
		}
		if o.Box.Empty() {
			panic(fmt.Sprintf("detect: YOLOGrid.Encode: object box %v is empty", o.Box))
		}
		cx, cy, w, h := o.Box.CXCYWH()
		row, col := g.Cell(cx, cy)
		t := target[(row*g.S+col)*n : (row*g.S+col+1)*n]
		if t[4] != 0 {
			dropped++
			continue
		}
		cellW, cellH := g.Width/float32(g.S), g.Height/float32(g.S)
		t[0], t[1] = cx/cellW-float32(col), cy/cellH-float32(row)
		t[2], t[3] = w/g.Width, h/g.Height
		t[4] = 1
		t[5+o.Class] = 1
	}
	return target, dropped
}

// box returns the box in pixels of predictor b of cell (row, col) in pred (a [YOLOGrid.Len] slice).
func (g YOLOGrid) box(pred []float32, row, col, b int) Box {
	p := pred[(row*g.S+col)*g.CellLen()+5*b:]
	cx := (float32(col) + p[0]) * g.Width / float32(g.S)
	cy := (float32(row) + p[1]) * g.Height / float32(g.S)
	return FromCXCYWH(cx, cy, p[2]*g.Width, p[3]*g.Height)
}

// Responsible returns which of cell (row, col)'s B predictors in pred has the highest IoU with truth,
// and that IoU: the predictor the loss trains on that object (ties go to the lower index).
func (g YOLOGrid) Responsible(pred []float32, row, col int, truth Box) (predictor int, iou float32) {
	g.check("Responsible")
	best, bestIoU := 0, float32(-1)
	for b := range g.B {
		if v := IoU(g.box(pred, row, col, b), truth); v > bestIoU {
			best, bestIoU = b, v
		}
	}
	return best, bestIoU
}

// YOLOLossWeights are the loss weights of the paper: λcoord = 5 for box coordinates, λnoobj = 0.5 for
// the confidence of predictors without an object, and the choice of the responsible predictor's
// confidence target.
type YOLOLossWeights struct {
	Coord, NoObj float32
	// ConfidenceOne sets the responsible predictor's confidence target to 1 instead of its IoU with
	// the truth (the paper's Pr(object)·IoU): darknet's "rescore=0". Trained from scratch, the IoU
	// target starts near 0 while the boxes are still poor and the confidences collapse towards 0;
	// a target of 1 lets them learn objectness first. The zero value is the paper's loss.
	ConfidenceOne bool
}

// PaperYOLOLoss returns λcoord = 5, λnoobj = 0.5 (Redmon et al. 2016, section 2.2).
func PaperYOLOLoss() YOLOLossWeights { return YOLOLossWeights{Coord: 5, NoObj: 0.5} }

// Loss returns YOLO v1's sum-squared loss of one image's prediction pred ([YOLOGrid.Len]) against
// target (from [YOLOGrid.Encode]), as equation (3) of the paper:
//
//	λcoord Σ 1obj [(x - x̂)² + (y - ŷ)²] + λcoord Σ 1obj [(√w - √ŵ)² + (√h - √ĥ)²]
//	+ Σ 1obj (C - Ĉ)² + λnoobj Σ 1noobj (C - Ĉ)² + Σ_cells-with-object Σ_classes (p - p̂)²
//
// where 1obj marks the responsible predictor of a cell with an object ([YOLOGrid.Responsible]) and
// 1noobj every other predictor. The responsible predictor's target confidence Ĉ is its IoU with the
// truth (confidence = Pr(object)·IoU), or 1 with wts.ConfidenceOne; the others' is 0. A negative predicted w or h counts as 0 under
// the square root. It is the plain-Go reference for the graph version used in training. It panics if
// the lengths do not match the grid.
func (g YOLOGrid) Loss(pred, target []float32, wts YOLOLossWeights) float32 {
	g.check("Loss")
	if len(pred) != g.Len() || len(target) != g.S*g.S*g.TargetCellLen() {
		panic(fmt.Sprintf("detect: YOLOGrid.Loss: len(pred) = %d, len(target) = %d, want %d and %d",
			len(pred), len(target), g.Len(), g.S*g.S*g.TargetCellLen()))
	}
	sqrt := func(v float32) float32 { return float32(math.Sqrt(float64(max(v, 0)))) }
	sq := func(v float32) float32 { return v * v }
	var loss float32
	n, tn := g.CellLen(), g.TargetCellLen()
	for row := range g.S {
		for col := range g.S {
			p := pred[(row*g.S+col)*n : (row*g.S+col+1)*n]
			t := target[(row*g.S+col)*tn : (row*g.S+col+1)*tn]
			resp := -1
			var respIoU float32
			if t[4] > 0 {
				truth := g.targetBox(t, row, col)
				resp, respIoU = g.Responsible(pred, row, col, truth)
				for c := range g.C {
					loss += sq(p[5*g.B+c] - t[5+c])
				}
			}
			for b := range g.B {
				q := p[5*b : 5*b+5]
				if b != resp {
					loss += wts.NoObj * sq(q[4])
					continue
				}
				loss += wts.Coord * (sq(q[0]-t[0]) + sq(q[1]-t[1]))
				loss += wts.Coord * (sq(sqrt(q[2])-sqrt(t[2])) + sq(sqrt(q[3])-sqrt(t[3])))
				if wts.ConfidenceOne {
					loss += sq(q[4] - 1)
				} else {
					loss += sq(q[4] - respIoU)
				}
			}
		}
	}
	return loss
}

// targetBox returns the box in pixels of a target cell t at (row, col).
func (g YOLOGrid) targetBox(t []float32, row, col int) Box {
	cx := (float32(col) + t[0]) * g.Width / float32(g.S)
	cy := (float32(row) + t[1]) * g.Height / float32(g.S)
	return FromCXCYWH(cx, cy, t[2]*g.Width, t[3]*g.Height)
}

// Decode turns one image's prediction pred ([YOLOGrid.Len]) into detections as the paper does at test
// time: every predictor's box gets a class-specific score Pr(class | object) · confidence for every
// class; scores above scoreThreshold are kept, boxes are clipped to the image, and class-wise
// [BatchedNMS] with iouThreshold removes duplicates. Detections are returned by decreasing score.
// It panics if len(pred) != Len().
func (g YOLOGrid) Decode(pred []float32, scoreThreshold, iouThreshold float32) []Detection {
	g.check("Decode")
	if len(pred) != g.Len() {
		panic(fmt.Sprintf("detect: YOLOGrid.Decode: len(pred) = %d, want %d", len(pred), g.Len()))
	}
	var cand []Detection
	n := g.CellLen()
	for row := range g.S {
		for col := range g.S {
			p := pred[(row*g.S+col)*n : (row*g.S+col+1)*n]
			for b := range g.B {
				box := g.box(pred, row, col, b).Clip(g.Width, g.Height)
				if box.Empty() {
					continue
				}
				for c := range g.C {
					if s := p[5*g.B+c] * p[5*b+4]; s > scoreThreshold {
						cand = append(cand, Detection{Box: box, Class: c, Score: s})
					}
				}
			}
		}
	}
	boxes := make([]Box, len(cand))
	scores := make([]float32, len(cand))
	classes := make([]int, len(cand))
	for i, d := range cand {
		boxes[i], scores[i], classes[i] = d.Box, d.Score, d.Class
	}
	keep := BatchedNMS(boxes, scores, classes, iouThreshold)
	out := make([]Detection, len(keep))
	for i, k := range keep {
		out[i] = cand[k]
	}
	return slices.Clip(out)
}
