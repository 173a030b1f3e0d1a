//go:build !amd64

package gemm

// asmKernels is empty off amd64: only the portable Go kernel exists.
var asmKernels []sizedKernel

// runnableKernels is empty off amd64.
var runnableKernels []*kernel
