package detect_test

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func ExampleLabelProposals() {
	objects := []detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 3}}
	proposals := []detect.Box{
		{X1: 0, Y1: 0, X2: 10, Y2: 12},  // IoU 0.83: digit 3
		{X1: 0, Y1: 0, X2: 10, Y2: 25},  // IoU 0.4: ignored
		{X1: 40, Y1: 0, X2: 50, Y2: 10}, // IoU 0: background (label 10 of 10 classes)
	}
	labels, matched := detect.LabelProposals(proposals, objects, 10, 0.5, 0.3)
	fmt.Println(labels, matched)
	// Output: [3 -1 10] [0 0 0]
}

func ExampleBoxDelta() {
	p := detect.Box{X1: 10, Y1: 20, X2: 30, Y2: 60} // centre (20, 40), 20x40
	g := detect.Box{X1: 15, Y1: 20, X2: 35, Y2: 60} // moved right by a quarter width
	fmt.Println(detect.BoxDelta(p, g))
	// Output: [0.25 0 0 0]
}

func ExampleApplyDelta() {
	p := detect.Box{X1: 10, Y1: 20, X2: 30, Y2: 60}
	fmt.Println(detect.ApplyDelta(p, [4]float32{0.25, 0, 0, 0}))
	// Output: (15,20)-(35,60)
}

func ExampleWarpRegion() {
	// A 4x4 image whose value is the column index / 3; warp its left half to 2x2.
	img := detect.Image{Width: 4, Height: 4, Channels: 1, Pix: make([]float32, 16)}
	for i := range img.Pix {
		img.Pix[i] = float32(i%4) / 3
	}
	w := detect.WarpRegion(img, detect.Box{X1: 0, Y1: 0, X2: 2, Y2: 4}, 2, 0)
	fmt.Printf("%.3f\n", w)
	// Output: [0.000 0.333 0.000 0.333]
}

func ExampleRoIPool() {
	// A 4x4 one-channel feature map holding 0..15; pool the whole map into 2x2 bins.
	feat := make([]float32, 16)
	for i := range feat {
		feat[i] = float32(i)
	}
	fmt.Println(detect.RoIPool(feat, 4, 4, 1, detect.Box{X1: 0, Y1: 0, X2: 3, Y2: 3}, 1, 2, 2))
	// With spatial scale 1/2 the same box, given in image pixels of twice the size, pools the same way.
	fmt.Println(detect.RoIPool(feat, 4, 4, 1, detect.Box{X1: 0, Y1: 0, X2: 6, Y2: 6}, 0.5, 2, 2))
	// Output:
	// [5 7 13 15]
	// [5 7 13 15]
}

func ExampleRoIPoolBins() {
	// The 2x2 bins of a 3x3-cell region at the top left of a 4x4 map: torchvision's bins overlap by
	// one cell, because each bin runs from floor(i·1.5) to ceil((i+1)·1.5).
	fmt.Println(detect.RoIPoolBins(4, 4, detect.Box{X1: 0, Y1: 0, X2: 2, Y2: 2}, 1, 2, 2))
	// Output:
	// [(0,0)-(2,2) (1,0)-(3,2) (0,1)-(2,3) (1,1)-(3,3)]
}
