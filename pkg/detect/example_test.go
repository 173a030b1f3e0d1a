package detect_test

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func ExampleFromCXCYWH() {
	// YOLO predicts a centre and a size; convert to corners.
	b := detect.FromCXCYWH(50, 40, 20, 10)
	fmt.Println(b)
	// Output: (40,35)-(60,45)
}

func ExampleFromXYWH() {
	// COCO stores [x, y, width, height].
	b := detect.FromXYWH(10, 20, 30, 40)
	fmt.Println(b, b.Width(), b.Height())
	// Output: (10,20)-(40,60) 30 40
}

func ExampleBox_CXCYWH() {
	cx, cy, w, h := detect.Box{X1: 40, Y1: 35, X2: 60, Y2: 45}.CXCYWH()
	fmt.Println(cx, cy, w, h)
	// Output: 50 40 20 10
}

func ExampleBox_XYWH() {
	x, y, w, h := detect.Box{X1: 10, Y1: 20, X2: 40, Y2: 60}.XYWH()
	fmt.Println(x, y, w, h)
	// Output: 10 20 30 40
}

func ExampleBox_Area() {
	fmt.Println(detect.Box{X1: 0, Y1: 0, X2: 4, Y2: 3}.Area())
	fmt.Println(detect.Box{X1: 5, Y1: 5, X2: 1, Y2: 9}.Area()) // inverted: empty
	// Output:
	// 12
	// 0
}

func ExampleBox_Empty() {
	fmt.Println(detect.Box{X1: 0, Y1: 0, X2: 1, Y2: 1}.Empty())
	fmt.Println(detect.Box{X1: 3, Y1: 0, X2: 3, Y2: 1}.Empty()) // zero width
	// Output:
	// false
	// true
}

func ExampleBox_Width() {
	b := detect.Box{X1: 2, Y1: 1, X2: 7, Y2: 4}
	fmt.Println(b.Width(), b.Height())
	// Output: 5 3
}

func ExampleBox_Height() {
	fmt.Println(detect.Box{X1: 0, Y1: 10, X2: 1, Y2: 4}.Height()) // inverted: negative
	// Output: -6
}

func ExampleBox_Intersect() {
	a := detect.Box{X1: 0, Y1: 0, X2: 4, Y2: 4}
	fmt.Println(a.Intersect(detect.Box{X1: 2, Y1: 1, X2: 6, Y2: 3}))
	// Output: (2,1)-(4,3)
}

func ExampleBox_Enclose() {
	a := detect.Box{X1: 0, Y1: 0, X2: 1, Y2: 1}
	fmt.Println(a.Enclose(detect.Box{X1: 5, Y1: 2, X2: 6, Y2: 3}))
	// Output: (0,0)-(6,3)
}

func ExampleBox_Clip() {
	b := detect.Box{X1: -5, Y1: 10, X2: 120, Y2: 40}
	fmt.Println(b.Clip(100, 30))
	// Output: (0,10)-(100,30)
}

func ExampleBox_Scale() {
	// A box found on a 224x224 resize of a 448x336 image, mapped back.
	b := detect.Box{X1: 10, Y1: 20, X2: 30, Y2: 40}
	fmt.Println(b.Scale(448.0/224, 336.0/224))
	// Output: (20,30)-(60,60)
}

func ExampleBox_String() {
	fmt.Println(detect.Box{X1: 1.5, Y1: 2, X2: 3.25, Y2: 4})
	// Output: (1.5,2)-(3.25,4)
}

func ExampleIoU() {
	a := detect.Box{X1: 0, Y1: 0, X2: 2, Y2: 2}
	b := detect.Box{X1: 1, Y1: 1, X2: 3, Y2: 3}
	// Intersection 1, union 4 + 4 - 1 = 7.
	fmt.Printf("%.4f\n", detect.IoU(a, b))
	fmt.Println(detect.IoU(a, a), detect.IoU(a, detect.Box{X1: 2, Y1: 0, X2: 4, Y2: 2}))
	// Output:
	// 0.1429
	// 1 0
}

func ExampleGIoU() {
	a := detect.Box{X1: 0, Y1: 0, X2: 1, Y2: 1}
	// Disjoint boxes all have IoU 0, but GIoU still says how far apart they are.
	fmt.Printf("%.3f %.3f\n", detect.GIoU(a, detect.Box{X1: 2, Y1: 0, X2: 3, Y2: 1}),
		detect.GIoU(a, detect.Box{X1: 9, Y1: 0, X2: 10, Y2: 1}))
	// Output: -0.333 -0.800
}

func ExampleIoUMatrix() {
	a := []detect.Box{{X1: 0, Y1: 0, X2: 2, Y2: 2}, {X1: 5, Y1: 5, X2: 6, Y2: 6}}
	b := []detect.Box{{X1: 0, Y1: 0, X2: 2, Y2: 1}, {X1: 5, Y1: 5, X2: 6, Y2: 6}, {X1: 9, Y1: 9, X2: 10, Y2: 10}}
	m := detect.IoUMatrix(a, b) // row-major 2x3
	fmt.Println(m[:3])
	fmt.Println(m[3:])
	// Output:
	// [0.5 0 0]
	// [0 1 0]
}

func ExampleIoUMatrixTo() {
	a := []detect.Box{{X1: 0, Y1: 0, X2: 2, Y2: 2}}
	b := []detect.Box{{X1: 0, Y1: 0, X2: 2, Y2: 1}, {X1: 1, Y1: 0, X2: 3, Y2: 2}}
	dst := make([]float32, len(a)*len(b)) // reuse across calls
	fmt.Println(detect.IoUMatrixTo(dst, a, b))
	// Output: [0.5 0.33333334]
}

func ExampleNMS() {
	boxes := []detect.Box{
		{X1: 0, Y1: 0, X2: 10, Y2: 10},
		{X1: 1, Y1: 1, X2: 11, Y2: 11}, // IoU 81/119 = 0.68 with box 0
		{X1: 0, Y1: 0, X2: 10, Y2: 20}, // IoU 0.5 with box 0 exactly: survives
		{X1: 50, Y1: 50, X2: 60, Y2: 60},
	}
	scores := []float32{0.9, 0.8, 0.7, 0.6}
	fmt.Println(detect.NMS(boxes, scores, 0.5))
	// Output: [0 2 3]
}

func ExampleBatchedNMS() {
	boxes := []detect.Box{
		{X1: 0, Y1: 0, X2: 10, Y2: 10},
		{X1: 1, Y1: 1, X2: 11, Y2: 11}, // same class as box 0: suppressed
		{X1: 0, Y1: 0, X2: 10, Y2: 10}, // another class: kept
	}
	scores := []float32{0.9, 0.8, 0.7}
	classes := []int{3, 3, 5}
	fmt.Println(detect.BatchedNMS(boxes, scores, classes, 0.5))
	// Output: [0 2]
}

func ExampleSoftNMS() {
	boxes := []detect.Box{{X1: 0, Y1: 0, X2: 10, Y2: 10}, {X1: 1, Y1: 1, X2: 10, Y2: 10}, {X1: 50, Y1: 50, X2: 60, Y2: 60}}
	scores := []float32{0.9, 0.8, 0.5}
	// Box 1 overlaps box 0 with IoU 0.81: hard NMS would delete it, Soft-NMS lowers its score.
	keep, s := detect.SoftNMS(boxes, scores, detect.DefaultSoftNMS(detect.SoftGaussian))
	fmt.Println(keep)
	fmt.Printf("%.3f\n", s)
	// Output:
	// [0 2 1]
	// [0.900 0.500 0.215]
}

func ExampleDefaultSoftNMS() {
	fmt.Printf("%+v\n", detect.DefaultSoftNMS(detect.SoftLinear))
	// Output: {Method:linear IoUThreshold:0.3 Sigma:0.5 ScoreThreshold:0.001}
}

func ExampleSoftNMSMethod_String() {
	fmt.Println(detect.SoftLinear, detect.SoftGaussian)
	// Output: linear gaussian
}
