package backend

import (
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// binaryOp names the float32 binary ops run natively.
type binaryOp int

const (
	opAdd binaryOp = iota
	opSub
	opMul
	opDiv
	opMax
	opMin
)

var binaryOpNames = [...]string{"Add", "Sub", "Mul", "Div", "Max", "Min"}

// Add implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Add(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opAdd, lhs, rhs) }

// Sub implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Sub(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opSub, lhs, rhs) }

// Mul implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Mul(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opMul, lhs, rhs) }

// Div implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Div(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opDiv, lhs, rhs) }

// Max implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Max(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opMax, lhs, rhs) }

// Min implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Min(lhs, rhs backends.Op) (backends.Op, error) { return b.binary(opMin, lhs, rhs) }

// nativeMinElements is the size below which element-wise ops stay in simplego: for small tensors
// a separate native step costs more than it saves.
const nativeMinElements = 1 << 14

func (b *Builder) binary(op binaryOp, lhs, rhs backends.Op) (backends.Op, error) {
	name := binaryOpNames[op]
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		var o backends.Op
		var err error
		switch op {
		case opAdd:
			o, err = sb.Add(in[0], in[1])
		case opSub:
			o, err = sb.Sub(in[0], in[1])
		case opMul:
			o, err = sb.Mul(in[0], in[1])
		case opDiv:
			o, err = sb.Div(in[0], in[1])
		case opMax:
			o, err = sb.Max(in[0], in[1])
		default:
			o, err = sb.Min(in[0], in[1])
		}
		return []backends.Op{o}, err
	}
	return b.nativeOrDelegate(name, []backends.Op{lhs, rhs}, replay, func(vs []*value, out shapes.Shape) kernel {
		if out.DType != dtypes.Float32 || out.Size() < nativeMinElements {
			return nil
		}
		plan := newBroadcastPlan(out, vs[0].shape, vs[1].shape)
		workers := b.backend.workers
		return func(ins, outs []any) error {
			x, y, z := ins[0].([]float32), ins[1].([]float32), outs[0].([]float32)
			plan.run(workers, func(zo, n, xo, yo int) {
				binaryLoop(op, z[zo:zo+n], x, y, xo, yo, plan.xVec, plan.yVec)
			})
			return nil
		}
	})
}

// broadcastPlan iterates an output in blocks: along the trailing axes where each operand is either
// contiguous or constant, one block is a run of inner elements.
type broadcastPlan struct {
	outer, inner int
	outDims      []int // the outer axes' dimensions
	xStr, yStr   []int // operand strides along the outer axes (0 where broadcast)
	xVec, yVec   bool  // whether each operand varies along the inner block
}

func newBroadcastPlan(out, x, y shapes.Shape) *broadcastPlan {
	rank := out.Rank()
	st := func(s shapes.Shape) []int {
		r := make([]int, rank)
		if s.Rank() == 0 {
			return r // scalar: stride 0 everywhere
		}
		full := strides(s.Dimensions)
		for a := range r {
			if s.Dimensions[a] != 1 || out.Dimensions[a] == 1 {
				r[a] = full[a]
			}
		}
		return r
	}
	xs, ys := st(x), st(y)
	p := &broadcastPlan{inner: 1}
	// Extend the inner block while both operands keep one mode (contiguous or constant).
	k := rank
	xMode, yMode := -1, -1
	for k > 0 {
		a := k - 1
		xm, ym := b2i(xs[a] != 0), b2i(ys[a] != 0)
		if out.Dimensions[a] == 1 {
			k--
			continue
		}
		if (xMode >= 0 && xm != xMode) || (yMode >= 0 && ym != yMode) {
			break
		}
		// Contiguity: the stride must equal the block size so far.
		if (xm == 1 && xs[a] != p.inner) || (ym == 1 && ys[a] != p.inner) {
			break
		}
		xMode, yMode = xm, ym
		p.inner *= out.Dimensions[a]
		k--
	}
	p.xVec, p.yVec = xMode == 1, yMode == 1
	if xMode < 0 { // every axis has size 1
		p.xVec, p.yVec = true, true
	}
	p.outDims, p.xStr, p.yStr = out.Dimensions[:k], xs[:k], ys[:k]
	p.outer = prodInts(p.outDims)
	return p
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// run calls block for every inner block of the output, with the block's output offset and length
// and the operands' offsets; blocks are split over the workers.
func (p *broadcastPlan) run(workers int, block func(zo, n, xo, yo int)) {
	parallelRanges(p.outer, workers, p.outer*p.inner >= nativeMinElements, func(from, to int) {
		rank := len(p.outDims)
		idx := make([]int, rank)
		rem := from
		for a := rank - 1; a >= 0; a-- {
			idx[a] = rem % p.outDims[a]
			rem /= p.outDims[a]
		}
		for o := from; o < to; o++ {
			xo, yo := 0, 0
			for a := 0; a < rank; a++ {
				xo += idx[a] * p.xStr[a]
				yo += idx[a] * p.yStr[a]
			}
			block(o*p.inner, p.inner, xo, yo)
			for a := rank - 1; a >= 0; a-- {
				idx[a]++
				if idx[a] < p.outDims[a] {
					break
				}
				idx[a] = 0
			}
		}
	})
}

// binaryLoop computes one block: dst[i] = x[xo+i] op y[yo+i], where an operand that does not vary
// along the block (xVec or yVec false) contributes its single element at its offset.
func binaryLoop(op binaryOp, dst, x, y []float32, xo, yo int, xVec, yVec bool) {
	n := len(dst)
	switch {
	case xVec && yVec:
		xs, ys := x[xo:xo+n], y[yo:yo+n]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = xs[i] + ys[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = xs[i] - ys[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = xs[i] * ys[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = xs[i] / ys[i]
			}
		case opMax:
			for i := range dst {
				dst[i] = max(xs[i], ys[i])
			}
		case opMin:
			for i := range dst {
				dst[i] = min(xs[i], ys[i])
			}
		}
	case xVec:
		xs, c := x[xo:xo+n], y[yo]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = xs[i] + c
			}
		case opSub:
			for i := range dst {
				dst[i] = xs[i] - c
			}
		case opMul:
			for i := range dst {
				dst[i] = xs[i] * c
			}
		case opDiv:
			for i := range dst {
				dst[i] = xs[i] / c
			}
		case opMax:
			for i := range dst {
				dst[i] = max(xs[i], c)
			}
		case opMin:
			for i := range dst {
				dst[i] = min(xs[i], c)
			}
		}
	case yVec:
		c, ys := x[xo], y[yo:yo+n]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = c + ys[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = c - ys[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = c * ys[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = c / ys[i]
			}
		case opMax:
			for i := range dst {
				dst[i] = max(c, ys[i])
			}
		case opMin:
			for i := range dst {
				dst[i] = min(c, ys[i])
			}
		}
	default:
		var v float32
		a, c := x[xo], y[yo]
		switch op {
		case opAdd:
			v = a + c
		case opSub:
			v = a - c
		case opMul:
			v = a * c
		case opDiv:
			v = a / c
		case opMax:
			v = max(a, c)
		case opMin:
			v = min(a, c)
		}
		for i := range dst {
			dst[i] = v
		}
	}
}

// unaryFuncs are the float32 unary ops run natively, with their element functions.
var unaryFuncs = map[string]func(float32) float32{
	"Neg": func(x float32) float32 { return -x },
	"Abs": func(x float32) float32 { return float32(math.Abs(float64(x))) },
	"Sign": func(x float32) float32 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return x // ±0 and NaN keep their value, as XLA's sign
	},
	"Sqrt":     func(x float32) float32 { return float32(math.Sqrt(float64(x))) },
	"Rsqrt":    func(x float32) float32 { return float32(1 / math.Sqrt(float64(x))) },
	"Exp":      func(x float32) float32 { return float32(math.Exp(float64(x))) },
	"Log":      func(x float32) float32 { return float32(math.Log(float64(x))) },
	"Tanh":     func(x float32) float32 { return float32(math.Tanh(float64(x))) },
	"Logistic": func(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) },
}

// Neg implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Neg(x backends.Op) (backends.Op, error) {
	return b.unary("Neg", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Neg(x) })
}

// Abs implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Abs(x backends.Op) (backends.Op, error) {
	return b.unary("Abs", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Abs(x) })
}

// Sign implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Sign(x backends.Op) (backends.Op, error) {
	return b.unary("Sign", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Sign(x) })
}

// Sqrt implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Sqrt(x backends.Op) (backends.Op, error) {
	return b.unary("Sqrt", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Sqrt(x) })
}

// Rsqrt implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Rsqrt(x backends.Op) (backends.Op, error) {
	return b.unary("Rsqrt", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Rsqrt(x) })
}

// Exp implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Exp(x backends.Op) (backends.Op, error) {
	return b.unary("Exp", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Exp(x) })
}

// Log implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Log(x backends.Op) (backends.Op, error) {
	return b.unary("Log", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Log(x) })
}

// Tanh implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Tanh(x backends.Op) (backends.Op, error) {
	return b.unary("Tanh", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Tanh(x) })
}

// Logistic implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) Logistic(x backends.Op) (backends.Op, error) {
	return b.unary("Logistic", x, func(sb backends.Builder, x backends.Op) (backends.Op, error) { return sb.Logistic(x) })
}

func (b *Builder) unary(name string, x backends.Op, build func(sb backends.Builder, x backends.Op) (backends.Op, error)) (backends.Op, error) {
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := build(sb, in[0])
		return []backends.Op{o}, err
	}
	vs, err := b.values(name, []backends.Op{x})
	if err != nil {
		return nil, err
	}
	if vs[0].shape.DType != dtypes.Float32 || vs[0].shape.Size() < nativeMinElements {
		outs, err := b.delegate(name, []backends.Op{x}, replay)
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	fn, workers := unaryFuncs[name], b.backend.workers
	outs, err := b.native(name, vs, func(ins, outs []any) error {
		in, out := ins[0].([]float32), outs[0].([]float32)
		parallelRanges(len(out), workers, true, func(from, to int) {
			for i, v := range in[from:to] {
				out[from+i] = fn(v)
			}
		})
		return nil
	}, vs[0].shape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// ReduceSum implements backends.Builder: float32 sums run natively (accumulated in float32 per
// output, in input order), other dtypes are delegated.
func (b *Builder) ReduceSum(x backends.Op, axes ...int) (backends.Op, error) {
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := sb.ReduceSum(in[0], axes...)
		return []backends.Op{o}, err
	}
	return b.nativeOrDelegate("ReduceSum", []backends.Op{x}, replay, func(vs []*value, _ shapes.Shape) kernel {
		in := vs[0].shape
		if in.DType != dtypes.Float32 || in.Size() < nativeMinElements {
			return nil
		}
		rank := in.Rank()
		reduced := make([]bool, rank)
		if len(axes) == 0 {
			for a := range reduced {
				reduced[a] = true
			}
		}
		for _, a := range axes {
			if a < 0 {
				a += rank
			}
			reduced[a] = true
		}
		// outStr[a] is the output stride of input axis a (0 for reduced axes).
		outStr := make([]int, rank)
		acc := 1
		for a := rank - 1; a >= 0; a-- {
			if !reduced[a] {
				outStr[a] = acc
				acc *= in.Dimensions[a]
			}
		}
		dims, workers := in.Dimensions, b.backend.workers
		return func(ins, outs []any) error {
			reduceSumF32(ins[0].([]float32), outs[0].([]float32), dims, outStr, workers)
			return nil
		}
	})
}

// reduceSumF32 sums x (dims) into out, where outStr gives each input axis's output stride. The
// leading axis is split into fixed slots (parallelSlots), each summed into its own partial output;
// the partials are added to out in slot order, so the result does not depend on scheduling.
func reduceSumF32(x, out []float32, dims, outStr []int, workers int) {
	rank := len(dims)
	lead := dims[0]
	clear(out)
	parts := make([]float32, reductionSlots*len(out))
	slots := parallelSlots(lead, workers, workers > 1, func(slot, from, to int) {
		part := parts[slot*len(out) : (slot+1)*len(out)]
		rowLen := len(x) / lead
		idx := make([]int, rank)
		// The innermost axis is handled as a run: either reduced (sum into one) or kept (add vectors).
		last := rank - 1
		n := dims[last]
		for r := from; r < to; r++ {
			idx[0] = r
			for i := 1; i < rank; i++ {
				idx[i] = 0
			}
			for off := r * rowLen; off < (r+1)*rowLen; off += n {
				o := 0
				for a := 0; a < last; a++ {
					o += idx[a] * outStr[a]
				}
				run := x[off : off+n]
				if outStr[last] == 0 {
					var s float32
					for _, v := range run {
						s += v
					}
					part[o] += s
				} else {
					dst := part[o : o+n]
					for i, v := range run {
						dst[i] += v
					}
				}
				for a := last - 1; a >= 1; a-- {
					idx[a]++
					if idx[a] < dims[a] {
						break
					}
					idx[a] = 0
				}
			}
		}
	})
	for s := range slots {
		for i, v := range parts[s*len(out) : (s+1)*len(out)] {
			out[i] += v
		}
	}
}
