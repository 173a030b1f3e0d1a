package backend

import (
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// compareOp names the float32 comparisons run natively.
type compareOp int

const (
	cmpGE compareOp = iota
	cmpGT
	cmpLE
	cmpLT
)

var compareOpNames = [...]string{"GreaterOrEqual", "GreaterThan", "LessOrEqual", "LessThan"}

// GreaterOrEqual implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) GreaterOrEqual(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare(cmpGE, lhs, rhs)
}

// GreaterThan implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) GreaterThan(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare(cmpGT, lhs, rhs)
}

// LessOrEqual implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) LessOrEqual(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare(cmpLE, lhs, rhs)
}

// LessThan implements backends.Builder (float32 natively, other dtypes delegated).
func (b *Builder) LessThan(lhs, rhs backends.Op) (backends.Op, error) {
	return b.compare(cmpLT, lhs, rhs)
}

func (b *Builder) compare(op compareOp, lhs, rhs backends.Op) (backends.Op, error) {
	name := compareOpNames[op]
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		var o backends.Op
		var err error
		switch op {
		case cmpGE:
			o, err = sb.GreaterOrEqual(in[0], in[1])
		case cmpGT:
			o, err = sb.GreaterThan(in[0], in[1])
		case cmpLE:
			o, err = sb.LessOrEqual(in[0], in[1])
		default:
			o, err = sb.LessThan(in[0], in[1])
		}
		return []backends.Op{o}, err
	}
	return b.nativeOrDelegate(name, []backends.Op{lhs, rhs}, replay, func(vs []*value, out shapes.Shape) kernel {
		if vs[0].shape.DType != dtypes.Float32 || out.Size() < nativeMinElements {
			return nil
		}
		plan := newBroadcastPlan(out, vs[0].shape, vs[1].shape)
		workers := b.backend.workers
		return func(ins, outs []any) error {
			x, y, z := ins[0].([]float32), ins[1].([]float32), outs[0].([]bool)
			plan.run(workers, func(zo, n, xo, yo int) {
				for i := 0; i < n; i++ {
					a, c := x[xo], y[yo]
					if plan.xVec {
						a = x[xo+i]
					}
					if plan.yVec {
						c = y[yo+i]
					}
					var r bool
					switch op {
					case cmpGE:
						r = a >= c
					case cmpGT:
						r = a > c
					case cmpLE:
						r = a <= c
					default:
						r = a < c
					}
					z[zo+i] = r
				}
			})
			return nil
		}
	})
}

// Where implements backends.Builder: float32 operands with a condition of the output's shape (or
// scalar operands) run natively; other cases are delegated.
func (b *Builder) Where(condition, onTrue, onFalse backends.Op) (backends.Op, error) {
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := sb.Where(in[0], in[1], in[2])
		return []backends.Op{o}, err
	}
	return b.nativeOrDelegate("Where", []backends.Op{condition, onTrue, onFalse}, replay, func(vs []*value, out shapes.Shape) kernel {
		fits := func(v *value) bool { return v.shape.Rank() == 0 || v.shape.Equal(out) }
		if out.DType != dtypes.Float32 || out.Size() < nativeMinElements ||
			vs[0].shape.Size() != out.Size() || !fits(vs[1]) || !fits(vs[2]) {
			return nil
		}
		tVec, fVec := vs[1].shape.Rank() > 0, vs[2].shape.Rank() > 0
		workers := b.backend.workers
		return func(ins, outs []any) error {
			c, t, f, z := ins[0].([]bool), ins[1].([]float32), ins[2].([]float32), outs[0].([]float32)
			parallelRanges(len(z), workers, true, func(from, to int) {
				switch {
				case tVec && fVec:
					for i := from; i < to; i++ {
						if c[i] {
							z[i] = t[i]
						} else {
							z[i] = f[i]
						}
					}
				case tVec:
					for i, fv := from, f[0]; i < to; i++ {
						if c[i] {
							z[i] = t[i]
						} else {
							z[i] = fv
						}
					}
				case fVec:
					for i, tv := from, t[0]; i < to; i++ {
						if c[i] {
							z[i] = tv
						} else {
							z[i] = f[i]
						}
					}
				default:
					for i, tv, fv := from, t[0], f[0]; i < to; i++ {
						if c[i] {
							z[i] = tv
						} else {
							z[i] = fv
						}
					}
				}
			})
			return nil
		}
	})
}
