// Package gemm multiplies float32 matrices (single-precision GEMM) fast on the CPU, for the pure-Go
// training backend's convolutions (im2col + GEMM) and dot products.
//
// # Conventions
//
// Matrices are row-major float32 slices with a leading dimension (row stride, in elements) that is
// at least the stored row length, as in CBLAS with CblasRowMajor. Sgemm computes
// C = alpha*op(A)*op(B) + beta*C where op(X) is X or its transpose; op(A) is m×k, op(B) is k×n and C
// is m×n. As in the reference BLAS, beta == 0 overwrites C without reading it (NaNs in C do not
// propagate) and alpha == 0 or k == 0 reads neither A nor B. Elements of a slice outside its matrix
// (padding past a row, when the leading dimension is longer) never change the result and C's padding
// is never written. Sizes or slices that do not fit panic: they are programmer errors.
//
// The implementation follows the GotoBLAS/BLIS design: op(B) is packed in kc×nc blocks into panels
// nr columns wide, op(A) in mc×kc blocks into panels mr rows tall (both with zero padding, so edge
// tiles need no special kernel), and an assembly micro-kernel keeps an mr×nr tile of C in vector
// registers while it streams the two panels. Narrow products (n <= 64, or n <= 512 when A is
// transposed) skip packing A and let the AVX2 micro-kernel read A in place, since each element of A
// then takes part in few multiply-adds and packing would cost about as much as multiplying.
// Micro-kernels, chosen at run time with golang.org/x/sys/cpu:
//
//   - avx2-6x16: AVX2 + FMA, 6×16 tile in 12 YMM registers (any x86-64 CPU since Haswell / Zen 1).
//   - avx512-12x32: AVX-512F, 12×32 tile in 24 ZMM registers; used for n >= 64 on CPUs not made by
//     AMD. Zen 4 splits each 512-bit FMA into two 256-bit halves, so there AVX2 is as fast (usually
//     faster, its tile wastes less on narrow shapes) and is used instead.
//   - go4x4: portable Go, 4×4 tile, on other architectures, on CPUs without AVX2/FMA and when built
//     with the purego tag (more than ten times slower on amd64; Accelerated reports false).
//
// SgemmParallel splits C into blocks of rows or columns, or splits k and sums the partial products
// (for long-k products such as convolution weight gradients), choosing the split that duplicates the
// least packing work. Pack buffers are reused between calls: Sgemm allocates nothing in steady
// state; SgemmParallel allocates one small object per extra goroutine.
//
// # Performance
//
// PERFORMANCE_PLACEHOLDER
//
// # References
//
//   - K. Goto and R. van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3),
//     2008 (packing and the loop order around the micro-kernel).
//   - F. Van Zee and R. van de Geijn, "BLIS: A framework for rapidly instantiating BLAS
//     functionality", ACM TOMS 41(3), 2015 (mr×nr micro-kernel, kc/mc/nc cache blocks).
//   - Reference BLAS SGEMM (netlib.org/blas/sgemm.f): argument meaning and the beta == 0 rule.
//   - AMD, "Software Optimization Guide for the AMD Zen4 Microarchitecture" (publication 57647), 2023:
//     512-bit operations are executed as two 256-bit halves.
package gemm
