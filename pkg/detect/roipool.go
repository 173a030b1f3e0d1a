package detect

import (
	"fmt"
	"math"
)

// RoIPool max-pools region roi of a feature map into outH x outW bins: Fast R-CNN's RoI pooling
// (Girshick 2015), with the rounding of torchvision.ops.roi_pool (torchvision 0.14), so the two agree.
//
// features is one feature map, height x width x channels (HWC). roi is in input-image pixels and
// spatialScale maps it onto the feature map (1/16 for VGG16's conv5). Following torchvision, the
// corners are rounded to the nearest feature cell (math.Round, half away from zero) and the region
// includes its last cell (a +1 width, the legacy convention); it is split into outH x outW bins of
// equal real size, bin (i, j) covering cells floor(i·binH) to ceil((i+1)·binH) (exclusive) from the
// region's start, clipped to the map. An empty bin gives 0. The result is outH·outW·channels values,
// HWC. It panics if len(features) != height·width·channels or an output size is not positive.
func RoIPool(features []float32, height, width, channels int, roi Box, spatialScale float32, outH, outW int) []float32 {
	if len(features) != height*width*channels || outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("detect: RoIPool: len(features) = %d for %dx%dx%d, output %dx%d: want equal and positive sizes",
			len(features), height, width, channels, outH, outW))
	}
	round := func(v float32) int { return int(math.Round(float64(v * spatialScale))) }
	x1, y1, x2, y2 := round(roi.X1), round(roi.Y1), round(roi.X2), round(roi.Y2)
	rw, rh := max(x2-x1+1, 1), max(y2-y1+1, 1)
	binW, binH := float32(rw)/float32(outW), float32(rh)/float32(outH)
	out := make([]float32, outH*outW*channels)
	for i := range outH {
		hs := min(max(int(math.Floor(float64(float32(i)*binH)))+y1, 0), height)
		he := min(max(int(math.Ceil(float64(float32(i+1)*binH)))+y1, 0), height)
		for j := range outW {
			ws := min(max(int(math.Floor(float64(float32(j)*binW)))+x1, 0), width)
			we := min(max(int(math.Ceil(float64(float32(j+1)*binW)))+x1, 0), width)
			dst := out[(i*outW+j)*channels : (i*outW+j+1)*channels]
			if he <= hs || we <= ws {
				continue // empty bin: 0
			}
			for c := range channels {
				m := float32(math.Inf(-1))
				for y := hs; y < he; y++ {
					for x := ws; x < we; x++ {
						m = max(m, features[(y*width+x)*channels+c])
					}
				}
				dst[c] = m
			}
		}
	}
	return out
}
