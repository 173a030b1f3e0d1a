package detect

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// NMS performs greedy non-maximum suppression: visit the boxes by decreasing score, keep a box unless
// its IoU with an already kept box is strictly greater than iouThreshold, and return the indices of the
// kept boxes by decreasing score. A box whose IoU with a kept box equals iouThreshold exactly survives.
// This is torchvision.ops.nms.
//
// Equal scores keep their input order (stable). A NaN score ranks above every number (torch.sort's
// descending order). Empty boxes (see [Box.Empty]) have IoU 0 with everything, so with a threshold >= 0
// they are always kept and never suppress another box. A NaN threshold suppresses nothing; a negative
// one keeps only the top-scoring box. NMS panics if len(boxes) != len(scores).
//
// Memory is linear in len(boxes): IoU is computed on the fly, and only kept boxes that share a cell of a
// uniform grid with the candidate are compared, so sparse scenes cost far fewer than n²/2 IoUs.
func NMS(boxes []Box, scores []float32, iouThreshold float32) []int {
	if len(boxes) != len(scores) {
		panic(fmt.Sprintf("detect: NMS: len(boxes) = %d but len(scores) = %d, want equal", len(boxes), len(scores)))
	}
	order := make([]int32, len(boxes))
	for i := range order {
		order[i] = int32(i)
	}
	sortByScore(order, scores)
	return nmsOrdered([]int{}, boxes, order, iouThreshold)
}

// BatchedNMS performs [NMS] within each class separately, so boxes of different classes never suppress
// each other, and returns the kept indices by decreasing score (equal scores in input order). This is
// torchvision.ops.batched_nms. It panics unless boxes, scores and classes have equal lengths.
func BatchedNMS(boxes []Box, scores []float32, classes []int, iouThreshold float32) []int {
	if len(boxes) != len(scores) || len(boxes) != len(classes) {
		panic(fmt.Sprintf("detect: BatchedNMS: len(boxes) = %d, len(scores) = %d, len(classes) = %d, want equal",
			len(boxes), len(scores), len(classes)))
	}
	order := make([]int32, len(boxes))
	for i := range order {
		order[i] = int32(i)
	}
	// Group by class, by decreasing score within a class: one sort does both.
	slices.SortStableFunc(order, func(i, j int32) int {
		if c := cmp.Compare(classes[i], classes[j]); c != 0 {
			return c
		}
		return compareScores(scores[i], scores[j])
	})
	keep := []int{}
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && classes[order[end]] == classes[order[start]] {
			end++
		}
		keep = nmsOrdered(keep, boxes, order[start:end], iouThreshold)
		start = end
	}
	slices.SortStableFunc(keep, func(i, j int) int {
		if c := compareScores(scores[i], scores[j]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	return keep
}

// compareScores orders scores decreasingly with NaN first, for a stable sort.
func compareScores(a, b float32) int {
	an, bn := a != a, b != b
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	return cmp.Compare(b, a)
}

// sortByScore sorts the indices in order by decreasing score, stably.
func sortByScore(order []int32, scores []float32) {
	slices.SortStableFunc(order, func(i, j int32) int { return compareScores(scores[i], scores[j]) })
}

// maxGridSide bounds the grid to maxGridSide² cells; bigCellSpan is the number of cells above which a
// kept box is checked by every candidate instead of being entered into the grid.
const (
	maxGridSide = 256
	bigCellSpan = 64
)

// nmsOrdered runs greedy NMS over boxes[order[0]], boxes[order[1]], ... (already in rank order) and
// appends the kept indices to dst.
func nmsOrdered(dst []int, boxes []Box, order []int32, t float32) []int {
	if len(order) == 0 {
		return dst
	}
	if !(t >= 0) || len(order) < 64 {
		// A negative threshold lets disjoint boxes (IoU 0) suppress each other, so the grid, which
		// only compares overlapping boxes, would be wrong; a NaN one suppresses nothing. Few boxes
		// are not worth a grid.
		return nmsPairwise(dst, boxes, order, t)
	}
	g := newGrid(boxes, order)
	kept := make([]int32, 0, len(order))
	var big []int32 // kept boxes that span too many cells, compared with every candidate
	for _, i := range order {
		b := boxes[i]
		if b.Empty() || !finite(b) {
			// IoU with an empty box is 0 and never > t >= 0. Non-finite boxes are compared with all.
			if !finite(b) && !b.Empty() {
				if suppressedBy(b, boxes, kept, t) {
					continue
				}
				big = append(big, i)
			}
			kept = append(kept, i)
			dst = append(dst, int(i))
			continue
		}
		cx1, cy1, cx2, cy2 := g.span(b)
		span := (cx2 - cx1 + 1) * (cy2 - cy1 + 1)
		var suppressed bool
		if span > len(kept) {
			suppressed = suppressedBy(b, boxes, kept, t)
		} else {
			suppressed = suppressedBy(b, boxes, big, t) || g.suppressed(b, t, cx1, cy1, cx2, cy2)
		}
		if suppressed {
			continue
		}
		kept = append(kept, i)
		dst = append(dst, int(i))
		if span > bigCellSpan {
			big = append(big, i)
		} else {
			g.insert(b, cx1, cy1, cx2, cy2)
		}
	}
	return dst
}

// nmsPairwise is the textbook O(n·kept) loop.
func nmsPairwise(dst []int, boxes []Box, order []int32, t float32) []int {
	kept := make([]int32, 0, len(order))
	for _, i := range order {
		if !suppressedBy(boxes[i], boxes, kept, t) {
			kept = append(kept, i)
			dst = append(dst, int(i))
		}
	}
	return dst
}

// suppressedBy reports whether IoU(b, boxes[k]) > t for some k in kept.
func suppressedBy(b Box, boxes []Box, kept []int32, t float32) bool {
	for _, k := range kept {
		if IoU(b, boxes[k]) > t {
			return true
		}
	}
	return false
}

func finite(b Box) bool {
	const m = math.MaxFloat32
	return b.X1 >= -m && b.X1 <= m && b.Y1 >= -m && b.Y1 <= m &&
		b.X2 >= -m && b.X2 <= m && b.Y2 >= -m && b.Y2 <= m
}

// grid is a uniform grid over the boxes' extent whose cells hold linked lists of kept boxes. Two boxes
// with positive intersection share at least one cell, because the cell index is a monotone function of
// the coordinate; they are compared only in the cell holding their intersection's top-left corner, so
// each pair is compared once.
type grid struct {
	x0, y0, invW, invH float32
	nx, ny             int
	cells              [][]gridEntry // per cell, the kept boxes that overlap it, contiguous for the cache
}

// gridEntry is one kept box in one cell.
type gridEntry struct {
	box      Box
	area     float32
	cx1, cy1 int32 // the box's first cell
}

func newGrid(boxes []Box, order []int32) *grid {
	x0, y0 := float32(math.Inf(1)), float32(math.Inf(1))
	x1, y1 := float32(math.Inf(-1)), float32(math.Inf(-1))
	var sumW, sumH float64
	n := 0
	for _, i := range order {
		b := boxes[i]
		if b.Empty() || !finite(b) {
			continue
		}
		x0, y0, x1, y1 = min(x0, b.X1), min(y0, b.Y1), max(x1, b.X2), max(y1, b.Y2)
		sumW += float64(b.X2 - b.X1)
		sumH += float64(b.Y2 - b.Y1)
		n++
	}
	g := &grid{x0: x0, y0: y0, nx: 1, ny: 1}
	if n > 0 {
		// Cells as large as the mean box, so that a typical box spans at most 2x2 cells.
		g.nx = cellCount(float64(x1-x0), sumW/float64(n))
		g.ny = cellCount(float64(y1-y0), sumH/float64(n))
		g.invW = float32(float64(g.nx) / float64(x1-x0))
		g.invH = float32(float64(g.ny) / float64(y1-y0))
	}
	g.cells = make([][]gridEntry, g.nx*g.ny)
	return g
}

func cellCount(extent, cellSize float64) int {
	c := int(extent / cellSize)
	return min(max(c, 1), maxGridSide)
}

// cell returns the cell index of coordinate v, clamped to [0, n-1].
func cell(v, v0, inv float32, n int) int {
	c := int((v - v0) * inv)
	return min(max(c, 0), n-1)
}

// span returns the range of cells b covers.
func (g *grid) span(b Box) (cx1, cy1, cx2, cy2 int) {
	return cell(b.X1, g.x0, g.invW, g.nx), cell(b.Y1, g.y0, g.invH, g.ny),
		cell(b.X2, g.x0, g.invW, g.nx), cell(b.Y2, g.y0, g.invH, g.ny)
}

func (g *grid) insert(b Box, cx1, cy1, cx2, cy2 int) {
	area := b.Area()
	for cy := cy1; cy <= cy2; cy++ {
		for cx := cx1; cx <= cx2; cx++ {
			c := cy*g.nx + cx
			g.cells[c] = append(g.cells[c], gridEntry{box: b, area: area, cx1: int32(cx1), cy1: int32(cy1)})
		}
	}
}

// suppressed reports whether a kept box in the given cells has IoU > t with b. The IoU arithmetic is
// IoU's, so the result equals the pairwise loop's bit for bit.
func (g *grid) suppressed(b Box, t float32, cx1, cy1, cx2, cy2 int) bool {
	area := b.Area()
	for cy := cy1; cy <= cy2; cy++ {
		for cx := cx1; cx <= cx2; cx++ {
			for e := range g.cells[cy*g.nx+cx] {
				k := &g.cells[cy*g.nx+cx][e]
				// Compare the pair only in the cell of the intersection's top-left corner.
				if int32(cx) != max(int32(cx1), k.cx1) || int32(cy) != max(int32(cy1), k.cy1) {
					continue
				}
				inter := intersectionArea(b, k.box)
				if inter > 0 && inter/float32(float32(area+k.area)-inter) > t {
					return true
				}
			}
		}
	}
	return false
}
