package gemm

import "fmt"

// smallWork is the largest m*n*k product that Sgemm computes with plain loops instead of packing
// panels: below it, packing and the micro-kernel call overhead cost more than they save.
const smallWork = 8 * 8 * 8

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32 matrices, where op(X) is X or
// its transpose. A is m×k (k×m if transA), B is k×n (n×k if transB), C is m×n, with leading dimensions
// lda, ldb, ldc (row strides). beta == 0 means C is overwritten without being read (NaNs in C ignored).
//
// Sgemm runs on the calling goroutine and allocates nothing once its pooled pack buffers are warm.
// It panics if a size is negative, a leading dimension is shorter than its row, or a slice is too
// short for the sizes given.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	av := view{data: a, ld: lda, trans: transA}
	bv := view{data: b, ld: ldb, trans: transB}
	if m*n*k <= smallWork {
		naive(m, n, k, alpha, av, bv, beta, c, ldc)
		return
	}
	kern := pickKernel(n)
	buf := getBuffers()
	gemm(kern, buf, m, n, k, alpha, av, bv, beta, c, ldc)
	putBuffers(buf)
}

// view is a row-major matrix operand seen through op: element (i, j) of op(X) is data[i*ld+j], or
// data[j*ld+i] when trans is set.
type view struct {
	data  []float32
	ld    int
	trans bool
}

// at returns element (i, j) of op(X).
func (v view) at(i, j int) float32 {
	if v.trans {
		return v.data[j*v.ld+i]
	}
	return v.data[i*v.ld+j]
}

// sub returns the view of op(X) whose element (0, 0) is element (i, j) of v.
func (v view) sub(i, j int) view {
	off := i*v.ld + j
	if v.trans {
		off = j*v.ld + i
	}
	return view{data: v.data[off:], ld: v.ld, trans: v.trans}
}

// checkArgs panics unless the sizes, leading dimensions and slice lengths are consistent.
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	checkOperand("A", transA, m, k, a, lda)
	checkOperand("B", transB, k, n, b, ldb)
	checkOperand("C", false, m, n, c, ldc)
}

// checkOperand panics unless x, read as op(x) of rows×cols with leading dimension ld, fits in its slice.
func checkOperand(name string, trans bool, rows, cols int, x []float32, ld int) {
	storedRows, storedCols := rows, cols
	if trans {
		storedRows, storedCols = cols, rows
	}
	if ld < max(1, storedCols) {
		panic(fmt.Sprintf("gemm: leading dimension of %s is %d, want >= %d (its stored row length)", name, ld, max(1, storedCols)))
	}
	if storedRows == 0 || storedCols == 0 {
		return
	}
	if need := (storedRows-1)*ld + storedCols; len(x) < need {
		panic(fmt.Sprintf("gemm: %s has %d elements, want >= %d for %d×%d stored rows×cols with leading dimension %d",
			name, len(x), need, storedRows, storedCols, ld))
	}
}

// naive computes the product with plain loops; it is the path for tiny problems.
func naive(m, n, k int, alpha float32, a, b view, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 {
		scaleC(m, n, beta, c, ldc) // A and B are not read (a NaN in them does not propagate).
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			var sum float32
			for p := range k {
				sum += a.at(i, p) * b.at(p, j)
			}
			if beta == 0 {
				row[j] = alpha * sum
			} else {
				row[j] = alpha*sum + beta*row[j]
			}
		}
	}
}

// scaleC sets C = beta*C, writing zeros without reading C when beta is 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 || m == 0 || n == 0 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// gemm is the blocked product of Sgemm on one goroutine with the given micro-kernel and buffers; it
// assumes checked arguments.
//
// The loops follow Goto and van de Geijn: a kc×nc block of op(B) is packed into column panels of
// kern.nr (kept in L3/L2), then each mc×kc block of op(A) is packed into row panels of kern.mr (kept
// in L2) and multiplied panel by panel by the micro-kernel, whose B panel stays in L1.
func gemm(kern *kernel, buf *buffers, m, n, k int, alpha float32, a, b view, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if beta != 0 && beta != 1 {
		scaleC(m, n, beta, c, ldc)
		beta = 1
	}
	mr, nr := kern.mr, kern.nr
	kc, mc, nc := kern.kc, kern.mc, kern.nc
	direct := a.trans && kern.directT != nil && n <= kern.directTMaxN || !a.trans && kern.direct != nil && n <= kern.directMaxN
	ap := buf.a.grow(roundUp(min(mc, m), mr) * min(kc, k))
	bp := buf.b.grow(roundUp(min(nc, n), nr) * min(kc, k))
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			bp := bp
			if bs := b.sub(pc, jc); !b.trans && nb == nr && b.ld == nr {
				// B is exactly one panel wide and stored like one: use it in place.
				bp = bs.data[:kb*nr]
			} else {
				packB(nr, bp, bs, kb, nb)
			}
			add := beta != 0 || pc > 0
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				blk := block{mb: mb, nb: nb, kb: kb, ap: ap, bp: bp, c: c[ic*ldc+jc:], ldc: ldc, add: add}
				if direct {
					blk.a, blk.alpha = a.sub(ic, pc), alpha
				}
				switch full := mb / mr * mr; {
				case !direct:
					packA(mr, ap, a.sub(ic, pc), mb, kb, alpha)
				case full == mb:
				case a.trans && (kb-1)*a.ld+full+mr <= len(blk.a.data):
					// The last, partial row panel can be read in place too: its rows past mb
					// read other elements of the slice and are discarded as an edge tile.
					blk.tailDirect = true
				default:
					// Only the last, partial row panel is packed (with zero rows).
					packA(mr, ap[full*kb:], a.sub(ic+full, pc), mb-full, kb, alpha)
				}
				macroKernel(kern, &blk, buf.tile[:])
			}
		}
	}
}

// block is the work of one macro-kernel call: C (mb×nb, at the origin of c) = or += the product of
// the packed mb×kb block of A and kb×nb block of B. When a.data is not nil, full row panels of A are
// read in place from a (scaled by alpha) with kernel.direct or directT and only the last partial
// panel is packed, unless tailDirect says that it too can be read in place.
type block struct {
	mb, nb, kb int
	ap, bp     []float32
	c          []float32
	ldc        int
	add        bool
	a          view
	alpha      float32
	tailDirect bool
}

// macroKernel computes blk tile by tile; tmp (maxTile floats) is scratch for edge tiles.
//
// With packed A, column panels are the outer loop: one B panel stays in L1 while the packed A block
// streams from L2. With an untransposed A read in place, row panels are the outer loop: each group
// of mr rows comes from memory once and stays in L1 while the few B panels of a narrow product
// pass. (A transposed A read in place keeps the packed order: its rows are strided, and wide B
// blocks would not stay in L1.)
func macroKernel(kern *kernel, blk *block, tmp []float32) {
	rowPanels := (blk.mb + kern.mr - 1) / kern.mr
	colPanels := (blk.nb + kern.nr - 1) / kern.nr
	rowsOuter := blk.a.data != nil && !blk.a.trans
	for t := range rowPanels * colPanels {
		i, j := t%rowPanels, t/rowPanels
		if rowsOuter {
			i, j = t/colPanels, t%colPanels
		}
		blk.tile(kern, i*kern.mr, j*kern.nr, tmp)
	}
}

// tile computes the mr×nr tile of blk at row ir, column jr (edge tiles via tmp).
func (blk *block) tile(kern *kernel, ir, jr int, tmp []float32) {
	mr, nr := kern.mr, kern.nr
	kb, c, ldc := blk.kb, blk.c, blk.ldc
	mrr, nrr := min(mr, blk.mb-ir), min(nr, blk.nb-jr)
	bpanel := blk.bp[jr*kb:]
	dst, ld, add := c[ir*ldc+jr:], ldc, blk.add
	edge := mrr < mr || nrr < nr
	if edge {
		// Compute the full padded tile into tmp, then merge its valid part.
		dst, ld, add = tmp, nr, false
	}
	switch {
	case blk.a.data != nil && blk.a.trans && (mrr == mr || blk.tailDirect):
		kern.directT(kb, blk.a.data[ir:], blk.a.ld, bpanel, dst, ld, blk.alpha, add)
	case blk.a.data != nil && mrr == mr:
		kern.direct(kb, blk.a.data[ir*blk.a.ld:], blk.a.ld, bpanel, dst, ld, blk.alpha, add)
	default:
		kern.fn(kb, blk.ap[ir*kb:], bpanel, dst, ld, add)
	}
	if !edge {
		return
	}
	for i := range mrr {
		d := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nrr]
		src := tmp[i*nr : i*nr+nrr]
		if blk.add {
			for j, v := range src {
				d[j] += v
			}
		} else {
			copy(d, src)
		}
	}
}

// roundUp rounds x up to a multiple of q.
func roundUp(x, q int) int { return (x + q - 1) / q * q }
