package gemm

import (
	"sync"
	"unsafe"
)

// packA copies the mb×kb block of op(A) at the origin of a into dst as row panels of mr rows, scaled
// by alpha. Panel q holds rows q*mr.. in p-major order (dst[q*mr*kb + p*mr + r]); rows past mb are
// zero so the micro-kernel can always compute full tiles.
func packA(mr int, dst []float32, a view, mb, kb int, alpha float32) {
	dst = dst[:roundUp(mb, mr)*kb]
	if a.trans {
		packTransA(mr, dst, a, mb, kb)
	} else {
		for ir := 0; ir < mb; ir += mr {
			packRowsInterleaved(dst[ir*kb:ir*kb+mr*kb], a.data[ir*a.ld:], a.ld, mr, min(mr, mb-ir), kb)
		}
	}
	if alpha != 1 {
		for i := range dst {
			dst[i] *= alpha
		}
	}
}

// packTransA is packA for a transposed A: row p of every panel is a run of A's stored row p.
func packTransA(mr int, dst []float32, a view, mb, kb int) {
	full := mb / mr * mr
	for p := range kb {
		src := a.data[p*a.ld : p*a.ld+mb]
		ir := 0
		switch mr {
		case 6:
			for ; ir < full; ir += 6 {
				d, s := dst[ir*kb+p*6:ir*kb+p*6+6:ir*kb+p*6+6], src[ir:ir+6:ir+6]
				d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
			}
		case 12:
			for ; ir < full; ir += 12 {
				d, s := dst[ir*kb+p*12:ir*kb+p*12+12:ir*kb+p*12+12], src[ir:ir+12:ir+12]
				d[0], d[1], d[2], d[3], d[4], d[5] = s[0], s[1], s[2], s[3], s[4], s[5]
				d[6], d[7], d[8], d[9], d[10], d[11] = s[6], s[7], s[8], s[9], s[10], s[11]
			}
		}
		for ; ir < mb; ir += mr { // Other panel heights, and the last panel: zero rows past mb.
			d := dst[ir*kb+p*mr : ir*kb+p*mr+mr]
			for r := range d {
				if ir+r < mb {
					d[r] = src[ir+r]
				} else {
					d[r] = 0
				}
			}
		}
	}
}

// packRowsInterleaved writes the first rows (<= mr) rows of src (row stride ld, kb columns)
// interleaved into panel, panel[p*mr+r] = src[r*ld+p], and zeros the rows from rows to mr.
func packRowsInterleaved(panel, src []float32, ld, mr, rows, kb int) {
	if mr == 6 && rows == 6 {
		r0 := src[0*ld : 0*ld+kb]
		r1 := src[1*ld : 1*ld+kb]
		r2 := src[2*ld : 2*ld+kb]
		r3 := src[3*ld : 3*ld+kb]
		r4 := src[4*ld : 4*ld+kb]
		r5 := src[5*ld : 5*ld+kb]
		for p := range kb {
			d := (*[6]float32)(panel[p*6:])
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	for r := range mr {
		if r >= rows {
			for p := range kb {
				panel[p*mr+r] = 0
			}
			continue
		}
		for p, v := range src[r*ld : r*ld+kb] {
			panel[p*mr+r] = v
		}
	}
}

// packB copies the kb×nb block of op(B) at the origin of b into dst as column panels of nr columns.
// Panel q holds columns q*nr.. in p-major order (dst[q*nr*kb + p*nr + j]); columns past nb are zero.
func packB(nr int, dst []float32, b view, kb, nb int) {
	for jr := 0; jr < nb; jr += nr {
		nrr := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+nr*kb]
		switch {
		case b.trans:
			if nrr < nr {
				clear(panel)
			}
			for j := range nrr {
				src := b.data[(jr+j)*b.ld : (jr+j)*b.ld+kb]
				for p, v := range src {
					panel[p*nr+j] = v
				}
			}
		case nrr == 16 && nr == 16:
			for p := range kb {
				*(*[16]float32)(panel[p*16:]) = *(*[16]float32)(b.data[p*b.ld+jr:])
			}
		case nrr == 32 && nr == 32:
			for p := range kb {
				*(*[32]float32)(panel[p*32:]) = *(*[32]float32)(b.data[p*b.ld+jr:])
			}
		default:
			// Row p of the panel is a contiguous run of B's stored row p.
			for p := range kb {
				d := panel[p*nr : p*nr+nr]
				copy(d, b.data[p*b.ld+jr:p*b.ld+jr+nrr])
				clear(d[nrr:])
			}
		}
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

// freeBuffers keeps up to maxFreeBuffers buffer sets between calls. Unlike a sync.Pool it is not
// emptied by garbage collections, so steady-state training never reallocates (and re-zeroes) the
// megabyte-sized pack buffers.
var freeBuffers struct {
	sync.Mutex
	list []*buffers
}

const maxFreeBuffers = 8

// getBuffers takes a set of pack buffers from the free list, or makes one; return it with putBuffers.
func getBuffers() *buffers {
	freeBuffers.Lock()
	defer freeBuffers.Unlock()
	if n := len(freeBuffers.list); n > 0 {
		b := freeBuffers.list[n-1]
		freeBuffers.list = freeBuffers.list[:n-1]
		return b
	}
	return new(buffers)
}

// putBuffers returns pack buffers to the free list (or drops them when it is full).
func putBuffers(b *buffers) {
	freeBuffers.Lock()
	defer freeBuffers.Unlock()
	if len(freeBuffers.list) < maxFreeBuffers {
		freeBuffers.list = append(freeBuffers.list, b)
	}
}
