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
// is never written. C must not share memory with A or B (not checked). Sizes or slices that do not
// fit panic: they are programmer errors.
//
// A convolution lowered to im2col, with patches cols [M = batch*H*W, K = kh*kw*Cin], weights w
// [K, Cout] and output y [M, Cout] (all row-major), is three calls (the benchmarks' shapes):
//
//	Sgemm(false, false, M, Cout, K, 1, cols, K, w, Cout, 0, y, Cout)   // forward: y = cols·w
//	Sgemm(true, false, K, Cout, M, 1, cols, K, dy, Cout, 0, dw, Cout)  // weight gradient: dw = colsᵀ·dy
//	Sgemm(false, true, M, K, Cout, 1, dy, Cout, w, Cout, 0, dcols, K)  // input gradient: dcols = dy·wᵀ
//
// The implementation follows the GotoBLAS/BLIS design: op(B) is packed in kc×nc blocks into panels
// nr columns wide, op(A) in mc×kc blocks into panels mr rows tall (both with zero padding, so edge
// tiles need no special kernel), and an assembly micro-kernel keeps an mr×nr tile of C in vector
// registers while it streams the two panels. Narrow products (n <= 64, or n <= 512 when A is
// transposed) skip packing A and let the AVX2 micro-kernel read A in place, since each element of A
// then takes part in few multiply-adds and packing would cost about as much as multiplying; an
// untransposed B exactly one panel wide (n == nr == ldb, e.g. 16 output channels) is not packed.
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
// state; SgemmParallel allocates a few bytes per call to start its goroutines.
//
// # Performance
//
// Measured with
//
//	go test -run XXX -bench 'BenchmarkSgemm|BenchmarkKernel/avx/././threads=1' -benchtime 20x -count 2 ./pkg/backend/internal/gemm/
//
// Every benchmark reports GFLOP/s (2*m*n*k per call over wall-clock time) and GFLOP/cpu-s (the
// same over the CPU time of the whole process, all threads; on an idle machine it equals GFLOP/s
// divided by the number of busy threads). Shapes are op(A) M×K times op(B) K×N for training the
// course's CNNs with batch 64 on 28×28 images: im2col convolutions (fwd), their weight gradients
// (wgrad, transposed A, long K) and input gradients (dgrad, transposed B), dense layers and squares.
//
// 2-core AMD EPYC (Zen 4, family 25 model 17: AVX2, FMA, AVX-512), no GPU, 26 Nov 2026 01:41 UTC,
// best of 2. Other jobs kept the load average at 15-20 on the 2 cores during every run, so
// wall-clock rates were mostly 3-7 times below the CPU-time rates and are not shown; the numbers
// are GFLOP/cpu-s, which also suffer (shared caches) and so understate an idle machine. Sgemm
// uses the AVX2 kernel on this CPU; "2 threads" is SgemmParallel(2, ...) in GFLOP per CPU-second.
//
//	shape                        Sgemm   2 threads   avx2 kernel   avx512 kernel
//	                         (GFLOP/cpu-s)           (1 thread, GFLOP/cpu-s)
//	conv-fwd   M50176 K9   N16      56      50           48             17
//	conv-fwd   M50176 K144 N32      72      73           74             50
//	conv-fwd   M12544 K288 N64      76      73           84             57
//	conv-fwd   M3136  K576 N128     74      82           86             66
//	conv-wgrad M9     N16  K50176   70      45           59             11
//	conv-wgrad M144   N32  K50176   66      68           67             51
//	conv-wgrad M576   N128 K3136    90      91           87             75
//	conv-dgrad M50176 N144 K32      84      85           76             51
//	conv-dgrad M12544 N288 K64      95      90           90             72
//	dense-fwd  M64    K3136 N128    79      66           72             65
//	dense-fwd  M64    K128 N10      26      25           29             13
//	dense-wgrad M3136 N128 K64      92      85           99             86
//	dense-dgrad M64   N3136 K128    67      68           68             58
//	square 512                      88      98           92             88
//	square 1024                     96      93           96             91
//
// One Zen 4 core peaks at 2 FMA pipes × 8 lanes × 2 flops = 32 flops per cycle with either
// kernel (Zen 4 runs a 512-bit FMA as two 256-bit halves), which is why AVX-512 gains nothing
// here and loses most where its 32-wide tile is mostly padding. Sgemm allocates nothing per call;
// SgemmParallel allocates 1-2 small objects per call with 2 workers (goroutine start-up).
//
// On a 16-core Intel Xeon VM (another machine of this project, GenuineIntel, model not named;
// BenchmarkKernel, 1 thread, GFLOP/s, 26 Nov 2026 01:39 UTC) AVX-512 was 1.05-2.3 times faster
// than AVX2 for N >= 64 (square 512: 131 vs 65; conv-fwd M3136 K576 N128: 97 vs 69; conv-wgrad M576
// N128: 104 vs 47), equal at N = 32 (conv-fwd M50176 K144 N32: 45 vs 45) and slower at N <= 16
// (conv-fwd M50176 K9 N16: 16 vs 26, measured before an untransposed 16-wide B was read in place,
// which speeds up only the AVX2 side), hence the kernel choice above. Rates on these VMs varied up
// to 2 times between runs on different machines.
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
