package metrics

// IoU returns the intersection over union of a detection box d and a ground-truth box g, computed
// exactly as pycocotools' bbIou (float64, no +1 pixel): the intersection width and height are
// min(right) - max(left) and 0 when not positive; the union is area(d) + area(g) - intersection,
// or area(d) alone when crowd is true. Boxes that do not overlap, or touch only along an edge, give 0.
func IoU(d, g COCOBox, crowd bool) float64 {
	w := min(d[0]+d[2], g[0]+g[2]) - max(d[0], g[0])
	if !(w > 0) {
		return 0
	}
	h := min(d[1]+d[3], g[1]+g[3]) - max(d[1], g[1])
	if !(h > 0) {
		return 0
	}
	inter := w * h
	union := d[2]*d[3] + g[2]*g[3] - inter
	if crowd {
		union = d[2] * d[3]
	}
	if !(union > 0) {
		return 0
	}
	return inter / union
}
