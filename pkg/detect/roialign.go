package detect

import (
	"fmt"
	"math"
)

// RoIAlignWeights returns the interpolation weights of RoIAlign (He et al. 2017, Mask R-CNN) of region
// roi over a height x width feature map into outH x outW bins, samplingRatio² samples per bin. They are
// separable: bin (i, j) is Σ_y Σ_x wy[i·height + y] · wx[j·width + x] · features[y, x], so a bin is two
// small matrix products away from the feature map, and the weights do not depend on the features.
//
// It follows torchvision.ops.roi_align (torchvision 0.14) with aligned = false and a fixed sampling
// ratio: roi's corners times spatialScale give the region in cell coordinates (cell centres are not
// shifted by half a cell), its sides are at least 1, each bin is sampled at a samplingRatio x
// samplingRatio grid of points at the centres of equal sub-bins, each sample is the bilinear
// interpolation of its 4 nearest cells (a sample more than one cell outside the map counts 0, one just
// outside is clamped onto the edge), and a bin is the mean of its samples. Bilinear interpolation is a
// product of a weight along y and one along x, and so is the sample grid, which is why the weights
// separate. Unlike [RoIPool] nothing is rounded, so a bin moves smoothly with the box.
//
// It panics if a size or samplingRatio is not positive.
func RoIAlignWeights(height, width int, roi Box, spatialScale float32, outH, outW, samplingRatio int) (wy, wx []float32) {
	if height <= 0 || width <= 0 || outH <= 0 || outW <= 0 || samplingRatio <= 0 {
		panic(fmt.Sprintf("detect: RoIAlignWeights: feature map %dx%d, output %dx%d, sampling ratio %d: want positive sizes",
			height, width, outH, outW, samplingRatio))
	}
	wy = alignAxis(roi.Y1*spatialScale, roi.Y2*spatialScale, height, outH, samplingRatio)
	wx = alignAxis(roi.X1*spatialScale, roi.X2*spatialScale, width, outW, samplingRatio)
	return wy, wx
}

// alignAxis returns RoIAlign's weights along one axis: bins x size values for the region lo..hi (in
// cells) of an axis of size cells.
func alignAxis(lo, hi float32, size, bins, samples int) []float32 {
	w := make([]float32, bins*size)
	binSize := max(hi-lo, 1) / float32(bins)
	share := 1 / float32(samples)
	for b := range bins {
		row := w[b*size : (b+1)*size]
		for i := range samples {
			v := lo + float32(b)*binSize + (float32(i)+0.5)*binSize/float32(samples)
			if v < -1 || v > float32(size) || math.IsNaN(float64(v)) {
				continue // outside: the sample counts 0
			}
			v = max(v, 0)
			low := int(v)
			high := low + 1
			if low >= size-1 {
				low, high, v = size-1, size-1, float32(size-1)
			}
			frac := v - float32(low)
			row[low] += share * (1 - frac)
			row[high] += share * frac
		}
	}
	return w
}

// RoIAlign pools region roi of a feature map (height x width x channels, HWC) into outH x outW bins by
// [RoIAlignWeights]: outH·outW·channels values, HWC. It is the plain-Go reference the weights are
// tested with against torchvision. It panics if len(features) != height·width·channels or a size is
// not positive.
func RoIAlign(features []float32, height, width, channels int, roi Box, spatialScale float32, outH, outW, samplingRatio int) []float32 {
	if len(features) != height*width*channels {
		panic(fmt.Sprintf("detect: RoIAlign: len(features) = %d for %dx%dx%d, want equal", len(features), height, width, channels))
	}
	wy, wx := RoIAlignWeights(height, width, roi, spatialScale, outH, outW, samplingRatio)
	out := make([]float32, outH*outW*channels)
	for i := range outH {
		for j := range outW {
			dst := out[(i*outW+j)*channels : (i*outW+j+1)*channels]
			for y := range height {
				for x := range width {
					f := wy[i*height+y] * wx[j*width+x]
					if f == 0 {
						continue
					}
					src := features[(y*width+x)*channels : (y*width+x+1)*channels]
					for c := range dst {
						dst[c] += f * src[c]
					}
				}
			}
		}
	}
	return out
}
