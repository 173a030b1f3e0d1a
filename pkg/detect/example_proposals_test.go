package detect_test

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// twoSquares is a 40x30 grey image with a white 10x10 square at (5, 5) and a black 12x8 one at (22, 15).
func twoSquares() detect.Image {
	m := image.NewGray(image.Rect(0, 0, 40, 30))
	draw.Draw(m, m.Bounds(), image.NewUniform(color.Gray{128}), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(5, 5, 15, 15), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(22, 15, 34, 23), image.NewUniform(color.Black), image.Point{}, draw.Src)
	return detect.ImageFrom(m)
}

func ExampleImageFrom() {
	img := twoSquares()
	fmt.Println(img.Width, img.Height, img.Channels, img.Pix[3*(6*40+6)]) // a pixel of the white square
	// Output: 40 30 3 1
}

func ExampleSegmentGraph() {
	seg := detect.SegmentGraph(twoSquares(), 100, 0, 20)
	fmt.Println(seg.NumRegions, seg.Labels[0], seg.Labels[6*40+6], seg.Labels[16*40+25])
	// Output: 3 0 1 2
}

func ExampleSelectiveSearch() {
	cfg := detect.SelectiveSearchSingle()
	cfg.MinSize = 10 // a small image: keep regions down to 10 pixels
	boxes := detect.SelectiveSearch(twoSquares(), cfg)
	for _, want := range []detect.Box{{X1: 5, Y1: 5, X2: 15, Y2: 15}, {X1: 22, Y1: 15, X2: 34, Y2: 23}} {
		best := float32(0)
		for _, b := range boxes {
			best = max(best, detect.IoU(b, want))
		}
		fmt.Printf("best IoU with %v: %.2f\n", want, best)
	}
	// Output:
	// best IoU with (5,5)-(15,15): 1.00
	// best IoU with (22,15)-(34,23): 1.00
}

func ExampleSelectiveSearchSingle() {
	c := detect.SelectiveSearchSingle()
	fmt.Println(c.ColourSpaces, c.Similarities, c.Ks)
	// Output: [HSV] [C+T+S+F] [100]
}

func ExampleSelectiveSearchFast() {
	c := detect.SelectiveSearchFast()
	fmt.Println(c.ColourSpaces, c.Similarities, c.Ks)
	// Output: [HSV Lab] [C+T+S+F T+S+F] [50 100]
}

func ExampleColourSpace_String() {
	fmt.Println(detect.RGB, detect.HSV, detect.Lab)
	// Output: RGB HSV Lab
}

func ExampleSimilarity_String() {
	fmt.Println(detect.TextureSim|detect.SizeSim|detect.FillSim, detect.ColourSim)
	// Output: T+S+F C
}

func ExampleSlidingWindows() {
	// Squares of side 10 and 2:1 windows of the same area, half-overlapping, in a 20x20 image.
	w := detect.SlidingWindows(20, 20, []float32{10}, []float32{1, 2}, 0.5)
	fmt.Println(len(w), w[0], w[len(w)-1])
	// Output: 19 (0,0)-(10,10) (5.858,12.93)-(20,20)
}

func ExampleProposalRecall() {
	gt := []detect.Box{{X1: 0, Y1: 0, X2: 10, Y2: 10}, {X1: 20, Y1: 0, X2: 30, Y2: 10}}
	proposals := []detect.Box{{X1: 1, Y1: 0, X2: 10, Y2: 10}, {X1: 40, Y1: 40, X2: 50, Y2: 50}}
	fmt.Println(detect.ProposalRecall(proposals, gt, 0.5))
	// Output: 0.5
}

func ExamplePooledProposalRecall() {
	gt := [][]detect.Box{{{X1: 0, Y1: 0, X2: 10, Y2: 10}}, {{X1: 0, Y1: 0, X2: 4, Y2: 4}, {X1: 5, Y1: 5, X2: 9, Y2: 9}}}
	proposals := [][]detect.Box{{{X1: 0, Y1: 0, X2: 10, Y2: 10}}, {{X1: 0, Y1: 0, X2: 4, Y2: 4}}}
	fmt.Printf("%.3f\n", detect.PooledProposalRecall(proposals, gt, 0.5)) // 2 of 3 objects
	// Output: 0.667
}
