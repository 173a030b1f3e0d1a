package detect

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // GoMLX's documented style.
)

// sqrtFloor keeps YOLOLossGraph's square roots away from 0, where the gradient of √ is infinite;
// below it the gradient is 0, as for √max(v, 0). √sqrtFloor = 1e-6 is far below any box size.
const sqrtFloor = 1e-12

// YOLOLossGraph builds YOLO v1's loss, the graph version of [YOLOGrid.Loss]: pred is
// [batch, S, S, 5B + C] and target [batch, S, S, 5 + C] (from [YOLOGrid.Encode]), both float32, in
// the layout of [YOLOGrid]. It returns a scalar, the mean over the batch of each image's summed loss
// (the paper sums over an image; the mean keeps the learning rate independent of the batch size).
//
// The responsible predictor of each cell (highest IoU with the truth, ties to the lower index) and the
// confidence target IoU are computed inside the graph and held constant for the gradient (StopGradient),
// as the confidence target is a label, not a prediction. Square roots of w and h use max(v, 1e-12), so
// a predicted size <= 0 gets no gradient through the root rather than an infinite one.
func YOLOLossGraph(grid YOLOGrid, pred, target *Node, wts YOLOLossWeights) *Node {
	grid.check("YOLOLossGraph")
	S, B, C := grid.S, grid.B, grid.C
	if pred.Rank() != 4 || pred.Shape().Dim(1) != S || pred.Shape().Dim(2) != S || pred.Shape().Dim(3) != grid.CellLen() {
		panic(fmt.Sprintf("detect: YOLOLossGraph: pred shape %s, want [batch, %d, %d, %d]", pred.Shape(), S, S, grid.CellLen()))
	}
	if target.Rank() != 4 || target.Shape().Dim(0) != pred.Shape().Dim(0) || target.Shape().Dim(1) != S ||
		target.Shape().Dim(2) != S || target.Shape().Dim(3) != grid.TargetCellLen() {
		panic(fmt.Sprintf("detect: YOLOLossGraph: target shape %s, want [%d, %d, %d, %d]", target.Shape(),
			pred.Shape().Dim(0), S, S, grid.TargetCellLen()))
	}
	g := pred.Graph()
	dt := pred.DType()
	batch := pred.Shape().Dim(0)
	field := func(x *Node, i int) *Node { return SliceAxis(x, -1, AxisRange(i, i+1)) } // [batch, S, S, 1]
	cellShape := pred.Shape().Clone()
	cellShape.Dimensions = []int{1, S, S, 1}
	row := ConvertDType(Iota(g, cellShape, 1), dt)
	col := ConvertDType(Iota(g, cellShape, 2), dt)
	cellW, cellH := float64(grid.Width)/float64(S), float64(grid.Height)/float64(S)
	// corners returns the box of (x, y, w, h) in pixels, as YOLOGrid.box computes it.
	corners := func(x, y, w, h *Node) (x1, y1, x2, y2 *Node) {
		cx := MulScalar(Add(col, x), cellW)
		cy := MulScalar(Add(row, y), cellH)
		hw, hh := MulScalar(w, 0.5*float64(grid.Width)), MulScalar(h, 0.5*float64(grid.Height))
		return Sub(cx, hw), Sub(cy, hh), Add(cx, hw), Add(cy, hh)
	}
	zero := ScalarZero(g, dt)
	area := func(x1, y1, x2, y2 *Node) *Node {
		w, h := Sub(x2, x1), Sub(y2, y1)
		return Where(LogicalAnd(GreaterThan(w, zero), GreaterThan(h, zero)), Mul(w, h), ZerosLike(w))
	}
	tx, ty, tw, th, tobj := field(target, 0), field(target, 1), field(target, 2), field(target, 3), field(target, 4)
	tx1, ty1, tx2, ty2 := corners(tx, ty, tw, th)
	tArea := area(tx1, ty1, tx2, ty2)

	ious := make([]*Node, B)
	for b := range B {
		px1, py1, px2, py2 := corners(field(pred, 5*b), field(pred, 5*b+1), field(pred, 5*b+2), field(pred, 5*b+3))
		iw := Max(Sub(Min(px2, tx2), Max(px1, tx1)), zero)
		ih := Max(Sub(Min(py2, ty2), Max(py1, ty1)), zero)
		inter := Mul(iw, ih)
		union := Sub(Add(area(px1, py1, px2, py2), tArea), inter)
		positive := GreaterThan(inter, zero)
		ious[b] = Where(positive, Div(inter, Where(positive, union, OnesLike(union))), ZerosLike(inter))
	}
	iou := StopGradient(Concatenate(ious, -1))        // [batch, S, S, B]
	resp := Mul(OneHot(ArgMax(iou, -1), B, dt), tobj) // 1obj_ij
	respIoU := ReduceSum(Mul(resp, iou), -1)          // [batch, S, S]
	if wts.ConfidenceOne {
		respIoU = ReduceSum(resp, -1)
	}
	sqrt := func(v *Node) *Node { return Sqrt(Max(v, Scalar(g, dt, sqrtFloor))) }
	classErr := ReduceSum(Square(Sub(SliceAxis(pred, -1, AxisRange(5*B, 5*B+C)), SliceAxis(target, -1, AxisRange(5, 5+C)))), -1)
	perImage := ReduceSum(Mul(tobj, ExpandAxes(classErr, -1)), 1, 2, 3) // class term, [batch]
	for b := range B {
		r := SliceAxis(resp, -1, AxisRange(b, b+1)) // [batch, S, S, 1]
		px, py, pw, ph, pc := field(pred, 5*b), field(pred, 5*b+1), field(pred, 5*b+2), field(pred, 5*b+3), field(pred, 5*b+4)
		coord := Add(Add(Square(Sub(px, tx)), Square(Sub(py, ty))),
			Add(Square(Sub(sqrt(pw), sqrt(tw))), Square(Sub(sqrt(ph), sqrt(th)))))
		obj := Square(Sub(pc, ExpandAxes(respIoU, -1)))
		noobj := Square(pc)
		cell := Add(Mul(r, Add(MulScalar(coord, float64(wts.Coord)), obj)),
			Mul(OneMinus(r), MulScalar(noobj, float64(wts.NoObj))))
		perImage = Add(perImage, ReduceSum(cell, 1, 2, 3))
	}
	return DivScalar(ReduceAllSum(perImage), float64(batch))
}
