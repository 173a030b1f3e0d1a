package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
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
	dims, srcDims := x.shape.Dimensions, src.shape.Dimensions
	win, st := append([]int(nil), window...), append([]int(nil), strides_...)
	k := func(ins, outs []any) error {
		selectAndScatterF32(ins[0].([]float32), ins[1].([]float32), outs[0].([]float32), dims, srcDims, win, st, pads, isMax)
		return nil
	}
	outs, err := b.native(opName, vs, k, x.shape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

func selectAndScatterF32(x, src, out []float32, dims, srcDims, window, stride []int, pads [][2]int, isMax bool) {
	clear(out)
	rank := len(dims)
	xStrides := strides(dims)
	// Window offsets enumerated in row-major order.
	winSize := 1
	for _, w := range window {
		winSize *= w
	}
	widx := make([]int, rank)
	sidx := make([]int, rank)
	for s := range src {
		best, bestOff := float32(0), -1
		for w := 0; w < winSize; w++ {
			rem := w
			for a := rank - 1; a >= 0; a-- {
				widx[a] = rem % window[a]
				rem /= window[a]
			}
			off, inside := 0, true
			for a := 0; a < rank; a++ {
				pos := sidx[a]*stride[a] - pads[a][0] + widx[a]
				if pos < 0 || pos >= dims[a] {
					inside = false
					break
				}
				off += pos * xStrides[a]
			}
			if !inside {
				continue
			}
			v := x[off]
			if bestOff < 0 || (isMax && v > best) || (!isMax && v < best) {
				best, bestOff = v, off
			}
		}
		if bestOff >= 0 {
			out[bestOff] += src[s]
		}
		for a := rank - 1; a >= 0; a-- {
			sidx[a]++
			if sidx[a] < srcDims[a] {
				break
			}
			sidx[a] = 0
		}
	}
}
