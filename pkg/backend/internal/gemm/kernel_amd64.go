//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// kernel6x16AVX2 computes a 6×16 tile with AVX2 and FMA; see kernel.fn for the contract. ldc is in
// floats.
//
//go:noescape
func kernel6x16AVX2(k int, a, b, c *float32, ldc int, add bool)

// kernel6x16AVX2Direct is kernel6x16AVX2 reading A unpacked (row stride lda floats) and scaling the
// product by alpha; see kernel.direct.
//
//go:noescape
func kernel6x16AVX2Direct(k int, a *float32, lda int, b, c *float32, ldc int, alpha float32, add bool)

// kernel6x16AVX2Strided is kernel6x16AVX2 reading A in place from a transposed matrix (the 6 values
// of step p at a[p*lda:]) and scaling the product by alpha; see kernel.directT.
//
//go:noescape
func kernel6x16AVX2Strided(k int, a *float32, lda int, b, c *float32, ldc int, alpha float32, add bool)

// kernel12x32AVX512 computes a 12×32 tile with AVX-512F; see kernel.fn for the contract.
//
//go:noescape
func kernel12x32AVX512(k int, a, b, c *float32, ldc int, add bool)

// avx2Kernel is the 6×16 AVX2+FMA kernel: 12 YMM accumulators, two B vectors and broadcasts of A.
var avx2Kernel = &kernel{name: "avx2-6x16", mr: 6, nr: 16, kc: 256, mc: 144, nc: 2048, directMaxN: 64, directTMaxN: 512,
	fn: func(k int, a, b, c []float32, ldc int, add bool) {
		_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15] // The assembly trusts these bounds.
		kernel6x16AVX2(k, &a[0], &b[0], &c[0], ldc, add)
	},
	direct: func(k int, a []float32, lda int, b, c []float32, ldc int, alpha float32, add bool) {
		_, _, _ = a[5*lda+k-1], b[16*k-1], c[5*ldc+15] // The assembly trusts these bounds.
		kernel6x16AVX2Direct(k, &a[0], lda, &b[0], &c[0], ldc, alpha, add)
	},
	directT: func(k int, a []float32, lda int, b, c []float32, ldc int, alpha float32, add bool) {
		_, _, _ = a[(k-1)*lda+5], b[16*k-1], c[5*ldc+15] // The assembly trusts these bounds.
		kernel6x16AVX2Strided(k, &a[0], lda, &b[0], &c[0], ldc, alpha, add)
	}}

// avx512Kernel is the 12×32 AVX-512 kernel: 24 ZMM accumulators, two B vectors and broadcasts of A.
var avx512Kernel = &kernel{name: "avx512-12x32", mr: 12, nr: 32, kc: 256, mc: 144, nc: 2048,
	fn: func(k int, a, b, c []float32, ldc int, add bool) {
		_, _, _ = a[12*k-1], b[32*k-1], c[11*ldc+31] // The assembly trusts these bounds.
		kernel12x32AVX512(k, &a[0], &b[0], &c[0], ldc, add)
	}}

// cpuidVendor returns the vendor string of CPUID leaf 0 in registers EBX, ECX, EDX.
func cpuidVendor() (ebx, ecx, edx uint32)

// asmKernels lists the assembly kernels pickKernel chooses from on this CPU, preferred first.
var asmKernels = detectKernels()

// runnableKernels lists every assembly kernel this CPU can execute, chosen or not (for tests and
// benchmarks).
var runnableKernels = func() []*kernel {
	var ks []*kernel
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel)
	}
	return ks
}()

// detectKernels returns the kernels the CPU supports, preferred first.
//
// The AVX-512 kernel is preferred only on non-AMD CPUs and for products at least 64 columns wide:
// narrower ones waste much of its 32-column tile and gain more from the AVX2 kernel reading A in
// place. AMD's Zen 4 executes a 512-bit FMA as two 256-bit halves, so there the AVX2 kernel, which
// already runs at the FMA units' peak, is as fast or faster (see the package's Performance notes).
func detectKernels() []sizedKernel {
	var ks []sizedKernel
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		return nil
	}
	if cpu.X86.HasAVX512F && !isAMD() {
		ks = append(ks, sizedKernel{avx512Kernel, 64})
	}
	return append(ks, sizedKernel{avx2Kernel, 0})
}

// isAMD reports whether CPUID names the vendor "AuthenticAMD".
func isAMD() bool {
	ebx, ecx, edx := cpuidVendor()
	var v [12]byte
	for i, r := range [3]uint32{ebx, edx, ecx} {
		v[4*i], v[4*i+1], v[4*i+2], v[4*i+3] = byte(r), byte(r>>8), byte(r>>16), byte(r>>24)
	}
	return string(v[:]) == "AuthenticAMD"
}
