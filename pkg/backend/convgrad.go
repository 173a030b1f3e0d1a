package backend

import (
	"slices"

	"github.com/gomlx/gomlx/backends"

	"github.com/cvlessons/cvlessons/pkg/backend/internal/gemm"
)

// isKernelGradient reports whether a convolution has the shape of the kernel gradient that
// convGeneralVJP builds: the input x [B, S..., C] read with its channels as batch and its batch as
// channels, the output gradient [B, O..., Cout] as kernel, and the result laid out as a kernel
// [K..., C, Cout]. Such a convolution is computed directly as im2col(x)ᵀ · dY, with x and dY in
// their natural layouts (no transposes, no im2col over the batch).
func isKernelGradient(axes backends.ConvolveAxesConfig, inputDilations []int, groups int) bool {
	n := len(axes.InputSpatial)
	seq := func(start int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = start + i
		}
		return s
	}
	for _, d := range inputDilations {
		if d != 1 {
			return false
		}
	}
	return groups == 1 &&
		axes.InputBatch == n+1 && axes.InputChannels == 0 && slices.Equal(axes.InputSpatial, seq(1)) &&
		axes.KernelInputChannels == 0 && axes.KernelOutputChannels == n+1 && slices.Equal(axes.KernelSpatial, seq(1)) &&
		axes.OutputBatch == n && axes.OutputChannels == n+1 && slices.Equal(axes.OutputSpatial, seq(0))
}

// newKernelGradientPlan describes the forward convolution whose kernel gradient is being computed:
// x [B, I..., C] (the op's input), dY [B, O..., Cout] (the op's kernel) and dW [K..., C, Cout] (the
// op's output). In the op, the forward stride is the kernel dilation and the forward kernel
// dilation is the stride; the low paddings are the forward ones.
func newKernelGradientPlan(xDims, dyDims, dwDims []int, strides_ []int, paddings [][2]int, kernelDilations []int, workers int) *convPlan {
	n := len(xDims) - 2
	p := &convPlan{batch: xDims[0], inC: xDims[n+1], outC: dyDims[n+1], groups: 1, workers: workers,
		inSp: xDims[1 : n+1], kSp: dwDims[:n], outSp: dyDims[1 : n+1]}
	for d := 0; d < n; d++ {
		low := 0
		if len(paddings) > 0 {
			low = paddings[d][0]
		}
		p.table = append(p.table, convTable(p.outSp[d], p.kSp[d], p.inSp[d], kernelDilations[d], 1, strides_[d], low))
	}
	return p
}

// runKernelGradient computes dW = im2col(x)ᵀ · dY: the rows of both (one per batch element and
// output position) are split into fixed slots (parallelSlots), each adding the products of its
// chunks, in order, into a private accumulator; the accumulators are then summed into dw in slot
// order. Chunks and slots depend on the sizes alone, so dW is bit-identical whatever the number of
// workers and the scheduling.
func (p *convPlan) runKernelGradient(x, dy, dw []float32) {
	rowsPerImage := prodInts(p.outSp)
	rows := p.batch * rowsPerImage
	taps := prodInts(p.kSp)
	cols := taps * p.inC
	clear(dw)
	if rows == 0 || len(dw) == 0 {
		return
	}
	chunk := convChunkRows(rows)
	numChunks := (rows + chunk - 1) / chunk
	accs := make([][]float32, reductionSlots)
	slots := parallelSlots(numChunks, p.workers, p.workers > 1, func(slot, from, to int) {
		buf := getScratch(chunk * cols)
		defer putScratch(buf)
		acc := getScratch(len(dw))
		clear(acc)
		for c := from; c < to; c++ {
			r0 := c * chunk
			r1 := min(rows, r0+chunk)
			p.im2col(buf, x, r0, r1, 0, p.inC, rowsPerImage)
			gemm.Sgemm(true, false, cols, p.outC, r1-r0, 1, buf, cols, dy[r0*p.outC:], p.outC, 1, acc, p.outC)
		}
		accs[slot] = acc
	})
	for _, acc := range accs[:slots] {
		for i, v := range acc {
			dw[i] += v
		}
		putScratch(acc)
	}
}
