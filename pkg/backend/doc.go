// Package backend chooses the GoMLX backend the course runs on and provides a pure-Go backend that
// trains convolutional networks built from GoMLX's standard, unmodified layers.
//
// New picks the backend: $GOMLX_BACKEND when set (exactly as GoMLX documents it), else XLA when
// go-xla finds a PJRT plugin already installed locally (nothing is downloaded), else the pure-Go
// backend. It logs one line saying which and why. Importing this package registers the pure-Go
// backend with GoMLX under the name "go" (replacing plain simplego's registration), so
// GOMLX_BACKEND=go selects it.
//
// The course's XLA CPU plugin ([XLAPlugin]: scripts/setup.sh extracts it from a pinned PyPI wheel
// into ~/.local/share/cvlessons/xla) sits where go-xla does not look, so it never becomes the
// default: seeded runs on XLA start from other initial weights than the recorded ones (XLA draws
// random bits with Philox, the pure-Go backend with PCG), and XLA was not faster on the course's
// small nets. GOMLX_BACKEND=xla:cpu (or xla) loads it by path when go-xla finds no CPU plugin of its own
// and $PJRT_PLUGIN_LIBRARY_PATH is unset.
//
// # How the pure-Go backend works
//
// GoMLX v0.26's simplego backend runs anywhere but cannot train a CNN: it lacks Pad, Reverse,
// SelectAndScatterMax, BatchNormForTraining/Gradient/Inference, and its convolutions and matrix
// products are single-threaded loops. Its kernels are unexported, so this package does not patch it;
// it wraps it:
//
//   - The [Builder] records every op. Ops with a kernel here are "native"; all others are
//     "delegated": replayed on a simplego builder at compile time. A shadow simplego builder receives
//     each op as it is recorded, which yields output shapes and simplego's validation errors.
//   - Compile splits the recorded graph into maximal runs of delegated ops, each compiled by simplego,
//     and schedules the native kernels between them. Buffers are simplego's (shared, so native kernels
//     read and write their memory directly) and are released after their last use.
//   - Native kernels (float32; other dtypes are delegated, or rejected with an error naming the op and
//     dtype): ConvGeneral as im2col + GEMM split over the workers, DotGeneral and Dot as (batched)
//     GEMMs, both on the blocked, packed GEMM of internal/gemm with AVX2/FMA and AVX-512 assembly
//     micro-kernels and a pure-Go fallback; Pad (negative and interior padding), Reverse,
//     ReduceWindow (max/min/sum pooling), SelectAndScatterMax/Min (max-pool gradient),
//     BatchNormForTraining, BatchNormGradient, BatchNormForInference, ReduceSum, broadcasting
//     Add/Sub/Mul/Div/Max/Min, comparisons, Where and common unary functions. Element-wise ops on
//     fewer than 16,384 elements stay in simplego, where a separate step would cost more than it saves.
//   - The gradients of DotGeneral, Dot, ConvGeneral, Max and Min are replaced in
//     graph.VJPRegistration (for every backend): matrix-product gradients are matrix products (no
//     [M, N, K] temporaries), convolution gradients are a transposed convolution and a convolution of
//     the input with the output gradient (for any stride, padding, dilation and channel grouping,
//     checked against PyTorch), and ReLU's gradient is one comparison and one selection.
//   - graph.Convolve without Strides() passes zero strides, which simplego rejects; this backend
//     reads a zero stride or dilation as 1. GoMLX exports no accessor for an op's parameters, so the
//     replacements read them by reflection from GoMLX v0.26.0's node structs (the version pinned).
//
// # Conventions
//
// Numerics follow XLA's semantics, as simplego does: max pooling gives the gradient to the first
// maximum of each window in row-major order, ReLU's gradient at exactly 0 is 1 (GoMLX's convention;
// PyTorch uses 0), batch-norm statistics are accumulated in float64. Kernels use all workers
// (GOMAXPROCS by default, "workers=N" in the backend configuration, e.g. GOMLX_BACKEND=go:workers=1).
//
// # References
//
//   - GoMLX v0.26.0 backends: https://pkg.go.dev/github.com/gomlx/gomlx@v0.26.0/backends
//   - XLA operation semantics (ConvGeneralDilated, Pad, ReduceWindow, SelectAndScatter, BatchNorm*):
//     https://openxla.org/xla/operation_semantics
//   - K. Goto, R. van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008
//     (the blocking scheme of internal/gemm).
package backend

//go:generate go run ./internal/gendelegate
