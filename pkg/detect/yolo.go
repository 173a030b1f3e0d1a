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

// PredictedBox returns the box in pixels of predictor b of cell (row, col) in pred, one image's
// prediction ([YOLOGrid.Len] values): its centre is the cell's corner plus (x, y) cells, its size
// (w, h) times the image's.
func (g YOLOGrid) PredictedBox(pred []float32, row, col, b int) Box {
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
		if v := IoU(g.PredictedBox(pred, row, col, b), truth); v > bestIoU {
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
	// the truth (the paper's Pr(object)·IoU): darknet's "rescore=0". The confidence then says
	// whether a cell holds an object, not how well its box fits. The zero value is the paper's loss.
	ConfidenceOne bool
}

// PaperYOLOLoss returns λcoord = 5, λnoobj = 0.5 (Redmon et al. 2016, section 2.2).
func PaperYOLOLoss() YOLOLossWeights { return YOLOLossWeights{Coord: 5, NoObj: 0.5} }

// YOLOLossTerms are the five sums of YOLO v1's loss (equation 3 of the paper), weights applied.
type YOLOLossTerms struct {
	// Center is λcoord Σ 1obj [(x - x̂)² + (y - ŷ)²]: the responsible predictors' centres.
	Center float32
	// Size is λcoord Σ 1obj [(√w - √ŵ)² + (√h - √ĥ)²]: their widths and heights, under square roots
	// so that an error of a few pixels costs more on a small box than on a large one.
	Size float32
	// Object is Σ 1obj (C - Ĉ)²: the responsible predictors' confidence against its target, the IoU
	// of the predicted box with the truth (or 1 with ConfidenceOne).
	Object float32
	// NoObject is λnoobj Σ 1noobj C²: every other predictor's confidence pushed towards 0.
	NoObject float32
	// Class is Σ_cells-with-object Σ_classes (p - p̂)²: one set of class probabilities per cell.
	Class float32
}

// Total is the loss: the sum of the five terms.
func (t YOLOLossTerms) Total() float32 { return t.Center + t.Size + t.Object + t.NoObject + t.Class }

// Loss returns YOLO v1's sum-squared loss of one image's prediction pred ([YOLOGrid.Len]) against
// target (from [YOLOGrid.Encode]): the Total of [YOLOGrid.LossTerms]. It is the plain-Go reference
// for the graph version used in training. It panics if the lengths do not match the grid.
func (g YOLOGrid) Loss(pred, target []float32, wts YOLOLossWeights) float32 {
	return g.LossTerms(pred, target, wts).Total()
}

// LossTerms returns the five terms of YOLO v1's loss of one image, as equation (3) of the paper:
//
//	λcoord Σ 1obj [(x - x̂)² + (y - ŷ)²] + λcoord Σ 1obj [(√w - √ŵ)² + (√h - √ĥ)²]
//	+ Σ 1obj (C - Ĉ)² + λnoobj Σ 1noobj (C - Ĉ)² + Σ_cells-with-object Σ_classes (p - p̂)²
//
// where 1obj marks the responsible predictor of a cell with an object ([YOLOGrid.Responsible]: of
// the cell's B predictors, the one whose box has the highest IoU with the truth) and 1noobj every
// other predictor. The responsible predictor's target confidence Ĉ is its IoU with the truth
// (confidence = Pr(object)·IoU), or 1 with wts.ConfidenceOne; the others' is 0. A negative predicted
// w or h counts as 0 under the square root. It panics if the lengths do not match the grid.
func (g YOLOGrid) LossTerms(pred, target []float32, wts YOLOLossWeights) YOLOLossTerms {
	g.check("LossTerms")
	g.checkLens("LossTerms", pred, target)
	sqrt := func(v float32) float32 { return float32(math.Sqrt(float64(max(v, 0)))) }
	sq := func(v float32) float32 { return v * v }
	var terms YOLOLossTerms
	n, tn := g.CellLen(), g.TargetCellLen()
	for row := range g.S {
		for col := range g.S {
			p := pred[(row*g.S+col)*n : (row*g.S+col+1)*n]
			t := target[(row*g.S+col)*tn : (row*g.S+col+1)*tn]
			resp := -1
			var respIoU float32
			if t[4] > 0 {
				resp, respIoU = g.Responsible(pred, row, col, g.targetBox(t, row, col))
				for c := range g.C {
					terms.Class += sq(p[5*g.B+c] - t[5+c])
				}
			}
			for b := range g.B {
				q := p[5*b : 5*b+5]
				if b != resp {
					terms.NoObject += wts.NoObj * sq(q[4])
					continue
				}
				terms.Center += wts.Coord * (sq(q[0]-t[0]) + sq(q[1]-t[1]))
				terms.Size += wts.Coord * (sq(sqrt(q[2])-sqrt(t[2])) + sq(sqrt(q[3])-sqrt(t[3])))
				if wts.ConfidenceOne {
					respIoU = 1
				}
				terms.Object += sq(q[4] - respIoU)
			}
		}
	}
	return terms
}

// checkLens panics unless pred and target have the lengths of one image's prediction and target.
func (g YOLOGrid) checkLens(name string, pred, target []float32) {
	if len(pred) != g.Len() || len(target) != g.S*g.S*g.TargetCellLen() {
		panic(fmt.Sprintf("detect: YOLOGrid.%s: len(pred) = %d, len(target) = %d, want %d and %d",
			name, len(pred), len(target), g.Len(), g.S*g.S*g.TargetCellLen()))
	}
}

// ResponsibleConfidences returns, for every cell of target that holds an object, the confidence the
// cell's responsible predictor gives in pred and that predictor's IoU with the truth: the pairs the
// loss's object term compares. Trained with the paper's target, the confidence estimates the IoU;
// with the target 1 it does not. It panics if the lengths do not match the grid.
func (g YOLOGrid) ResponsibleConfidences(pred, target []float32) (confidence, iou []float32) {
	g.check("ResponsibleConfidences")
	g.checkLens("ResponsibleConfidences", pred, target)
	tn := g.TargetCellLen()
	for row := range g.S {
		for col := range g.S {
			t := target[(row*g.S+col)*tn : (row*g.S+col+1)*tn]
			if t[4] <= 0 {
				continue
			}
			b, v := g.Responsible(pred, row, col, g.targetBox(t, row, col))
			confidence = append(confidence, pred[(row*g.S+col)*g.CellLen()+5*b+4])
			iou = append(iou, v)
		}
	}
	return confidence, iou
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
				box := g.PredictedBox(pred, row, col, b).Clip(g.Width, g.Height)
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
