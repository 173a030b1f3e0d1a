package backend

import (
	"reflect"
	"slices"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// registerVJPs replaces GoMLX's gradients of DotGeneral and ConvGeneral with ones built from
// DotGeneral and ConvGeneral products (no [M, N, K] temporaries; correct for any stride, padding,
// dilation and channel grouping). They are ordinary graph ops, so they serve every backend.
func registerVJPs() {
	graph.VJPRegistration[graph.NodeTypeDotGeneral] = func(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
		return dotGeneralVJP(node, v[0])
	}
	graph.VJPRegistration[graph.NodeTypeDot] = func(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
		lhs, rhs := node.Inputs()[0], node.Inputs()[1]
		return dotVJP(lhs, []int{lhs.Rank() - 1}, nil, rhs, []int{0}, nil, v[0])
	}
	graph.VJPRegistration[graph.NodeTypeMax] = func(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
		x, y := node.Inputs()[0], node.Inputs()[1]
		return minMaxVJP(graph.GreaterOrEqual(x, y), x, y, v[0])
	}
	graph.VJPRegistration[graph.NodeTypeMin] = func(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
		x, y := node.Inputs()[0], node.Inputs()[1]
		return minMaxVJP(graph.LessThan(x, y), x, y, v[0])
	}
	graph.VJPRegistration[graph.NodeTypeConvGeneral] = func(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
		return convGeneralVJP(node, v[0])
	}
}

// minMaxVJP routes the output gradient v to x where xWins holds and to y elsewhere, as GoMLX's own
// gradient does (a tie goes to x for Max, to y for Min), with one comparison and one selection
// instead of five arithmetic passes. Each gradient is summed over the axes its operand was
// broadcast along.
func minMaxVJP(xWins, x, y, v *graph.Node) []*graph.Node {
	zero := graph.ScalarZero(v.Graph(), v.DType())
	return []*graph.Node{
		unbroadcast(graph.Where(xWins, v, zero), x.Shape()),
		unbroadcast(graph.Where(xWins, zero, v), y.Shape()),
	}
}

// unbroadcast sums g over the axes along which an operand of the given shape was broadcast to g's
// shape (a scalar operand: all of them) and reshapes it to that shape.
func unbroadcast(g *graph.Node, shape shapes.Shape) *graph.Node {
	if g.Shape().Equal(shape) {
		return g
	}
	if shape.Rank() == 0 {
		return graph.ReduceAllSum(g)
	}
	var axes []int
	for a, d := range shape.Dimensions {
		if d == 1 && g.Shape().Dimensions[a] != 1 {
			axes = append(axes, a)
		}
	}
	return graph.Reshape(graph.ReduceSum(g, axes...), shape.Dimensions...)
}

// nodeParams returns the parameters GoMLX recorded for node (an unexported struct, read by reflection:
// GoMLX v0.26.0 has no exported accessor for them).
func nodeParams(node *graph.Node) reflect.Value {
	return reflect.ValueOf(node).Elem().FieldByName("inputs").Elem().Elem()
}

func intsOf(v reflect.Value) []int {
	out := make([]int, v.Len())
	for i := range out {
		out[i] = int(v.Index(i).Int())
	}
	return out
}

func intField(p reflect.Value, name string) int { return int(p.FieldByName(name).Int()) }

func intsField(p reflect.Value, name string) []int { return intsOf(p.FieldByName(name)) }

// inversePerm returns q with q[p[i]] = i.
func inversePerm(p []int) []int {
	q := make([]int, len(p))
	for i, a := range p {
		q[a] = i
	}
	return q
}

func transposeIfNeeded(x *graph.Node, perm []int) *graph.Node {
	if isIdentity(perm) {
		return x
	}
	return graph.TransposeAllAxes(x, perm...)
}

// dotGeneralVJP: for out = lhs·rhs with output axes [batch, lhs free, rhs free], the gradient of
// each operand is the product of v with the other operand over the other's free axes, transposed
// back to the operand's axis order.
func dotGeneralVJP(node, v *graph.Node) []*graph.Node {
	p := nodeParams(node)
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	return dotVJP(lhs, intsField(p, "lhsContractingAxes"), intsField(p, "lhsBatchAxes"),
		rhs, intsField(p, "rhsContractingAxes"), intsField(p, "rhsBatchAxes"), v)
}

// dotVJP returns the gradients of DotGeneral(lhs, lc, lb, rhs, rc, rb) for the output gradient v.
func dotVJP(lhs *graph.Node, lc, lb []int, rhs *graph.Node, rc, rb []int, v *graph.Node) []*graph.Node {
	free := func(rank int, c, b []int) []int {
		var f []int
		for a := 0; a < rank; a++ {
			if !slices.Contains(c, a) && !slices.Contains(b, a) {
				f = append(f, a)
			}
		}
		return f
	}
	lf, rf := free(lhs.Rank(), lc, lb), free(rhs.Rank(), rc, rb)
	nb := len(lb)
	seq := func(start, n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = start + i
		}
		return s
	}
	vBatch := seq(0, nb)
	vLhsFree := seq(nb, len(lf))
	vRhsFree := seq(nb+len(lf), len(rf))
	// dLhs axes come out as [batch, lhs free, lhs contracting (paired with rc)].
	dLhs := graph.DotGeneral(v, vRhsFree, vBatch, rhs, rf, rb)
	dLhs = transposeIfNeeded(dLhs, inversePerm(slices.Concat(lb, lf, lc)))
	// dRhs axes come out as [batch, rhs free, rhs contracting (paired with lc)].
	dRhs := graph.DotGeneral(v, vLhsFree, vBatch, lhs, lf, lb)
	dRhs = transposeIfNeeded(dRhs, inversePerm(slices.Concat(rb, rf, rc)))
	return []*graph.Node{dLhs, dRhs}
}

// convGeneralVJP computes the gradients of a convolution in the canonical layout (input
// [B, S..., C], kernel [K..., C/G, Cout], output [B, O..., Cout]): the input gradient is a
// transposed convolution (reversed kernel, input dilation = stride), the kernel gradient a
// convolution of the input with the output gradient (stride and kernel dilation swapped).
func convGeneralVJP(node, v *graph.Node) []*graph.Node {
	p := nodeParams(node)
	x, kernel := node.Inputs()[0], node.Inputs()[1]
	axesV := p.FieldByName("axes")
	axes := graph.ConvolveAxesConfig{
		InputBatch: intField(axesV, "InputBatch"), InputChannels: intField(axesV, "InputChannels"),
		InputSpatial:        intsField(axesV, "InputSpatial"),
		KernelInputChannels: intField(axesV, "KernelInputChannels"), KernelOutputChannels: intField(axesV, "KernelOutputChannels"),
		KernelSpatial: intsField(axesV, "KernelSpatial"),
		OutputBatch:   intField(axesV, "OutputBatch"), OutputChannels: intField(axesV, "OutputChannels"),
		OutputSpatial: intsField(axesV, "OutputSpatial"),
	}
	n := len(axes.InputSpatial)
	stride, inDil, kDil := ones(intsField(p, "strides"), n), ones(intsField(p, "inputDilations"), n), ones(intsField(p, "kernelDilations"), n)
	pads := make([][2]int, n)
	if pv := p.FieldByName("paddings"); pv.Len() > 0 {
		for d := 0; d < n; d++ {
			pads[d] = [2]int{int(pv.Index(d).Index(0).Int()), int(pv.Index(d).Index(1).Int())}
		}
	}
	groups := max(intField(p, "channelGroupCount"), 1)
	if max(intField(p, "batchGroupCount"), 1) > 1 {
		exceptions.Panicf("backend: gradient of ConvGeneral with batch grouping is not supported")
	}
	for _, d := range inDil {
		if d != 1 {
			exceptions.Panicf("backend: gradient of ConvGeneral with input dilation %v is not supported "+
				"(input dilation appears in gradients; a gradient of a gradient is not supported)", inDil)
		}
	}

	inPerm := slices.Concat([]int{axes.InputBatch}, axes.InputSpatial, []int{axes.InputChannels})
	kPerm := slices.Concat(axes.KernelSpatial, []int{axes.KernelInputChannels, axes.KernelOutputChannels})
	outPerm := slices.Concat([]int{axes.OutputBatch}, axes.OutputSpatial, []int{axes.OutputChannels})
	xc := transposeIfNeeded(x, inPerm)
	kc := transposeIfNeeded(kernel, kPerm)
	vc := transposeIfNeeded(v, outPerm)
	I, K, O := xc.Shape().Dimensions[1:n+1], kc.Shape().Dimensions[:n], vc.Shape().Dimensions[1:n+1]
	cin, cout := xc.Shape().Dimensions[n+1], kc.Shape().Dimensions[n+1]
	spatial := func(start int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = start + i
		}
		return s
	}
	canon := graph.ConvolveAxesConfig{
		InputBatch: 0, InputSpatial: spatial(1), InputChannels: n + 1,
		KernelSpatial: spatial(0), KernelInputChannels: n, KernelOutputChannels: n + 1,
		OutputBatch: 0, OutputSpatial: spatial(1), OutputChannels: n + 1,
	}

	// Input gradient: reversed kernel with input/output channels swapped within each group.
	kr := graph.Reverse(kc, spatial(0)...)
	kDims := slices.Clone(K)
	kr = graph.Reshape(kr, slices.Concat(kDims, []int{cin / groups, groups, cout / groups})...)
	kr = graph.TransposeAllAxes(kr, slices.Concat(spatial(0), []int{n + 2, n + 1, n})...)
	kr = graph.Reshape(kr, slices.Concat(kDims, []int{cout / groups, cin})...)
	dxPads := make([][2]int, n)
	for d := 0; d < n; d++ {
		eff := (K[d] - 1) * kDil[d]
		low := eff - pads[d][0]
		high := I[d] - (O[d]-1)*stride[d] - 1 - low + eff
		dxPads[d] = [2]int{low, high}
	}
	dx := graph.ConvGeneral(vc, kr, canon, slices.Repeat([]int{1}, n), dxPads, stride, kDil, groups, 1)

	// Kernel gradient: the input's channels play the batch, its batch the channels; the output
	// gradient is the kernel. Its output lands directly in the [K..., Cin/G, Cout/G] layout.
	dwAxes := graph.ConvolveAxesConfig{
		InputBatch: n + 1, InputSpatial: spatial(1), InputChannels: 0,
		KernelSpatial: spatial(1), KernelInputChannels: 0, KernelOutputChannels: n + 1,
		OutputBatch: n, OutputSpatial: spatial(0), OutputChannels: n + 1,
	}
	dwPads := make([][2]int, n)
	for d := 0; d < n; d++ {
		dwPads[d] = [2]int{pads[d][0], (K[d]-1)*kDil[d] + (O[d]-1)*stride[d] + 1 - I[d] - pads[d][0]}
	}
	var dw *graph.Node
	if groups == 1 {
		dw = graph.ConvGeneral(xc, vc, dwAxes, kDil, dwPads, nil, stride, 1, 1)
	} else {
		xs, vs := graph.Split(xc, n+1, groups), graph.Split(vc, n+1, groups)
		parts := make([]*graph.Node, groups)
		for g := range parts {
			parts[g] = graph.ConvGeneral(xs[g], vs[g], dwAxes, kDil, dwPads, nil, stride, 1, 1)
		}
		dw = graph.Concatenate(parts, n+1)
	}
	return []*graph.Node{
		transposeIfNeeded(dx, inversePerm(inPerm)),
		transposeIfNeeded(dw, inversePerm(kPerm)),
	}
}
