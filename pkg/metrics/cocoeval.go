package metrics

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// evalParams are pycocotools' Params for bounding boxes.
type evalParams struct {
	iouThrs []float64    // T thresholds, IoU >= t matches
	recThrs []float64    // R recall points
	areas   [][2]float64 // A area ranges, inclusive
	maxDets []int        // M limits on detections per image, increasing
}

// cocoParams returns pycocotools' defaults: IoU .50:.05:.95, 101 recall points, areas
// all/small/medium/large, maxDets 1/10/100. The thresholds are computed like numpy.linspace so that
// they are bit-identical to pycocotools'.
func cocoParams() evalParams {
	p := evalParams{
		areas:   [][2]float64{{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}},
		maxDets: []int{1, 10, 100},
	}
	step := (0.95 - 0.5) / 9
	for i := 0; i < 9; i++ {
		p.iouThrs = append(p.iouThrs, float64(i)*step+0.5)
	}
	p.iouThrs = append(p.iouThrs, 0.95)
	p.recThrs = recallPoints101()
	return p
}

// recallPoints101 returns numpy.linspace(0, 1, 101): 0, 0.01, ..., 1.
func recallPoints101() []float64 {
	r := make([]float64, 101)
	for i := 0; i < 100; i++ {
		r[i] = float64(i) * 0.01
	}
	r[100] = 1
	return r
}

// cellEval is pycocotools' evaluateImg result for one image, one category and one area range:
// detections in decreasing score order (stable), at most the largest maxDet.
type cellEval struct {
	scores  []float64
	matched []bool // [t*D+k]: matched to a ground truth whose id is not 0
	ignored []bool // [t*D+k]: matched to an ignored ground truth, or unmatched and outside the area range
	npig    int    // ground truths not ignored
}

// cell holds one image's ground truths and detections of one category, in file order.
type cell struct {
	gts []int // indices into the ground-truth slice
	dts []int // indices into the detection slice
}

// evaluateCell matches detections to ground truths at every IoU threshold for one area range,
// following pycocotools' COCOeval.evaluateImg line by line (see the package conventions).
func evaluateCell(gts []GroundTruth, dts []Detection, c cell, dtOrder []int, ious []float64, area [2]float64, p *evalParams) cellEval {
	G := len(c.gts)
	// Ground truths outside the area range or crowd are ignored; ignored ones go last (stable).
	gtIgnore := make([]bool, G)
	gtOrder := make([]int, 0, G)
	for j, gi := range c.gts {
		g := &gts[gi]
		gtIgnore[j] = g.Crowd || g.Area < area[0] || g.Area > area[1]
		if !gtIgnore[j] {
			gtOrder = append(gtOrder, j)
		}
	}
	npig := len(gtOrder)
	for j := range c.gts {
		if gtIgnore[j] {
			gtOrder = append(gtOrder, j)
		}
	}
	D := len(dtOrder)
	T := len(p.iouThrs)
	out := cellEval{scores: make([]float64, D), matched: make([]bool, T*D), ignored: make([]bool, T*D), npig: npig}
	for k, di := range dtOrder {
		out.scores[k] = dts[di].Score
	}
	gtTaken := make([]bool, G)
	for t, thr := range p.iouThrs {
		matched := out.matched[t*D : (t+1)*D]
		ignored := out.ignored[t*D : (t+1)*D]
		clear(gtTaken)
		if G > 0 {
			for k := 0; k < D; k++ {
				best := min(thr, 1-1e-10)
				m := -1
				for _, j := range gtOrder {
					if gtTaken[j] && !gts[c.gts[j]].Crowd {
						continue
					}
					if m > -1 && !gtIgnore[m] && gtIgnore[j] {
						break
					}
					iou := ious[k*G+j]
					if iou < best {
						continue
					}
					best, m = iou, j
				}
				if m == -1 {
					continue
				}
				ignored[k] = gtIgnore[m]
				matched[k] = gts[c.gts[m]].ID != 0 // pycocotools stores the id; 0 reads as "no match"
				gtTaken[m] = true
			}
		}
		for k, di := range dtOrder {
			if !matched[k] {
				a := dts[di].Box.Area()
				if a < area[0] || a > area[1] {
					ignored[k] = true
				}
			}
		}
	}
	return out
}

// categoryEval accumulates one category over all images: precision [T][R] and recall [T] for
// each area range and maxDet, -1 where the category has no non-ignored ground truth.
type categoryEval struct {
	precision [][][][]float64 // [A][M][T][R]
	recall    [][][]float64   // [A][M][T]
}

// evaluateCategory runs evaluateImg over the category's cells (in increasing image id order) and
// accumulates them like COCOeval.accumulate.
func evaluateCategory(gts []GroundTruth, dts []Detection, cells []cell, p *evalParams) categoryEval {
	A, M, T := len(p.areas), len(p.maxDets), len(p.iouThrs)
	evals := evaluateCells(gts, dts, cells, p)
	ce := categoryEval{precision: make([][][][]float64, A), recall: make([][][]float64, A)}
	for a := 0; a < A; a++ {
		ce.precision[a] = make([][][]float64, M)
		ce.recall[a] = make([][]float64, M)
	}
	for m, md := range p.maxDets {
		// Every area range holds the same cells with the same scores: rank them once.
		refs := rankDetections(evals[0], md)
		for a := 0; a < A; a++ {
			ce.precision[a][m], ce.recall[a][m] = accumulate(evals[a], refs, T, p.recThrs)
		}
	}
	return ce
}

// evaluateCells runs evaluateImg on every non-empty cell for each area range: [area][cell].
func evaluateCells(gts []GroundTruth, dts []Detection, cells []cell, p *evalParams) [][]cellEval {
	maxDet := p.maxDets[len(p.maxDets)-1]
	evals := make([][]cellEval, len(p.areas))
	for _, c := range cells {
		if len(c.gts) == 0 && len(c.dts) == 0 {
			continue
		}
		order := slices.Clone(c.dts)
		sort.SliceStable(order, func(a, b int) bool { return dts[order[a]].Score > dts[order[b]].Score })
		if len(order) > maxDet {
			order = order[:maxDet]
		}
		G := len(c.gts)
		ious := make([]float64, len(order)*G)
		for k, di := range order {
			for j, gi := range c.gts {
				ious[k*G+j] = IoU(dts[di].Box, gts[gi].Box, gts[gi].Crowd)
			}
		}
		for a := range p.areas {
			evals[a] = append(evals[a], evaluateCell(gts, dts, c, order, ious, p.areas[a], p))
		}
	}
	return evals
}

// accumulate takes the cells' detections in the ranked order refs and returns the interpolated
// precision at each recall point and the final recall per threshold, or -1 everywhere when no
// ground truth counts.
func accumulate(cells []cellEval, refs []detRef, T int, recThrs []float64) ([][]float64, []float64) {
	precision := make([][]float64, T)
	recall := make([]float64, T)
	npig := 0
	for _, c := range cells {
		npig += c.npig
	}
	if npig == 0 {
		for t := range precision {
			precision[t] = make([]float64, len(recThrs))
			for r := range precision[t] {
				precision[t][r] = -1
			}
			recall[t] = -1
		}
		return precision, recall
	}
	rc := make([]float64, len(refs))
	pr := make([]float64, len(refs))
	for t := 0; t < T; t++ {
		rankedPR(cells, refs, npig, t, rc, pr)
		if len(refs) > 0 {
			recall[t] = rc[len(rc)-1]
		}
		precision[t] = interpolate101(rc, pr, recThrs)
	}
	return precision, recall
}

// detRef points at detection det of cells[cell].
type detRef struct {
	score     float64
	cell, det int32
}

// rankDetections lists the first maxDet detections of every cell in decreasing score order, ties in
// concatenation order: the order of np.argsort(-scores, kind='mergesort'). Sorting with the
// position as a tie-break gives that stable order with an O(n log n) unstable sort.
func rankDetections(cells []cellEval, maxDet int) []detRef {
	n := 0
	for _, c := range cells {
		n += min(len(c.scores), maxDet)
	}
	refs := make([]detRef, 0, n)
	for ci, c := range cells {
		for k := 0; k < len(c.scores) && k < maxDet; k++ {
			refs = append(refs, detRef{c.scores[k], int32(ci), int32(k)})
		}
	}
	slices.SortFunc(refs, func(a, b detRef) int {
		if c := cmpDesc(a.score, b.score); c != 0 {
			return c
		}
		if a.cell != b.cell {
			return int(a.cell - b.cell)
		}
		return int(a.det - b.det)
	})
	return refs
}

// rankedPR writes the recall and precision after each ranked detection at threshold index t into
// rc and pr: ignored detections count neither way; precision is tp/(tp+fp+eps) as in pycocotools.
func rankedPR(cells []cellEval, refs []detRef, npig, t int, rc, pr []float64) {
	tp, fp := 0.0, 0.0
	for i, r := range refs {
		c := &cells[r.cell]
		D := len(c.scores)
		if !c.ignored[t*D+int(r.det)] {
			if c.matched[t*D+int(r.det)] {
				tp++
			} else {
				fp++
			}
		}
		rc[i] = tp / float64(npig)
		pr[i] = tp / (fp + tp + eps64)
	}
}

// eps64 is numpy.spacing(1), the term pycocotools adds to precision's denominator.
const eps64 = 2.220446049250313e-16

// interpolate101 makes precision non-increasing from the right and reads it at the first rank whose
// recall reaches each recall point (numpy.searchsorted side='left'); points beyond the last recall
// are 0. It modifies pr.
func interpolate101(rc, pr, recThrs []float64) []float64 {
	for i := len(pr) - 1; i > 0; i-- {
		if pr[i] > pr[i-1] {
			pr[i-1] = pr[i]
		}
	}
	q := make([]float64, len(recThrs))
	i := 0
	for r, thr := range recThrs {
		for i < len(rc) && rc[i] < thr {
			i++
		}
		if i == len(rc) {
			break
		}
		q[r] = pr[i]
	}
	return q
}

// cocoIndex groups annotations and detections by (category, image) over the ground truth's images
// and categories, each sorted by id as pycocotools does.
type cocoIndex struct {
	catIDs []int64
	cells  [][]cell // [category][image]
}

func indexCOCO(gt *COCODataset, dts []Detection) (*cocoIndex, error) {
	imgIDs := slices.Clone(gt.Images)
	slices.Sort(imgIDs)
	imgIDs = slices.Compact(imgIDs)
	catIDs := make([]int64, 0, len(gt.Categories))
	for _, c := range gt.Categories {
		catIDs = append(catIDs, c.ID)
	}
	slices.Sort(catIDs)
	catIDs = slices.Compact(catIDs)
	imgPos := make(map[int64]int, len(imgIDs))
	for i, id := range imgIDs {
		imgPos[id] = i
	}
	catPos := make(map[int64]int, len(catIDs))
	for i, id := range catIDs {
		catPos[id] = i
	}
	ix := &cocoIndex{catIDs: catIDs, cells: make([][]cell, len(catIDs))}
	for k := range ix.cells {
		ix.cells[k] = make([]cell, len(imgIDs))
	}
	for gi, g := range gt.Annotations {
		if err := checkGroundTruth(g, imgPos, catPos); err != nil {
			return nil, fmt.Errorf("metrics: annotation %d (id %d): %w", gi, g.ID, err)
		}
		i, k := imgPos[g.Image], catPos[g.Category]
		ix.cells[k][i].gts = append(ix.cells[k][i].gts, gi)
	}
	for di, d := range dts {
		i, okI := imgPos[d.Image]
		if !okI {
			return nil, fmt.Errorf("metrics: detection %d is for image id %d, which is not in the ground truth's images", di, d.Image)
		}
		k, okK := catPos[d.Category]
		if !okK {
			return nil, fmt.Errorf("metrics: detection %d is for category id %d, which is not in the ground truth's categories", di, d.Category)
		}
		ix.cells[k][i].dts = append(ix.cells[k][i].dts, di)
	}
	return ix, nil
}

// evaluateAll evaluates every category, spreading categories over the available CPUs.
func evaluateAll(gts []GroundTruth, dts []Detection, ix *cocoIndex, p *evalParams) []categoryEval {
	out := make([]categoryEval, len(ix.catIDs))
	workers := min(runtime.GOMAXPROCS(0), len(ix.catIDs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				out[k] = evaluateCategory(gts, dts, ix.cells[k], p)
			}
		}()
	}
	for k := range ix.catIDs {
		next <- k
	}
	close(next)
	wg.Wait()
	return out
}
