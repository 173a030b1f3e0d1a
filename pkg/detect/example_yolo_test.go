package detect_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// paperGrid is YOLO v1 on PASCAL VOC: 448x448 input, 7x7 cells, 2 boxes per cell, 20 classes.
var paperGrid = detect.YOLOGrid{S: 7, B: 2, C: 20, Width: 448, Height: 448}

func ExampleYOLOGrid_Len() {
	fmt.Println(paperGrid.CellLen(), paperGrid.Len(), paperGrid.TargetCellLen())
	// Output: 30 1470 25
}

func ExampleYOLOGrid_CellLen() {
	g := detect.YOLOGrid{S: 4, B: 1, C: 10, Width: 96, Height: 96}
	fmt.Println(g.CellLen()) // 5 box numbers + 10 classes
	// Output: 15
}

func ExampleYOLOGrid_TargetCellLen() {
	g := detect.YOLOGrid{S: 4, B: 3, C: 10, Width: 96, Height: 96}
	fmt.Println(g.TargetCellLen()) // one box per cell whatever B is
	// Output: 15
}

func ExampleYOLOGrid_Cell() {
	// Each cell is 64 pixels square.
	fmt.Println(paperGrid.Cell(100, 200))
	fmt.Println(paperGrid.Cell(448, 448)) // the far corner belongs to the last cell
	// Output:
	// 3 1
	// 6 6
}

func ExampleYOLOGrid_Encode() {
	g := detect.YOLOGrid{S: 2, B: 2, C: 3, Width: 100, Height: 100}
	target, dropped := g.Encode([]detect.Object{
		{Box: detect.Box{X1: 60, Y1: 10, X2: 90, Y2: 40}, Class: 2}, // centre (75, 25): cell (0, 1)
		{Box: detect.Box{X1: 70, Y1: 20, X2: 80, Y2: 30}, Class: 0}, // same cell: dropped
	})
	fmt.Println(target[g.TargetCellLen() : 2*g.TargetCellLen()]) // cell (0, 1): x y w h obj classes
	fmt.Println("dropped:", dropped)
	// Output:
	// [0.5 0.5 0.3 0.3 1 0 0 1]
	// dropped: 1
}

func ExampleYOLOGrid_Responsible() {
	g := detect.YOLOGrid{S: 1, B: 2, C: 1, Width: 10, Height: 10}
	pred := []float32{
		0.5, 0.5, 0.25, 1, 0.9, // a 2.5x10 box in the middle
		0.5, 0.5, 0.9, 0.9, 0.1, // a 9x9 box in the middle
		1,
	}
	p, iou := g.Responsible(pred, 0, 0, detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10})
	fmt.Println(p, iou)
	// Output: 1 0.81
}

func ExamplePaperYOLOLoss() {
	fmt.Printf("%+v\n", detect.PaperYOLOLoss())
	// Output: {Coord:5 NoObj:0.5 ConfidenceOne:false}
}

func ExampleYOLOGrid_Loss() {
	g := detect.YOLOGrid{S: 1, B: 2, C: 2, Width: 10, Height: 10}
	target, _ := g.Encode([]detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 0}})
	pred := []float32{
		0.5, 0.5, 0.25, 1, 0.5, // responsible (IoU 0.25)
		0.5, 0.5, 0.04, 0.04, 0.2, // not responsible
		0.7, 0.1,
	}
	// 5·(√0.25 - √1)² + (0.5 - 0.25)² + 0.5·0.2² + (0.7 - 1)² + (0.1 - 0)²
	fmt.Printf("%.4f\n", g.Loss(pred, target, detect.PaperYOLOLoss()))
	// Output: 1.4325
}

func ExampleYOLOGrid_Decode() {
	g := detect.YOLOGrid{S: 2, B: 1, C: 2, Width: 20, Height: 20}
	pred := make([]float32, g.Len())
	// Two neighbouring cells predict nearly the same class-1 box; NMS keeps the more confident one.
	copy(pred[0:7], []float32{0.95, 0.5, 0.5, 0.5, 0.9, 0.1, 0.9})
	copy(pred[7:14], []float32{0.05, 0.5, 0.5, 0.5, 0.8, 0.1, 0.9})
	for _, d := range g.Decode(pred, 0.2, 0.5) {
		fmt.Printf("class %d score %.2f box %v\n", d.Class, d.Score, d.Box)
	}
	// Output: class 1 score 0.81 box (4.5,0)-(14.5,10)
}

func ExampleYOLOLossGraph() {
	g := detect.YOLOGrid{S: 1, B: 2, C: 2, Width: 10, Height: 10}
	target, _ := g.Encode([]detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 0}})
	pred := []float32{0.5, 0.5, 0.25, 1, 0.5, 0.5, 0.5, 0.04, 0.04, 0.2, 0.7, 0.1}
	loss := graph.MustExecOnce(backend.MustNew(), func(p, t *graph.Node) *graph.Node {
		return detect.YOLOLossGraph(g, p, t, detect.PaperYOLOLoss())
	}, tensors.FromFlatDataAndDimensions(pred, 1, 1, 1, g.CellLen()),
		tensors.FromFlatDataAndDimensions(target, 1, 1, 1, g.TargetCellLen()))
	fmt.Printf("%.4f\n", tensors.ToScalar[float32](loss)) // as YOLOGrid.Loss
	// Output: 1.4325
}

func ExampleYOLOGrid_LossTerms() {
	g := detect.YOLOGrid{S: 1, B: 2, C: 2, Width: 10, Height: 10}
	target, _ := g.Encode([]detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 0}})
	pred := []float32{
		0.5, 0.5, 0.25, 1, 0.5, // centred, 2.5x10: IoU 0.25 with the truth, so responsible
		0.5, 0.5, 0.04, 0.04, 0.2, // centred, 0.4x0.4: IoU 0.0016
		0.7, 0.1, // Pr(class | object)
	}
	paper := g.LossTerms(pred, target, detect.PaperYOLOLoss()) // confidence target: the IoU, 0.25
	one := detect.PaperYOLOLoss()
	one.ConfidenceOne = true
	constant := g.LossTerms(pred, target, one) // confidence target: 1
	fmt.Printf("center %.4f size %.4f object %.4f no-object %.4f class %.4f\n", paper.Center, paper.Size, paper.Object, paper.NoObject, paper.Class)
	fmt.Printf("object term with target 1: %.4f; total %.4f vs %.4f\n", constant.Object, paper.Total(), constant.Total())
	// Output:
	// center 0.0000 size 1.2500 object 0.0625 no-object 0.0200 class 0.1000
	// object term with target 1: 0.2500; total 1.4325 vs 1.6200
}

func ExampleYOLOGrid_ResponsibleConfidences() {
	g := detect.YOLOGrid{S: 2, B: 2, C: 1, Width: 20, Height: 20}
	target, _ := g.Encode([]detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 0}}) // cell (0, 0)
	pred := make([]float32, g.Len())
	copy(pred, []float32{
		0.5, 0.5, 0.5, 0.5, 0.9, // the truth's box exactly: IoU 1, confidence 0.9
		0.5, 0.5, 0.25, 0.25, 0.3, // a quarter of it: IoU 0.25
		1,
	})
	conf, iou := g.ResponsibleConfidences(pred, target)
	fmt.Println(conf, iou)
	// Output: [0.9] [1]
}

func ExampleYOLOGrid_PredictedBox() {
	g := detect.YOLOGrid{S: 2, B: 1, C: 1, Width: 100, Height: 100}
	pred := make([]float32, g.Len())
	copy(pred[3*g.CellLen():], []float32{0.5, 0.5, 0.2, 0.4, 1}) // cell (1, 1): centre (75, 75), 20x40
	fmt.Println(g.PredictedBox(pred, 1, 1, 0))
	// Output: (65,55)-(85,95)
}
