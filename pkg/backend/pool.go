package backend

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// SelectAndScatterMax implements backends.Builder: the gradient of max pooling. Each window of
// operand selects its largest element (the first one on ties, in row-major window order; padding
// never wins) and the window's source value is added to the output at that element.
func (b *Builder) SelectAndScatterMax(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter("SelectAndScatterMax", true, operand, source, windowDimensions, windowStrides, paddings)
}

// SelectAndScatterMin implements backends.Builder: as SelectAndScatterMax with the smallest element.
func (b *Builder) SelectAndScatterMin(operand, source backends.Op, windowDimensions, windowStrides []int, paddings [][2]int) (backends.Op, error) {
	return b.selectAndScatter("SelectAndScatterMin", false, operand, source, windowDimensions, windowStrides, paddings)
}

func (b *Builder) selectAndScatter(opName string, isMax bool, operand, source backends.Op, window, strides_ []int, paddings [][2]int) (backends.Op, error) {
	vs, err := b.values(opName, []backends.Op{operand, source})
	if err != nil {
		return nil, err
	}
	x, src := vs[0], vs[1]
	rank := x.shape.Rank()
	if x.shape.DType != dtypes.Float32 || src.shape.DType != dtypes.Float32 {
		return nil, fmt.Errorf("backend %q: %s: dtype %s not supported, only float32", Name, opName, x.shape.DType)
	}
	if len(window) != rank || len(strides_) != rank || (len(paddings) != 0 && len(paddings) != rank) {
		return nil, fmt.Errorf("backend %q: %s: window %v, strides %v and paddings %v must each have rank %d",
			Name, opName, window, strides_, paddings, rank)
	}
	pads := make([][2]int, rank)
	copy(pads, paddings)
	want, err := shapeinference.ReduceWindowOp(x.shape, window, strides_, nil, nil, pads)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %s: %w", Name, opName, err)
	}
	if !want.Equal(src.shape) {
		return nil, fmt.Errorf("backend %q: %s: source shape %s, want the pooled shape %s", Name, opName, src.shape, want)
	}
	w := newWindows(x.shape.Dimensions, src.shape.Dimensions, slices.Clone(window), slices.Clone(strides_), pads, b.backend.workers)
	k := func(ins, outs []any) error {
		selectAndScatterF32(ins[0].([]float32), ins[1].([]float32), outs[0].([]float32), w, isMax)
		return nil
	}
	outs, err := b.native(opName, vs, k, x.shape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// windows enumerates pooling windows. When the window and stride along the last axis are 1 and it
// has no padding (channels-last pooling), that axis is handled as a vector: offsets then point at
// runs of vec contiguous elements.
type windows struct {
	dims, outDims, window, stride []int
	pads                          [][2]int
	vec                           int     // length of the contiguous runs (1 when not vectorized)
	taps                          [][]int // per tap, its index along each (non-vector) axis
	workers                       int
}

func newWindows(dims, outDims, window, stride []int, pads [][2]int, workers int) *windows {
	w := &windows{dims: dims, outDims: outDims, window: window, stride: stride, pads: pads, vec: 1, workers: workers}
	if r := len(dims); r > 1 && window[r-1] == 1 && stride[r-1] == 1 && pads[r-1] == [2]int{} {
		w.vec = dims[r-1]
		w.dims, w.outDims, w.window, w.stride, w.pads = dims[:r-1], outDims[:r-1], window[:r-1], stride[:r-1], pads[:r-1]
	}
	n := prodInts(w.window)
	idx := make([]int, len(w.window))
	for t := 0; t < n; t++ {
		w.taps = append(w.taps, slices.Clone(idx))
		for a := len(idx) - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < w.window[a] {
				break
			}
			idx[a] = 0
		}
	}
	return w
}

// each calls visit for every output position (in units of vec elements) with the offsets, within
// the operand, of the window's taps that fall inside it (padding taps left out), in row-major tap
// order. Output positions are split over the workers; visit must only write its own output.
func (w *windows) each(visit func(out int, offsets []int, sc *windowScratch)) {
	total := prodInts(w.outDims)
	parallelRanges(total, w.workers, total*len(w.taps)*w.vec >= 1<<15, func(from, to int) {
		rank := len(w.dims)
		st := strides(w.dims)
		oidx := make([]int, rank)
		rem := from
		for a := rank - 1; a >= 0; a-- {
			oidx[a] = rem % w.outDims[a]
			rem /= w.outDims[a]
		}
		start := make([]int, rank)
		offsets := make([]int, 0, len(w.taps))
		sc := &windowScratch{best: make([]float32, w.vec), winner: make([]int32, w.vec)}
		for out := from; out < to; out++ {
			for a := 0; a < rank; a++ {
				start[a] = oidx[a]*w.stride[a] - w.pads[a][0]
			}
			offsets = offsets[:0]
		taps:
			for _, tap := range w.taps {
				off := 0
				for a := 0; a < rank; a++ {
					pos := start[a] + tap[a]
					if pos < 0 || pos >= w.dims[a] {
						continue taps
					}
					off += pos * st[a]
				}
				offsets = append(offsets, off*w.vec)
			}
			visit(out*w.vec, offsets, sc)
			for a := rank - 1; a >= 0; a-- {
				oidx[a]++
				if oidx[a] < w.outDims[a] {
					break
				}
				oidx[a] = 0
			}
		}
	})
}

// windowScratch is per-goroutine working memory for a visit of windows.each.
type windowScratch struct {
	best   []float32
	winner []int32
}

// reductionSlots is how many partial results a parallel reduction keeps. It is a constant, not the
// number of workers, so that a sum is split the same way, and adds its partials in the same order,
// whatever the worker count and however the goroutines are scheduled: results are bit-identical
// run after run.
const reductionSlots = 8

// parallelSlots splits [0, n) into min(n, reductionSlots) contiguous ranges, fixed by n alone, and
// runs fn(slot, from, to) on each, on up to workers goroutines (in parallel when parallel is true).
// A reduction gives each slot its own partial and adds the partials in slot order.
func parallelSlots(n, workers int, parallel bool, fn func(slot, from, to int)) int {
	slots := min(n, reductionSlots)
	if slots <= 0 {
		return 0
	}
	if !parallel || workers <= 1 {
		for s := range slots {
			fn(s, n*s/slots, n*(s+1)/slots)
		}
		return slots
	}
	next := make(chan int, slots)
	for s := range slots {
		next <- s
	}
	close(next)
	var wg sync.WaitGroup
	for range min(workers, slots) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				fn(s, n*s/slots, n*(s+1)/slots)
			}
		}()
	}
	wg.Wait()
	return slots
}

// parallelRanges splits [0, n) into one contiguous range per worker and runs fn on each, in
// parallel when parallel is true and there is more than one worker. Each range must write its own
// outputs: for sums over ranges use parallelSlots, whose split does not depend on the workers.
func parallelRanges(n, workers int, parallel bool, fn func(from, to int)) {
	if !parallel || workers <= 1 || n < 2 {
		fn(0, n)
		return
	}
	workers = min(workers, n)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		from, to := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(from, to)
		}()
	}
	wg.Wait()
}

// selectAndScatterF32 scatters src into out (zeroed first) at the selected element of each window.
// Windows that overlap may select the same element, so the scatter runs on one goroutine when
// windows overlap.
func selectAndScatterF32(x, src, out []float32, w *windows, isMax bool) {
	clear(out)
	overlap := false
	for a := range w.window {
		if w.stride[a] < w.window[a] {
			overlap = true
		}
	}
	ww := *w
	if overlap {
		ww.workers = 1
	}
	ww.each(func(s int, offsets []int, sc *windowScratch) {
		if len(offsets) == 0 {
			return
		}
		if w.vec == 1 {
			bestOff := offsets[0]
			best := x[bestOff]
			for _, off := range offsets[1:] {
				if v := x[off]; (isMax && v > best) || (!isMax && v < best) {
					best, bestOff = v, off
				}
			}
			out[bestOff] += src[s]
			return
		}
		// Channels-last: scan the taps in order, comparing whole channel vectors, and remember for
		// each channel which tap won.
		best, winner := sc.best, sc.winner
		copy(best, x[offsets[0]:offsets[0]+w.vec])
		clear(winner)
		for t, off := range offsets[1:] {
			for c, v := range x[off : off+w.vec] {
				if (isMax && v > best[c]) || (!isMax && v < best[c]) {
					best[c], winner[c] = v, int32(t+1)
				}
			}
		}
		for c, t := range winner {
			out[offsets[t]+c] += src[s+c]
		}
	})
}

// ReduceWindow implements backends.Builder. float32 max, min and sum pooling without dilations run
// natively (padding never contributes: it holds the reduction's identity); the rest is delegated.
func (b *Builder) ReduceWindow(x backends.Op, reductionType backends.ReduceOpType, window, strides_, baseDilations, windowDilations []int, paddings [][2]int) (backends.Op, error) {
	window, strides_, baseDilations, windowDilations = slices.Clone(window), slices.Clone(strides_), slices.Clone(baseDilations), slices.Clone(windowDilations)
	paddings = slices.Clone(paddings)
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := sb.ReduceWindow(in[0], reductionType, slices.Clone(window), slices.Clone(strides_),
			slices.Clone(baseDilations), slices.Clone(windowDilations), slices.Clone(paddings))
		return []backends.Op{o}, err
	}
	dilated := slices.ContainsFunc(baseDilations, func(d int) bool { return d != 1 }) ||
		slices.ContainsFunc(windowDilations, func(d int) bool { return d != 1 })
	supported := reductionType == backends.ReduceOpMax || reductionType == backends.ReduceOpMin || reductionType == backends.ReduceOpSum
	return b.nativeOrDelegate("ReduceWindow", []backends.Op{x}, replay, func(vs []*value, out shapes.Shape) kernel {
		if vs[0].shape.DType != dtypes.Float32 || dilated || !supported {
			return nil
		}
		rank := vs[0].shape.Rank()
		strides_ := strides_
		if len(strides_) == 0 {
			strides_ = window
		}
		pads := make([][2]int, rank)
		copy(pads, paddings)
		w := newWindows(vs[0].shape.Dimensions, out.Dimensions, window, strides_, pads, b.backend.workers)
		return func(ins, outs []any) error {
			in, out := ins[0].([]float32), outs[0].([]float32)
			w.each(func(o int, offsets []int, _ *windowScratch) {
				acc := out[o : o+w.vec]
				init := float32(0)
				switch reductionType {
				case backends.ReduceOpMax:
					init = float32(math.Inf(-1))
				case backends.ReduceOpMin:
					init = float32(math.Inf(1))
				}
				for c := range acc {
					acc[c] = init
				}
				for _, off := range offsets {
					tap := in[off : off+w.vec]
					switch reductionType {
					case backends.ReduceOpMax:
						for c, v := range tap {
							acc[c] = max(acc[c], v)
						}
					case backends.ReduceOpMin:
						for c, v := range tap {
							acc[c] = min(acc[c], v)
						}
					default:
						for c, v := range tap {
							acc[c] += v
						}
					}
				}
			})
			return nil
		}
	})
}
