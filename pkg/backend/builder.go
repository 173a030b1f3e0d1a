package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Builder records a computation graph for the pure-Go backend.
//
// Every op is recorded as a node. Ops that this package runs with its own kernels (convolutions,
// matrix products, padding, reversal, max-pool gradients, batch normalization) become native nodes;
// every other op is delegated: it is replayed on a simplego builder when the graph is compiled.
// A shadow simplego builder receives each delegated op as it is recorded, which gives the output
// shapes and simplego's own validation errors at build time.
type Builder struct {
	backend *Backend
	name    string
	shadow  backends.Builder
	nodes   []*node
	params  []*node
	// shadowParams numbers the stand-in parameters created in the shadow builder for native outputs.
	shadowParams int
	compiled     bool
}

var _ backends.Builder = (*Builder)(nil)

// nodeKind says how a node is executed.
type nodeKind int

const (
	kindParameter nodeKind = iota
	kindDelegated
	kindNative
)

// node is one recorded op, with one or more outputs.
type node struct {
	idx    int
	kind   nodeKind
	name   string // op name, for errors and debugging
	inputs []*value
	outs   []*value
	// replay re-creates a delegated op on a simplego builder.
	replay replayFunc
	// kernel runs a native op: it reads the inputs and writes the outputs (allocated by the executor).
	kernel kernel
	// paramIdx is the parameter's position, for kindParameter.
	paramIdx int
}

// value is one output of a node: the backends.Op handed to GoMLX.
type value struct {
	node   *node
	idx    int
	shape  shapes.Shape
	shadow backends.Op
}

// Name implements backends.Builder.
func (b *Builder) Name() string { return b.name }

// OpShape implements backends.Builder.
func (b *Builder) OpShape(op backends.Op) (shapes.Shape, error) {
	v, err := b.value(op)
	if err != nil {
		return shapes.Invalid(), err
	}
	return v.shape, nil
}

// value converts an op handed back by GoMLX into a value of this builder.
func (b *Builder) value(op backends.Op) (*value, error) {
	v, ok := op.(*value)
	if !ok || v == nil {
		return nil, fmt.Errorf("backend %q: op %v (%T) was not created by this backend", Name, op, op)
	}
	if v.node.idx >= len(b.nodes) || b.nodes[v.node.idx] != v.node {
		return nil, fmt.Errorf("backend %q: op %s belongs to another builder than %q", Name, v.node.name, b.name)
	}
	return v, nil
}

func (b *Builder) values(opName string, ops []backends.Op) ([]*value, error) {
	if b.compiled {
		return nil, fmt.Errorf("backend %q: %s called on builder %q after Compile", Name, opName, b.name)
	}
	vs := make([]*value, len(ops))
	for i, op := range ops {
		v, err := b.value(op)
		if err != nil {
			return nil, fmt.Errorf("%s input #%d: %w", opName, i, err)
		}
		vs[i] = v
	}
	return vs, nil
}

func (b *Builder) addNode(n *node) *node {
	n.idx = len(b.nodes)
	b.nodes = append(b.nodes, n)
	return n
}

// replayFunc builds a delegated op on a simplego builder from its inputs there.
type replayFunc func(sb backends.Builder, in []backends.Op) ([]backends.Op, error)

// delegate records an op that simplego executes. replay is called at once on the shadow builder
// (for shapes and validation) and again on each segment's builder at Compile time.
func (b *Builder) delegate(opName string, ins []backends.Op, replay replayFunc) ([]backends.Op, error) {
	vs, err := b.values(opName, ins)
	if err != nil {
		return nil, err
	}
	shadowOuts, err := b.shadowReplay(opName, vs, replay)
	if err != nil {
		return nil, err
	}
	return b.delegated(opName, vs, replay, shadowOuts)
}

// shadowReplay builds an op in the shadow builder, which validates it and gives its output shapes.
func (b *Builder) shadowReplay(opName string, vs []*value, replay replayFunc) ([]backends.Op, error) {
	shadowIns := make([]backends.Op, len(vs))
	for i, v := range vs {
		shadowIns[i] = v.shadow
	}
	shadowOuts, err := replay(b.shadow, shadowIns)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %s: %w", Name, opName, err)
	}
	return shadowOuts, nil
}

// delegated records a delegated op whose shadow outputs are already built.
func (b *Builder) delegated(opName string, vs []*value, replay replayFunc, shadowOuts []backends.Op) ([]backends.Op, error) {
	n := b.addNode(&node{kind: kindDelegated, name: opName, inputs: vs, replay: replay})
	outs := make([]backends.Op, len(shadowOuts))
	for i, so := range shadowOuts {
		shape, err := b.shadow.OpShape(so)
		if err != nil {
			return nil, fmt.Errorf("backend %q: %s output #%d: %w", Name, opName, i, err)
		}
		v := &value{node: n, idx: i, shape: shape, shadow: so}
		n.outs = append(n.outs, v)
		outs[i] = v
	}
	return outs, nil
}

// nativeOrDelegate records an op that has a native kernel for some inputs. The op is built once in
// the shadow builder; choose gets the inputs and the output shape and returns the kernel to run, or
// nil to leave the op to simplego.
func (b *Builder) nativeOrDelegate(opName string, ins []backends.Op, replay replayFunc,
	choose func(vs []*value, out shapes.Shape) kernel) (backends.Op, error) {
	vs, err := b.values(opName, ins)
	if err != nil {
		return nil, err
	}
	shadowOuts, err := b.shadowReplay(opName, vs, replay)
	if err != nil {
		return nil, err
	}
	out, err := b.shadow.OpShape(shadowOuts[0])
	if err != nil {
		return nil, fmt.Errorf("backend %q: %s: %w", Name, opName, err)
	}
	var outs []backends.Op
	if k := choose(vs, out); k != nil {
		outs, err = b.nativeShadowed(opName, vs, k, shadowOuts...)
	} else {
		outs, err = b.delegated(opName, vs, replay, shadowOuts)
	}
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// native records an op run by one of this package's kernels, with the given output shapes.
// Later delegated ops see its outputs in the shadow builder as parameters of the same shapes.
func (b *Builder) native(opName string, ins []*value, k kernel, outShapes ...shapes.Shape) ([]backends.Op, error) {
	shadows := make([]backends.Op, len(outShapes))
	for i, shape := range outShapes {
		b.shadowParams++
		so, err := b.shadow.Parameter(fmt.Sprintf("#native%d", b.shadowParams), shape, nil)
		if err != nil {
			return nil, fmt.Errorf("backend %q: %s: %w", Name, opName, err)
		}
		shadows[i] = so
	}
	return b.nativeShadowed(opName, ins, k, shadows...)
}

// nativeShadowed is native for an op that simplego also builds: shadows are its outputs in the
// shadow builder, which give the output shapes.
func (b *Builder) nativeShadowed(opName string, ins []*value, k kernel, shadows ...backends.Op) ([]backends.Op, error) {
	n := b.addNode(&node{kind: kindNative, name: opName, inputs: ins, kernel: k})
	outs := make([]backends.Op, len(shadows))
	for i, so := range shadows {
		shape, err := b.shadow.OpShape(so)
		if err != nil {
			return nil, fmt.Errorf("backend %q: %s: %w", Name, opName, err)
		}
		v := &value{node: n, idx: i, shape: shape, shadow: so}
		n.outs = append(n.outs, v)
		outs[i] = v
	}
	return outs, nil
}

// Parameter implements backends.Builder.
func (b *Builder) Parameter(name string, shape shapes.Shape, sharding *backends.ShardingSpec) (backends.Op, error) {
	if sharding != nil {
		return nil, fmt.Errorf("backend %q: sharding is not supported (parameter %q)", Name, name)
	}
	so, err := b.shadow.Parameter(name, shape, nil)
	if err != nil {
		return nil, fmt.Errorf("backend %q: parameter %q: %w", Name, name, err)
	}
	n := b.addNode(&node{kind: kindParameter, name: "Parameter " + name, paramIdx: len(b.params)})
	b.params = append(b.params, n)
	v := &value{node: n, shape: shape, shadow: so}
	n.outs = []*value{v}
	return v, nil
}

// Constant implements backends.Builder.
func (b *Builder) Constant(flat any, dims ...int) (backends.Op, error) {
	outs, err := b.delegate("Constant", nil, func(sb backends.Builder, _ []backends.Op) ([]backends.Op, error) {
		o, err := sb.Constant(flat, dims...)
		return []backends.Op{o}, err
	})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// DistributedSPMD implements backends.Builder: distribution is not supported.
func (b *Builder) DistributedSPMD(numDevices int) error {
	return fmt.Errorf("backend %q: distributed execution is not supported", Name)
}

// DistributedAutoSharding implements backends.Builder: distribution is not supported.
func (b *Builder) DistributedAutoSharding(meshes ...backends.Mesh) error {
	return fmt.Errorf("backend %q: distributed execution is not supported", Name)
}

// DeviceAssignment implements backends.Builder: only device 0 exists.
func (b *Builder) DeviceAssignment(devices ...backends.DeviceNum) error {
	for _, d := range devices {
		if d != 0 {
			return fmt.Errorf("backend %q: device %d does not exist, only device 0", Name, d)
		}
	}
	return nil
}
