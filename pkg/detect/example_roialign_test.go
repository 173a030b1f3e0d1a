package detect_test

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// RoIAlign of a 4x4 feature map whose cell (y, x) holds 10·y + x: the region (1, 0.5)-(3, 2.5) pooled
// into one bin, sampled once at its centre (x = 2, y = 1.5), reads cells (1, 2) and (2, 2) half each.
func ExampleRoIAlignWeights() {
	features := make([]float32, 16)
	for y := range 4 {
		for x := range 4 {
			features[y*4+x] = float32(10*y + x)
		}
	}
	roi := detect.Box{X1: 1, Y1: 0.5, X2: 3, Y2: 2.5}
	wy, wx := detect.RoIAlignWeights(4, 4, roi, 1, 1, 1, 1)
	fmt.Println("along y:", wy, "along x:", wx)
	fmt.Println("pooled:", detect.RoIAlign(features, 4, 4, 1, roi, 1, 1, 1, 1))
	// Output:
	// along y: [0 0.5 0.5 0] along x: [0 0 1 0]
	// pooled: [17]
}
