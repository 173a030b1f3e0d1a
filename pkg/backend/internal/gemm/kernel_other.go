//go:build !amd64 || purego

package gemm

// asmKernels is empty off amd64 (or with the purego build tag): only the portable Go kernel exists.
var asmKernels []sizedKernel

// runnableKernels is empty off amd64.
var runnableKernels []*kernel
