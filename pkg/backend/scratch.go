package backend

import "sync"

// scratchPool recycles the float32 work buffers of the native kernels (im2col rows, transposed
// operands), which would otherwise be allocated and zeroed on every execution.
var scratchPool sync.Pool

// getScratch returns a buffer of n float32s with undefined contents.
func getScratch(n int) []float32 {
	if p, ok := scratchPool.Get().(*[]float32); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float32, n)
}

// putScratch returns a buffer obtained from getScratch.
func putScratch(buf []float32) {
	scratchPool.Put(&buf)
}
