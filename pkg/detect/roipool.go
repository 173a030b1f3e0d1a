package detect

import (
	"fmt"
	"image"
	"math"
)

// RoIPool max-pools region roi of a feature map into outH x outW bins: Fast R-CNN's RoI pooling
// (Girshick 2015), with the rounding of torchvision.ops.roi_pool (torchvision 0.14), so the two agree.
//
// features is one feature map, height x width x channels (HWC). roi is in input-image pixels and
// spatialScale maps it onto the feature map (1/16 for VGG16's conv5). The bins are those of
// [RoIPoolBins]. An empty bin gives 0. The result is outH·outW·channels values, HWC. It panics if
// len(features) != height·width·channels or an output size is not positive.
func RoIPool(features []float32, height, width, channels int, roi Box, spatialScale float32, outH, outW int) []float32 {
	if len(features) != height*width*channels || outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("detect: RoIPool: len(features) = %d for %dx%dx%d, output %dx%d: want equal and positive sizes",
			len(features), height, width, channels, outH, outW))
	}
	bins := RoIPoolBins(height, width, roi, spatialScale, outH, outW)
	out := make([]float32, outH*outW*channels)
	for k, bin := range bins {
		dst := out[k*channels : (k+1)*channels]
		if bin.Empty() {
			continue // empty bin: 0
		}
		for c := range channels {
			m := float32(math.Inf(-1))
			for y := bin.Min.Y; y < bin.Max.Y; y++ {
				for x := bin.Min.X; x < bin.Max.X; x++ {
					m = max(m, features[(y*width+x)*channels+c])
				}
			}
			dst[c] = m
		}
	}
	return out
}

// RoIPoolBins returns the feature-map cells that each of the outH x outW bins of [RoIPool] covers,
// row-major, as rectangles in cell coordinates (Max exclusive) clipped to the height x width map; an
// empty rectangle is an empty bin. Following torchvision, roi's corners times spatialScale are rounded
// to the nearest cell (math.Round, half away from zero) and the region includes its last cell (a +1
// width, the legacy convention); it is split into bins of equal real size, bin (i, j) covering cells
// floor(i·binH) to ceil((i+1)·binH) from the region's start. The bins are what a graph version of
// RoI pooling needs (the lesson's Fast R-CNN pools with them inside its training graph). It panics if
// a size is not positive.
func RoIPoolBins(height, width int, roi Box, spatialScale float32, outH, outW int) []image.Rectangle {
	if height <= 0 || width <= 0 || outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("detect: RoIPoolBins: feature map %dx%d, output %dx%d: want positive sizes", height, width, outH, outW))
	}
	round := func(v float32) int { return int(math.Round(float64(v * spatialScale))) }
	x1, y1, x2, y2 := round(roi.X1), round(roi.Y1), round(roi.X2), round(roi.Y2)
	rw, rh := max(x2-x1+1, 1), max(y2-y1+1, 1)
	binW, binH := float32(rw)/float32(outW), float32(rh)/float32(outH)
	out := make([]image.Rectangle, 0, outH*outW)
	for i := range outH {
		hs := min(max(int(math.Floor(float64(float32(i)*binH)))+y1, 0), height)
		he := min(max(int(math.Ceil(float64(float32(i+1)*binH)))+y1, 0), height)
		for j := range outW {
			ws := min(max(int(math.Floor(float64(float32(j)*binW)))+x1, 0), width)
			we := min(max(int(math.Ceil(float64(float32(j+1)*binW)))+x1, 0), width)
			var r image.Rectangle // not image.Rect, which would swap reversed corners
			r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = ws, hs, we, he
			out = append(out, r)
		}
	}
	return out
}
