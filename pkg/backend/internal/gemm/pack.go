package gemm

import (
	"sync"
	"unsafe"
)

// packA copies the mb×kb block of op(A) at the origin of a into dst as row panels of mr rows, scaled
// by alpha. Panel q holds rows q*mr.. in p-major order (dst[q*mr*kb + p*mr + r]); rows past mb are
// zero so the micro-kernel can always compute full tiles.
func packA(mr int, dst []float32, a view, mb, kb int, alpha float32) {
	for ir := 0; ir < mb; ir += mr {
		mrr := min(mr, mb-ir)
		panel := dst[ir*kb : ir*kb+mr*kb]
		if a.trans {
			// Row p of the panel is a contiguous run of A's stored row p.
			for p := range kb {
				src := a.data[p*a.ld+ir : p*a.ld+ir+mrr]
				d := panel[p*mr : p*mr+mr]
				scaleCopy(d[:mrr], src, alpha)
				clear(d[mrr:])
			}
			continue
		}
		if mrr == mr {
			packRowsInterleaved(panel, a.data[ir*a.ld:], a.ld, mr, kb, alpha)
			continue
		}
		for r := range mr {
			if r >= mrr {
				for p := range kb {
					panel[p*mr+r] = 0
				}
				continue
			}
			src := a.data[(ir+r)*a.ld : (ir+r)*a.ld+kb]
			for p, v := range src {
				panel[p*mr+r] = alpha * v
			}
		}
	}
}

// packRowsInterleaved writes rows 0..mr-1 of src (row stride ld, kb columns) interleaved into
// panel: panel[p*mr+r] = alpha*src[r*ld+p].
func packRowsInterleaved(panel, src []float32, ld, mr, kb int, alpha float32) {
	if mr == 6 {
		r0 := src[0*ld : 0*ld+kb]
		r1 := src[1*ld : 1*ld+kb]
		r2 := src[2*ld : 2*ld+kb]
		r3 := src[3*ld : 3*ld+kb]
		r4 := src[4*ld : 4*ld+kb]
		r5 := src[5*ld : 5*ld+kb]
		for p := range kb {
			d := panel[p*6 : p*6+6 : p*6+6]
			d[0] = alpha * r0[p]
			d[1] = alpha * r1[p]
			d[2] = alpha * r2[p]
			d[3] = alpha * r3[p]
			d[4] = alpha * r4[p]
			d[5] = alpha * r5[p]
		}
		return
	}
	for r := range mr {
		row := src[r*ld : r*ld+kb]
		for p, v := range row {
			panel[p*mr+r] = alpha * v
		}
	}
}

// packB copies the kb×nb block of op(B) at the origin of b into dst as column panels of nr columns.
// Panel q holds columns q*nr.. in p-major order (dst[q*nr*kb + p*nr + j]); columns past nb are zero.
func packB(nr int, dst []float32, b view, kb, nb int) {
	for jr := 0; jr < nb; jr += nr {
		nrr := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+nr*kb]
		if !b.trans {
			// Row p of the panel is a contiguous run of B's stored row p.
			for p := range kb {
				d := panel[p*nr : p*nr+nr]
				copy(d, b.data[p*b.ld+jr:p*b.ld+jr+nrr])
				clear(d[nrr:])
			}
			continue
		}
		if nrr < nr {
			clear(panel)
		}
		for j := range nrr {
			src := b.data[(jr+j)*b.ld : (jr+j)*b.ld+kb]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
	}
}

// scaleCopy sets dst = alpha*src; len(dst) must equal len(src).
func scaleCopy(dst, src []float32, alpha float32) {
	if alpha == 1 {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = alpha * v
	}
}

// floatBuf is a reusable float32 buffer whose slices start on a 64-byte (cache line) boundary.
type floatBuf struct{ s []float32 }

// grow returns a 64-byte aligned slice of n floats, reallocating only when the buffer is too small.
// The contents are unspecified.
func (f *floatBuf) grow(n int) []float32 {
	const align = 64 / 4 // floats per cache line
	if cap(f.s) < n {
		s := make([]float32, n+align)
		off := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))%64) / 4
		if off != 0 {
			off = align - off
		}
		f.s = s[off : off+n]
	}
	return f.s[:n]
}

// buffers holds one goroutine's pack buffers for A and B blocks, the scratch C of a k-split and the
// scratch tile for edge tiles.
type buffers struct {
	a, b, c floatBuf
	tile    [maxTile]float32
}

var bufferPool = sync.Pool{New: func() any { return new(buffers) }}

// getBuffers takes a set of pack buffers from the pool; return it with putBuffers.
func getBuffers() *buffers { return bufferPool.Get().(*buffers) }

// putBuffers returns pack buffers to the pool.
func putBuffers(b *buffers) { bufferPool.Put(b) }
