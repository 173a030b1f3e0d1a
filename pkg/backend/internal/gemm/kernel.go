package gemm

import "strings"

// maxTile is the largest mr*nr of any micro-kernel (scratch space for edge tiles).
const maxTile = 12 * 32

// kernel is a micro-kernel with the cache blocking tuned for it.
type kernel struct {
	name   string
	mr, nr int // register tile: the kernel computes mr×nr of C per call.
	// kc, mc, nc are the cache blocks: a packed kc×nr panel of B lives in L1, an mc×kc block of A in
	// L2, a kc×nc block of B in L2/L3. mc is a multiple of mr, nc of nr.
	kc, mc, nc int
	// fn sets the mr×nr tile at the origin of c (row stride ldc) to, or adds to it when add is set, the
	// product of the packed panels a (k×mr, p-major) and b (k×nr, p-major).
	fn func(k int, a, b, c []float32, ldc int, add bool)
	// direct, if not nil, is fn reading the mr rows of A in place (row stride lda) instead of from a
	// packed panel, and scaling the product by alpha. gemm uses it for narrow products with an
	// untransposed A, where packing A would cost about as much as the multiplication.
	direct func(k int, a []float32, lda int, b, c []float32, ldc int, alpha float32, add bool)
	// directT, if not nil, is direct for a transposed A: the mr values of step p are a[p*lda:].
	directT func(k int, a []float32, lda int, b, c []float32, ldc int, alpha float32, add bool)
	// directMaxN and directTMaxN are the widest products for which gemm uses direct and directT:
	// with few columns, each element of A takes part in few multiply-adds and packing it would cost
	// about as much. (A transposed A is cheaper to read in place: each step reads mr adjacent values.)
	directMaxN, directTMaxN int
}

// goKernel is the portable micro-kernel, used when no assembly kernel suits the CPU.
var goKernel = &kernel{name: "go4x4", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024, fn: kernel4x4Go}

// pickKernel returns the fastest micro-kernel available for a product with n columns.
func pickKernel(n int) *kernel {
	for _, k := range asmKernels {
		if n >= k.minN {
			return k.kernel
		}
	}
	return goKernel
}

// Accelerated reports whether Sgemm uses an assembly micro-kernel on this CPU (amd64 with AVX2 and
// FMA); otherwise it runs a portable Go kernel, more than ten times slower on amd64, and callers
// with a faster fallback of their own may prefer it.
func Accelerated() bool { return len(asmKernels) > 0 }

// sizedKernel is an assembly kernel that pickKernel chooses when C has at least minN columns.
type sizedKernel struct {
	*kernel
	minN int
}

// kernel4x4Go is the portable 4×4 micro-kernel.
func kernel4x4Go(k int, a, b, c []float32, ldc int, add bool) {
	a = a[:4*k]
	b = b[:4*k]
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p+4 <= len(a); p += 4 {
		av := a[p : p+4 : p+4]
		bv := b[p : p+4 : p+4]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	rows := [4][4]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := range 4 {
		dst := c[i*ldc : i*ldc+4 : i*ldc+4]
		if add {
			dst[0] += rows[i][0]
			dst[1] += rows[i][1]
			dst[2] += rows[i][2]
			dst[3] += rows[i][3]
		} else {
			copy(dst, rows[i][:])
		}
	}
}

// Kernels names the micro-kernels Sgemm chooses from on this CPU, preferred first ("avx2-6x16"),
// or "go4x4" when it runs the portable kernel only. Results are bit-identical only between machines
// that choose the same kernels.
func Kernels() string {
	if len(asmKernels) == 0 {
		return goKernel.name
	}
	names := make([]string, len(asmKernels))
	for i, k := range asmKernels {
		names[i] = k.name
	}
	return strings.Join(names, "+")
}
