package detect

import (
	"fmt"
	"math"
)

// SlidingWindows returns every window of the given sizes and aspect ratios that fits inside a
// width x height image, stepped by stride times the window's side: the exhaustive search that
// selective search replaces. A window of size s and aspect ratio r (width / height) is
// s·√r wide and s/√r high, so s² is its area. Along each axis the windows start at 0 and step by
// stride·(window side), and a last window is added flush with the far edge when the steps miss it.
// Windows are listed by size, then ratio, then row, then column. A window larger than the image is
// skipped. It panics unless stride > 0.
func SlidingWindows(width, height int, sizes, aspectRatios []float32, stride float32) []Box {
	if !(stride > 0) {
		panic(fmt.Sprintf("detect: SlidingWindows: stride = %v, want > 0", stride))
	}
	out := []Box{}
	for _, s := range sizes {
		for _, r := range aspectRatios {
			sq := float32(math.Sqrt(float64(r)))
			w, h := s*sq, s/sq
			if !(w > 0 && h > 0) || w > float32(width) || h > float32(height) {
				continue
			}
			for _, y := range starts(float32(height), h, stride*h) {
				for _, x := range starts(float32(width), w, stride*w) {
					out = append(out, Box{X1: x, Y1: y, X2: x + w, Y2: y + h})
				}
			}
		}
	}
	return out
}

// starts returns 0, step, 2·step, ... while a window of side fits in extent, plus extent - side if
// the last step left a gap.
func starts(extent, side, step float32) []float32 {
	var out []float32
	var v float32
	for i := 0; v+side <= extent; i++ {
		out = append(out, v)
		v = float32(i+1) * step
	}
	if last := extent - side; len(out) > 0 && out[len(out)-1] < last {
		out = append(out, last)
	}
	return out
}

// ProposalRecall returns the fraction of the ground-truth boxes gt that some proposal overlaps with
// IoU >= iou (the COCO operator): the recall of a proposal method, which bounds the recall of any
// detector that classifies its proposals. It returns NaN when gt is empty, since there is nothing to
// recall; use [PooledProposalRecall] to average over images.
func ProposalRecall(proposals, gt []Box, iou float32) float64 {
	found := coveredCount(proposals, gt, iou)
	return float64(found) / float64(len(gt))
}

// PooledProposalRecall returns the recall over all images together: the number of ground-truth boxes
// covered (IoU >= iou) by a proposal of the same image, divided by the number of ground-truth boxes,
// as Uijlings et al. report it. proposals[i] and gt[i] belong to image i; it panics if the two slices
// have different lengths, and returns NaN when there is no ground truth at all.
func PooledProposalRecall(proposals, gt [][]Box, iou float32) float64 {
	if len(proposals) != len(gt) {
		panic(fmt.Sprintf("detect: PooledProposalRecall: %d images of proposals but %d of ground truth, want equal",
			len(proposals), len(gt)))
	}
	found, total := 0, 0
	for i := range gt {
		found += coveredCount(proposals[i], gt[i], iou)
		total += len(gt[i])
	}
	return float64(found) / float64(total)
}

func coveredCount(proposals, gt []Box, iou float32) int {
	found := 0
	for _, g := range gt {
		for _, p := range proposals {
			if IoU(p, g) >= iou {
				found++
				break
			}
		}
	}
	return found
}
