package detect

import "fmt"

// intersectionArea returns the area of a ∩ b: the product of the overlap's width and height, each
// clamped at 0 (torchvision's (rb - lt).clamp(min=0)). It is NaN when a coordinate is NaN.
func intersectionArea(a, b Box) float32 {
	w := min(a.X2, b.X2) - max(a.X1, b.X1)
	h := min(a.Y2, b.Y2) - max(a.Y1, b.Y1)
	if !(w > 0 && h > 0) {
		return 0
	}
	return float32(w * h)
}

// IoU returns the intersection over union of a and b, area(a ∩ b) / area(a ∪ b), in [0, 1].
//
// It is 0 when the boxes do not overlap, touch only along an edge, or either is empty (so a zero-area
// union gives 0, not NaN), and exactly 1 for two equal non-empty boxes. The float32 arithmetic follows
// torchvision.ops.box_iou: inter / ((area(a) + area(b)) - inter).
func IoU(a, b Box) float32 {
	inter := intersectionArea(a, b)
	if !(inter > 0) {
		return 0
	}
	return inter / float32(float32(a.Area()+b.Area())-inter)
}

// GIoU returns the generalized IoU of a and b (Rezatofighi et al. 2019):
// IoU - area(C \ (a ∪ b)) / area(C), where C is the smallest box enclosing both, in [-1, 1].
// Unlike IoU it keeps decreasing as disjoint boxes move apart, which is why it is used as a loss.
//
// Empty boxes have area 0, so two distant empty boxes give -1. When C itself has zero area
// (two equal points, say) the result is 0.
func GIoU(a, b Box) float32 {
	inter := intersectionArea(a, b)
	union := float32(a.Area()+b.Area()) - inter
	c := a.Enclose(b)
	cw, ch := c.X2-c.X1, c.Y2-c.Y1
	if !(cw > 0 && ch > 0) {
		return 0
	}
	areaC := float32(cw * ch)
	var iou float32
	if union > 0 {
		iou = inter / union
	}
	// C contains the union, so areaC - union >= 0; rounding could make it slightly negative.
	return iou - max(areaC-union, 0)/areaC
}

// IoUMatrix returns the pairwise IoU of a and b as a row-major len(a) x len(b) slice:
// element i*len(b) + j is IoU(a[i], b[j]), as torchvision.ops.box_iou(a, b) computes.
func IoUMatrix(a, b []Box) []float32 {
	return IoUMatrixTo(make([]float32, len(a)*len(b)), a, b)
}

// IoUMatrixTo writes the pairwise IoU of a and b into dst, row-major len(a) x len(b), and returns dst.
// It panics if len(dst) != len(a)*len(b).
func IoUMatrixTo(dst []float32, a, b []Box) []float32 {
	if len(dst) != len(a)*len(b) {
		panic(fmt.Sprintf("detect: IoUMatrixTo: len(dst) = %d, want len(a)*len(b) = %d*%d = %d",
			len(dst), len(a), len(b), len(a)*len(b)))
	}
	for i, bi := range a {
		row := dst[i*len(b) : (i+1)*len(b)]
		for j, bj := range b {
			row[j] = IoU(bi, bj)
		}
	}
	return dst
}
