package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/shapeinference"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// strides returns the row-major element strides of dims.
func strides(dims []int) []int {
	s := make([]int, len(dims))
	acc := 1
	for i := len(dims) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= dims[i]
	}
	return s
}

// movable reports whether the native data-movement kernels (Pad, Reverse) handle dtype.
func movable(dtype dtypes.DType) bool {
	switch dtype {
	case dtypes.Float32, dtypes.Float64, dtypes.Int32, dtypes.Int64, dtypes.Uint8, dtypes.Bool:
		return true
	}
	return false
}

// Pad implements backends.Builder: XLA's Pad, with negative (cropping) and interior padding.
func (b *Builder) Pad(x, fillValue backends.Op, axesConfig ...backends.PadAxis) (backends.Op, error) {
	vs, err := b.values("Pad", []backends.Op{x, fillValue})
	if err != nil {
		return nil, err
	}
	in, fill := vs[0], vs[1]
	if in.shape.DType != fill.shape.DType || fill.shape.Rank() != 0 {
		return nil, fmt.Errorf("backend %q: Pad: fill value must be a scalar of the operand's dtype %s, got %s",
			Name, in.shape.DType, fill.shape)
	}
	if len(axesConfig) > in.shape.Rank() {
		return nil, fmt.Errorf("backend %q: Pad: %d axes configured for an operand of rank %d", Name, len(axesConfig), in.shape.Rank())
	}
	cfg := make([]backends.PadAxis, in.shape.Rank())
	copy(cfg, axesConfig)
	outDims := make([]int, in.shape.Rank())
	for i, d := range in.shape.Dimensions {
		p := cfg[i]
		if p.Interior < 0 {
			return nil, fmt.Errorf("backend %q: Pad: axis %d: negative interior padding %d", Name, i, p.Interior)
		}
		dilated := d
		if d > 0 {
			dilated = d + (d-1)*p.Interior
		}
		outDims[i] = p.Start + p.End + dilated
		if outDims[i] < 0 {
			return nil, fmt.Errorf("backend %q: Pad: axis %d of size %d with padding %+v gives negative size %d",
				Name, i, d, p, outDims[i])
		}
	}
	outShape := shapes.Make(in.shape.DType, outDims...)
	if !movable(in.shape.DType) {
		return nil, fmt.Errorf("backend %q: Pad: dtype %s not supported (want float32, float64, int32, int64, uint8 or bool)", Name, in.shape.DType)
	}
	inDims := in.shape.Dimensions
	k := func(ins, outs []any) error {
		return padFlat(ins[0], ins[1], outs[0], inDims, outDims, cfg)
	}
	outs, err := b.native("Pad", vs, k, outShape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

func padFlat(in, fill, out any, inDims, outDims []int, cfg []backends.PadAxis) error {
	switch in := in.(type) {
	case []float32:
		padTyped(in, fill.([]float32)[0], out.([]float32), inDims, outDims, cfg)
	case []float64:
		padTyped(in, fill.([]float64)[0], out.([]float64), inDims, outDims, cfg)
	case []int32:
		padTyped(in, fill.([]int32)[0], out.([]int32), inDims, outDims, cfg)
	case []int64:
		padTyped(in, fill.([]int64)[0], out.([]int64), inDims, outDims, cfg)
	case []uint8:
		padTyped(in, fill.([]uint8)[0], out.([]uint8), inDims, outDims, cfg)
	case []bool:
		padTyped(in, fill.([]bool)[0], out.([]bool), inDims, outDims, cfg)
	default:
		return fmt.Errorf("unsupported flat type %T", in)
	}
	return nil
}

// padTyped fills out with fill and copies every input element that lands inside the output.
func padTyped[T any](in []T, fill T, out []T, inDims, outDims []int, cfg []backends.PadAxis) {
	for i := range out {
		out[i] = fill
	}
	if len(in) == 0 {
		return
	}
	rank := len(inDims)
	if rank == 0 {
		out[0] = in[0]
		return
	}
	outStrides := strides(outDims)
	idx := make([]int, rank)
	for flat := range in {
		o, inside := 0, true
		for a := 0; a < rank; a++ {
			pos := cfg[a].Start + idx[a]*(cfg[a].Interior+1)
			if pos < 0 || pos >= outDims[a] {
				inside = false
				break
			}
			o += pos * outStrides[a]
		}
		if inside {
			out[o] = in[flat]
		}
		for a := rank - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < inDims[a] {
				break
			}
			idx[a] = 0
		}
	}
}

// Reverse implements backends.Builder: reverses the order of elements along the given axes.
func (b *Builder) Reverse(x backends.Op, axes ...int) (backends.Op, error) {
	vs, err := b.values("Reverse", []backends.Op{x})
	if err != nil {
		return nil, err
	}
	in := vs[0]
	rank := in.shape.Rank()
	rev := make([]bool, rank)
	for _, a := range axes {
		if a < 0 || a >= rank {
			return nil, fmt.Errorf("backend %q: Reverse: axis %d out of range for rank %d", Name, a, rank)
		}
		rev[a] = true
	}
	if !movable(in.shape.DType) {
		return nil, fmt.Errorf("backend %q: Reverse: dtype %s not supported (want float32, float64, int32, int64, uint8 or bool)", Name, in.shape.DType)
	}
	dims := in.shape.Dimensions
	k := func(ins, outs []any) error {
		switch src := ins[0].(type) {
		case []float32:
			reverseTyped(src, outs[0].([]float32), dims, rev)
		case []float64:
			reverseTyped(src, outs[0].([]float64), dims, rev)
		case []int32:
			reverseTyped(src, outs[0].([]int32), dims, rev)
		case []int64:
			reverseTyped(src, outs[0].([]int64), dims, rev)
		case []uint8:
			reverseTyped(src, outs[0].([]uint8), dims, rev)
		case []bool:
			reverseTyped(src, outs[0].([]bool), dims, rev)
		default:
			return fmt.Errorf("unsupported flat type %T", src)
		}
		return nil
	}
	outs, err := b.native("Reverse", vs, k, in.shape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

func reverseTyped[T any](in, out []T, dims []int, rev []bool) {
	rank := len(dims)
	if rank == 0 || len(in) == 0 {
		copy(out, in)
		return
	}
	st := strides(dims)
	idx := make([]int, rank)
	for flat := range in {
		o := 0
		for a := 0; a < rank; a++ {
			i := idx[a]
			if rev[a] {
				i = dims[a] - 1 - i
			}
			o += i * st[a]
		}
		out[o] = in[flat]
		for a := rank - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < dims[a] {
				break
			}
			idx[a] = 0
		}
	}
}

var _ = shapeinference.BinaryOp
