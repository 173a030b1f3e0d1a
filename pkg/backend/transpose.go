package backend

// transposeF32 writes into dst the elements of src (row-major with dims) permuted so that axis i of
// dst is axis perm[i] of src.
func transposeF32(dst, src []float32, dims, perm []int) {
	rank := len(dims)
	if rank == 0 || len(src) == 0 {
		copy(dst, src)
		return
	}
	srcStrides := strides(dims)
	outDims := make([]int, rank)
	pst := make([]int, rank) // source stride of each output axis
	for i, p := range perm {
		outDims[i] = dims[p]
		pst[i] = srcStrides[p]
	}
	// Iterate over the output in row-major order; the innermost axis is a strided copy.
	last := rank - 1
	inner, innerStride := outDims[last], pst[last]
	idx := make([]int, rank)
	o := 0
	for o < len(dst) {
		base := 0
		for a := 0; a < last; a++ {
			base += idx[a] * pst[a]
		}
		row := dst[o : o+inner]
		if innerStride == 1 {
			copy(row, src[base:base+inner])
		} else {
			for j := range row {
				row[j] = src[base+j*innerStride]
			}
		}
		o += inner
		for a := last - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < outDims[a] {
				break
			}
			idx[a] = 0
		}
	}
}

// isIdentity reports whether perm is 0, 1, ..., len(perm)-1.
func isIdentity(perm []int) bool {
	for i, p := range perm {
		if i != p {
			return false
		}
	}
	return true
}
