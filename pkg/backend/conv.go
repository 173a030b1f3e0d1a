package backend

import (
	"slices"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/cvlessons/cvlessons/pkg/backend/internal/gemm"
)

// ConvGeneral implements backends.Builder. float32 convolutions without batch grouping run as
// im2col + GEMM on this package's kernels, split over the workers; others are delegated to simplego.
func (b *Builder) ConvGeneral(input, kernelOp backends.Op, axes backends.ConvolveAxesConfig, strides_ []int,
	paddings [][2]int, inputDilations, kernelDilations []int, channelGroupCount, batchGroupCount int) (backends.Op, error) {
	axes = axes.Clone()
	n := len(axes.InputSpatial)
	strides_, inputDilations, kernelDilations = ones(strides_, n), ones(inputDilations, n), ones(kernelDilations, n)
	paddings = slices.Clone(paddings)
	replay := func(sb backends.Builder, in []backends.Op) ([]backends.Op, error) {
		o, err := sb.ConvGeneral(in[0], in[1], axes.Clone(), slices.Clone(strides_), slices.Clone(paddings),
			slices.Clone(inputDilations), slices.Clone(kernelDilations), channelGroupCount, batchGroupCount)
		return []backends.Op{o}, err
	}
	groups := max(channelGroupCount, 1)
	return b.nativeOrDelegate("ConvGeneral", []backends.Op{input, kernelOp}, replay, func(vs []*value, out shapes.Shape) kernel {
		if vs[0].shape.DType != dtypes.Float32 || batchGroupCount > 1 {
			return nil
		}
		if isKernelGradient(axes, inputDilations, groups) {
			p := newKernelGradientPlan(vs[0].shape.Dimensions, vs[1].shape.Dimensions, out.Dimensions,
				strides_, paddings, kernelDilations, b.backend.workers)
			return func(ins, outs []any) error {
				p.runKernelGradient(ins[0].([]float32), ins[1].([]float32), outs[0].([]float32))
				return nil
			}
		}
		p := newConvPlan(vs[0].shape.Dimensions, vs[1].shape.Dimensions, out.Dimensions, axes, strides_, paddings,
			inputDilations, kernelDilations, groups, b.backend.workers)
		return func(ins, outs []any) error {
			p.run(ins[0].([]float32), ins[1].([]float32), outs[0].([]float32))
			return nil
		}
	})
}

// ones returns s with a missing or zero entry replaced by 1, the neutral stride or dilation: GoMLX's
// Convolve builder passes zeros for strides it was not given, which simplego rejects.
func ones(s []int, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1
		if i < len(s) && s[i] != 0 {
			out[i] = s[i]
		}
	}
	return out
}

// convPlan is a convolution in canonical layout: input [B, S..., C], kernel [K..., Cin/G, Cout],
// output [B, O..., Cout], computed per group as im2col(input) · kernel.
type convPlan struct {
	batch, inC, outC, groups int
	inSp, kSp, outSp         []int
	// table[d][o*K+k] is the input index along spatial axis d read by output o and kernel tap k, or -1.
	table [][]int
	// Permutations into / out of the canonical layout, nil when the layout already is canonical.
	inPerm, kPerm, outPerm []int
	inDims, kDims          []int
	canonOutDims           []int
	workers                int
}

func newConvPlan(inDims, kDims, outDims []int, axes backends.ConvolveAxesConfig, strides_ []int, paddings [][2]int,
	inputDilations, kernelDilations []int, groups, workers int) *convPlan {
	n := len(axes.InputSpatial)
	p := &convPlan{groups: groups, workers: workers, inDims: inDims, kDims: kDims}
	p.inPerm = slices.Concat([]int{axes.InputBatch}, axes.InputSpatial, []int{axes.InputChannels})
	p.kPerm = slices.Concat(axes.KernelSpatial, []int{axes.KernelInputChannels, axes.KernelOutputChannels})
	canonOut := slices.Concat([]int{axes.OutputBatch}, axes.OutputSpatial, []int{axes.OutputChannels})
	p.batch, p.inC = inDims[axes.InputBatch], inDims[axes.InputChannels]
	p.outC = kDims[axes.KernelOutputChannels]
	p.canonOutDims = []int{outDims[axes.OutputBatch]}
	for d := 0; d < n; d++ {
		p.inSp = append(p.inSp, inDims[axes.InputSpatial[d]])
		p.kSp = append(p.kSp, kDims[axes.KernelSpatial[d]])
		p.outSp = append(p.outSp, outDims[axes.OutputSpatial[d]])
		p.canonOutDims = append(p.canonOutDims, outDims[axes.OutputSpatial[d]])
	}
	p.canonOutDims = append(p.canonOutDims, p.outC)
	// outPerm[j] is the canonical axis that lands on actual output axis j.
	p.outPerm = make([]int, len(outDims))
	for c, actual := range canonOut {
		p.outPerm[actual] = c
	}
	if isIdentity(p.inPerm) {
		p.inPerm = nil
	}
	if isIdentity(p.kPerm) {
		p.kPerm = nil
	}
	if isIdentity(p.outPerm) {
		p.outPerm = nil
	}
	at := func(s []int, d, def int) int {
		if len(s) == 0 {
			return def
		}
		return s[d]
	}
	for d := 0; d < n; d++ {
		low := 0
		if len(paddings) > 0 {
			low = paddings[d][0]
		}
		p.table = append(p.table, convTable(p.outSp[d], p.kSp[d], p.inSp[d], at(strides_, d, 1), at(inputDilations, d, 1), at(kernelDilations, d, 1), low))
	}
	return p
}

// convTable lists, for output position o and kernel tap k along one spatial axis, the input index
// read (-1 where the tap falls on padding or between dilated input elements): entry o*K+k.
func convTable(O, K, I, stride, inputDilation, kernelDilation, lowPad int) []int {
	t := make([]int, O*K)
	for o := 0; o < O; o++ {
		for k := 0; k < K; k++ {
			pos := o*stride + k*kernelDilation - lowPad
			idx := -1
			if pos >= 0 && pos%inputDilation == 0 && pos/inputDilation < I {
				idx = pos / inputDilation
			}
			t[o*K+k] = idx
		}
	}
	return t
}

func prodInts(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

// run computes out = conv(in, kernel) per the plan.
func (p *convPlan) run(in, kernel, out []float32) {
	if p.inPerm != nil {
		t := getScratch(len(in))
		defer putScratch(t)
		transposeF32(t, in, p.inDims, p.inPerm)
		in = t
	}
	if p.kPerm != nil {
		t := getScratch(len(kernel))
		defer putScratch(t)
		transposeF32(t, kernel, p.kDims, p.kPerm)
		kernel = t
	}
	dst := out
	if p.outPerm != nil {
		dst = getScratch(len(out))
		defer putScratch(dst)
	}
	p.compute(in, kernel, dst)
	if p.outPerm != nil {
		transposeF32(out, dst, p.canonOutDims, p.outPerm)
	}
}

// compute runs the canonical convolution: rows of the output (one per batch element and output
// position) are split into chunks; each worker builds the im2col rows of its chunk and multiplies
// them by the kernel matrix.
func (p *convPlan) compute(in, kernel, out []float32) {
	rowsPerImage := prodInts(p.outSp)
	rows := p.batch * rowsPerImage
	cinG, coutG := p.inC/p.groups, p.outC/p.groups
	taps := prodInts(p.kSp)
	cols := taps * cinG
	if rows == 0 || p.outC == 0 {
		return
	}
	chunk := convChunkRows(rows)
	numChunks := (rows + chunk - 1) / chunk
	workers := min(p.workers, numChunks)
	var wg sync.WaitGroup
	next := make(chan int, numChunks)
	for c := 0; c < numChunks; c++ {
		next <- c
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := getScratch(chunk * cols)
			defer putScratch(buf)
			for c := range next {
				r0 := c * chunk
				r1 := min(rows, r0+chunk)
				for g := 0; g < p.groups; g++ {
					p.im2col(buf, in, r0, r1, g*cinG, cinG, rowsPerImage)
					gemm.Sgemm(false, false, r1-r0, coutG, cols, 1, buf, cols,
						kernel[g*coutG:], p.outC, 0, out[r0*p.outC+g*coutG:], p.outC)
				}
			}
		}()
	}
	wg.Wait()
}

// convChunkRows is how many im2col rows one GEMM call of a convolution takes: about a sixteenth of
// them, between 64 and 1024. It depends on the size alone, never on the number of workers, so the
// blocks (and the rounding of their edge tiles) are the same on every run.
func convChunkRows(rows int) int {
	return max(64, min(1024, (rows+15)/16))
}

// im2col writes rows r0..r1 of the im2col matrix for input channels [c0, c0+nc) into buf (row-major,
// taps × nc columns per row).
func (p *convPlan) im2col(buf, in []float32, r0, r1, c0, nc, rowsPerImage int) {
	if len(p.inSp) == 2 {
		p.im2col2D(buf, in, r0, r1, c0, nc, rowsPerImage)
		return
	}
	nsp := len(p.inSp)
	taps := prodInts(p.kSp)
	cols := taps * nc
	inSpStrides := strides(p.inSp)
	imageSize := prodInts(p.inSp) * p.inC
	oIdx := make([]int, nsp)
	kIdx := make([]int, nsp)
	for r := r0; r < r1; r++ {
		b, o := r/rowsPerImage, r%rowsPerImage
		for d := nsp - 1; d >= 0; d-- {
			oIdx[d] = o % p.outSp[d]
			o /= p.outSp[d]
		}
		row := buf[(r-r0)*cols : (r-r0+1)*cols]
		clear(kIdx)
		for t := 0; t < taps; t++ {
			off, inside := 0, true
			for d := 0; d < nsp; d++ {
				i := p.table[d][oIdx[d]*p.kSp[d]+kIdx[d]]
				if i < 0 {
					inside = false
					break
				}
				off += i * inSpStrides[d]
			}
			switch {
			case nc == 1 && inside:
				row[t] = in[b*imageSize+off*p.inC+c0]
			case nc == 1:
				row[t] = 0
			case inside:
				src := b*imageSize + off*p.inC + c0
				copy(row[t*nc:(t+1)*nc], in[src:src+nc])
			default:
				clear(row[t*nc : (t+1)*nc])
			}
			for d := nsp - 1; d >= 0; d-- {
				kIdx[d]++
				if kIdx[d] < p.kSp[d] {
					break
				}
				kIdx[d] = 0
			}
		}
	}
}

// im2col2D is im2col for two spatial axes, the common case, without the general index odometer.
func (p *convPlan) im2col2D(buf, in []float32, r0, r1, c0, nc, rowsPerImage int) {
	kh, kw := p.kSp[0], p.kSp[1]
	ow := p.outSp[1]
	iw := p.inSp[1]
	cols := kh * kw * nc
	imageSize := p.inSp[0] * iw * p.inC
	tabY, tabX := p.table[0], p.table[1]
	for r := r0; r < r1; r++ {
		b, o := r/rowsPerImage, r%rowsPerImage
		oy, ox := o/ow, o%ow
		row := buf[(r-r0)*cols : (r-r0+1)*cols]
		base := b*imageSize + c0
		for ky := 0; ky < kh; ky++ {
			dst := row[ky*kw*nc : (ky+1)*kw*nc]
			iy := tabY[oy*kh+ky]
			if iy < 0 {
				clear(dst)
				continue
			}
			rowBase := base + iy*iw*p.inC
			xs := tabX[ox*kw : (ox+1)*kw]
			if nc == 1 {
				for kx, ix := range xs {
					if ix < 0 {
						dst[kx] = 0
					} else {
						dst[kx] = in[rowBase+ix*p.inC]
					}
				}
				continue
			}
			for kx, ix := range xs {
				d := dst[kx*nc : (kx+1)*nc]
				if ix < 0 {
					clear(d)
				} else {
					src := rowBase + ix*p.inC
					copy(d, in[src:src+nc])
				}
			}
		}
	}
}
