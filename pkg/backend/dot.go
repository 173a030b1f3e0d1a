package backend

import (
	"fmt"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/cvlessons/cvlessons/pkg/backend/internal/gemm"
)

// DotGeneral implements backends.Builder. float32 products run as (batched) GEMMs on this package's
// kernel; other dtypes are delegated to simplego.
func (b *Builder) DotGeneral(lhs backends.Op, lhsContractingAxes, lhsBatchAxes []int,
	rhs backends.Op, rhsContractingAxes, rhsBatchAxes []int) (backends.Op, error) {
	// Copies: simplego normalizes the axes slices in place.
	lc, lb := slices.Clone(lhsContractingAxes), slices.Clone(lhsBatchAxes)
	rc, rb := slices.Clone(rhsContractingAxes), slices.Clone(rhsBatchAxes)
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := sb.DotGeneral(in[0], slices.Clone(lc), slices.Clone(lb), in[1], slices.Clone(rc), slices.Clone(rb))
		return []backends.Op{o}, err
	}
	return b.nativeOrDelegate("DotGeneral", []backends.Op{lhs, rhs}, replay, func(vs []*value, _ shapes.Shape) kernel {
		if vs[0].shape.DType != dtypes.Float32 {
			return nil
		}
		p := newDotPlan(vs[0].shape.Dimensions, lc, lb, vs[1].shape.Dimensions, rc, rb, b.backend.workers)
		return func(ins, outs []any) error {
			p.run(ins[0].([]float32), ins[1].([]float32), outs[0].([]float32))
			return nil
		}
	})
}

// dotPlan is a DotGeneral reduced to batch × [M,K]·[K,N] products.
type dotPlan struct {
	batch, m, n, k int
	// lhsPerm/rhsPerm transpose an operand into [batch, M, K] / [batch, K, N] order (or the
	// transposed [batch, K, M] / [batch, N, K] when transA / transB); nil when no copy is needed.
	lhsPerm, rhsPerm []int
	lhsDims, rhsDims []int
	transA, transB   bool
	workers          int
}

func normAxes(axes []int, rank int) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		if a < 0 {
			a += rank
		}
		out[i] = a
	}
	return out
}

func newDotPlan(lhsDims, lc, lb, rhsDims, rc, rb []int, workers int) *dotPlan {
	lc, lb = normAxes(lc, len(lhsDims)), normAxes(lb, len(lhsDims))
	rc, rb = normAxes(rc, len(rhsDims)), normAxes(rb, len(rhsDims))
	free := func(rank int, used ...[]int) []int {
		var f []int
		for a := 0; a < rank; a++ {
			if !slices.Contains(used[0], a) && !slices.Contains(used[1], a) {
				f = append(f, a)
			}
		}
		return f
	}
	lf := free(len(lhsDims), lc, lb)
	rf := free(len(rhsDims), rc, rb)
	prod := func(dims []int, axes []int) int {
		n := 1
		for _, a := range axes {
			n *= dims[a]
		}
		return n
	}
	p := &dotPlan{
		batch: prod(lhsDims, lb), m: prod(lhsDims, lf), k: prod(lhsDims, lc), n: prod(rhsDims, rf),
		lhsDims: lhsDims, rhsDims: rhsDims, workers: workers,
	}
	cat := func(parts ...[]int) []int { return slices.Concat(parts...) }
	switch {
	case isIdentity(cat(lb, lf, lc)):
	case isIdentity(cat(lb, lc, lf)):
		p.transA = true
	default:
		p.lhsPerm = cat(lb, lf, lc)
	}
	switch {
	case isIdentity(cat(rb, rc, rf)):
	case isIdentity(cat(rb, rf, rc)):
		p.transB = true
	default:
		p.rhsPerm = cat(rb, rc, rf)
	}
	return p
}

// run computes out = lhs · rhs per the plan.
func (p *dotPlan) run(lhs, rhs, out []float32) {
	if p.lhsPerm != nil {
		t := getScratch(len(lhs))
		defer putScratch(t)
		transposeF32(t, lhs, p.lhsDims, p.lhsPerm)
		lhs = t
	}
	if p.rhsPerm != nil {
		t := getScratch(len(rhs))
		defer putScratch(t)
		transposeF32(t, rhs, p.rhsDims, p.rhsPerm)
		rhs = t
	}
	m, n, k := p.m, p.n, p.k
	lda, ldb := k, n
	if p.transA {
		lda = m
	}
	if p.transB {
		ldb = k
	}
	one := func(i, workers int) {
		a := lhs[i*m*k : (i+1)*m*k]
		bm := rhs[i*k*n : (i+1)*k*n]
		c := out[i*m*n : (i+1)*m*n]
		gemm.SgemmParallel(workers, p.transA, p.transB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	// Many small products: one goroutine per share of the batch; otherwise parallel GEMMs.
	if p.batch >= p.workers && m*n*k < 64*64*64 && p.workers > 1 {
		var wg sync.WaitGroup
		for w := 0; w < p.workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < p.batch; i += p.workers {
					one(i, 1)
				}
			}(w)
		}
		wg.Wait()
		return
	}
	for i := 0; i < p.batch; i++ {
		one(i, p.workers)
	}
}

// Dot implements backends.Builder: XLA's Dot (vector·vector, matrix·vector, matrix·matrix), the
// contraction of lhs's last axis with rhs's first, run as DotGeneral.
func (b *Builder) Dot(lhs, rhs backends.Op) (backends.Op, error) {
	vs, err := b.values("Dot", []backends.Op{lhs, rhs})
	if err != nil {
		return nil, err
	}
	lr, rr := vs[0].shape.Rank(), vs[1].shape.Rank()
	if lr < 1 || lr > 2 || rr < 1 || rr > 2 {
		return nil, fmt.Errorf("backend %q: Dot: operands must have rank 1 or 2, got %s and %s", Name, vs[0].shape, vs[1].shape)
	}
	return b.DotGeneral(lhs, []int{lr - 1}, nil, rhs, []int{0}, nil)
}
