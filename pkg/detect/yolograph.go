package detect

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
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
func YOLOLossGraph(grid YOLOGrid, pred, target *graph.Node, wts YOLOLossWeights) *graph.Node {
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
	field := func(x *graph.Node, i int) *graph.Node { return graph.SliceAxis(x, -1, graph.AxisRange(i, i+1)) } // [batch, S, S, 1]
	cellShape := pred.Shape().Clone()
	cellShape.Dimensions = []int{1, S, S, 1}
	row := graph.ConvertDType(graph.Iota(g, cellShape, 1), dt)
	col := graph.ConvertDType(graph.Iota(g, cellShape, 2), dt)
	cellW, cellH := float64(grid.Width)/float64(S), float64(grid.Height)/float64(S)
	// corners returns the box of (x, y, w, h) in pixels, as YOLOGrid.box computes it.
	corners := func(x, y, w, h *graph.Node) (x1, y1, x2, y2 *graph.Node) {
		cx := graph.MulScalar(graph.Add(col, x), cellW)
		cy := graph.MulScalar(graph.Add(row, y), cellH)
		hw, hh := graph.MulScalar(w, 0.5*float64(grid.Width)), graph.MulScalar(h, 0.5*float64(grid.Height))
		return graph.Sub(cx, hw), graph.Sub(cy, hh), graph.Add(cx, hw), graph.Add(cy, hh)
	}
	zero := graph.ScalarZero(g, dt)
	area := func(x1, y1, x2, y2 *graph.Node) *graph.Node {
		w, h := graph.Sub(x2, x1), graph.Sub(y2, y1)
		return graph.Where(graph.LogicalAnd(graph.GreaterThan(w, zero), graph.GreaterThan(h, zero)), graph.Mul(w, h), graph.ZerosLike(w))
	}
	tx, ty, tw, th, tobj := field(target, 0), field(target, 1), field(target, 2), field(target, 3), field(target, 4)
	tx1, ty1, tx2, ty2 := corners(tx, ty, tw, th)
	tArea := area(tx1, ty1, tx2, ty2)

	ious := make([]*graph.Node, B)
	for b := range B {
		px1, py1, px2, py2 := corners(field(pred, 5*b), field(pred, 5*b+1), field(pred, 5*b+2), field(pred, 5*b+3))
		iw := graph.Max(graph.Sub(graph.Min(px2, tx2), graph.Max(px1, tx1)), zero)
		ih := graph.Max(graph.Sub(graph.Min(py2, ty2), graph.Max(py1, ty1)), zero)
		inter := graph.Mul(iw, ih)
		union := graph.Sub(graph.Add(area(px1, py1, px2, py2), tArea), inter)
		positive := graph.GreaterThan(inter, zero)
		ious[b] = graph.Where(positive, graph.Div(inter, graph.Where(positive, union, graph.OnesLike(union))), graph.ZerosLike(inter))
	}
	iou := graph.StopGradient(graph.Concatenate(ious, -1))              // [batch, S, S, B]
	resp := graph.Mul(graph.OneHot(graph.ArgMax(iou, -1), B, dt), tobj) // 1obj_ij
	respIoU := graph.ReduceSum(graph.Mul(resp, iou), -1)                // [batch, S, S]
	if wts.ConfidenceOne {
		respIoU = graph.ReduceSum(resp, -1)
	}
	sqrt := func(v *graph.Node) *graph.Node { return graph.Sqrt(graph.Max(v, graph.Scalar(g, dt, sqrtFloor))) }
	classErr := graph.ReduceSum(graph.Square(graph.Sub(graph.SliceAxis(pred, -1, graph.AxisRange(5*B, 5*B+C)), graph.SliceAxis(target, -1, graph.AxisRange(5, 5+C)))), -1)
	perImage := graph.ReduceSum(graph.Mul(tobj, graph.ExpandAxes(classErr, -1)), 1, 2, 3) // class term, [batch]
	for b := range B {
		r := graph.SliceAxis(resp, -1, graph.AxisRange(b, b+1)) // [batch, S, S, 1]
		px, py, pw, ph, pc := field(pred, 5*b), field(pred, 5*b+1), field(pred, 5*b+2), field(pred, 5*b+3), field(pred, 5*b+4)
		coord := graph.Add(graph.Add(graph.Square(graph.Sub(px, tx)), graph.Square(graph.Sub(py, ty))),
			graph.Add(graph.Square(graph.Sub(sqrt(pw), sqrt(tw))), graph.Square(graph.Sub(sqrt(ph), sqrt(th)))))
		obj := graph.Square(graph.Sub(pc, graph.ExpandAxes(respIoU, -1)))
		noobj := graph.Square(pc)
		cell := graph.Add(graph.Mul(r, graph.Add(graph.MulScalar(coord, float64(wts.Coord)), obj)),
			graph.Mul(graph.OneMinus(r), graph.MulScalar(noobj, float64(wts.NoObj))))
		perImage = graph.Add(perImage, graph.ReduceSum(cell, 1, 2, 3))
	}
	return graph.DivScalar(graph.ReduceAllSum(perImage), float64(batch))
}
