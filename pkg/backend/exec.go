package backend

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// kernel runs a native op on flat input data (ins) and writes every element of the flat outputs
// (outs), which the executor allocates with the recorded output shapes. Flats are Go slices of the
// dtype's type ([]float32 for float32).
type kernel func(ins, outs []any) error

// step is one unit of execution: either a compiled simplego segment or a native node.
type step struct {
	// For a segment: the executable, the values it reads and the values it produces.
	exe     backends.Executable
	segIns  []*value
	segOuts []*value
	// For a native node.
	native *node
	// release lists the values whose last use is this step (freed or donated here).
	release []*value
}

// Executable runs a compiled graph: simplego segments interleaved with native kernels.
type Executable struct {
	backend *Backend
	name    string
	params  []*node
	outputs []*value
	steps   []*step
	// fromParam tells, for outputs that are parameters themselves, which parameter (else -1).
	paramNames  []string
	paramShapes []shapes.Shape
}

var _ backends.Executable = (*Executable)(nil)

// Compile implements backends.Builder. It splits the recorded graph into maximal runs of delegated
// ops, compiles each run with simplego, and schedules native kernels between them.
func (b *Builder) Compile(outputs []backends.Op, shardings []*backends.ShardingSpec) (backends.Executable, error) {
	if len(shardings) != 0 {
		return nil, fmt.Errorf("backend %q: sharding is not supported", Name)
	}
	outVals, err := b.values("Compile", outputs)
	if err != nil {
		return nil, err
	}
	b.compiled = true
	seen := make(map[*value]bool)
	for _, v := range outVals {
		if seen[v] {
			return nil, fmt.Errorf("backend %q: output %s repeated in Compile", Name, v.node.name)
		}
		seen[v] = true
	}

	// Liveness: nodes reachable from the outputs.
	live := make([]bool, len(b.nodes))
	var mark func(n *node)
	mark = func(n *node) {
		if live[n.idx] {
			return
		}
		live[n.idx] = true
		for _, in := range n.inputs {
			mark(in.node)
		}
	}
	for _, v := range outVals {
		mark(v.node)
	}

	// Group nodes into steps in recording order (a topological order).
	var steps []*step
	var segment []*node
	segmentNodes := make(map[*step][]*node)
	for _, n := range b.nodes {
		if !live[n.idx] {
			continue
		}
		switch n.kind {
		case kindParameter:
		case kindDelegated:
			segment = append(segment, n)
		case kindNative:
			if len(segment) > 0 {
				s := &step{}
				segmentNodes[s] = segment
				steps = append(steps, s)
				segment = nil
			}
			steps = append(steps, &step{native: n})
		}
	}
	if len(segment) > 0 {
		s := &step{}
		segmentNodes[s] = segment
		steps = append(steps, s)
	}

	// Which step produces each value, and which steps use it.
	producer := make(map[*value]int)
	lastUse := make(map[*value]int)
	for i, s := range steps {
		nodes := segmentNodes[s]
		if s.native != nil {
			nodes = []*node{s.native}
		}
		for _, n := range nodes {
			for _, v := range n.outs {
				producer[v] = i
			}
			for _, in := range n.inputs {
				lastUse[in] = i
			}
		}
	}
	isOutput := make(map[*value]bool)
	for _, v := range outVals {
		isOutput[v] = true
	}

	// Compile each segment: its inputs are values produced outside it, its outputs the values it
	// produces that a later step or the caller needs.
	for i, s := range steps {
		nodes, ok := segmentNodes[s]
		if !ok {
			continue
		}
		inSeg := make(map[*node]bool, len(nodes))
		for _, n := range nodes {
			inSeg[n] = true
		}
		sb := b.backend.sg.Builder(fmt.Sprintf("%s#%d", b.name, i))
		ops := make(map[*value]backends.Op)
		for _, n := range nodes {
			ins := make([]backends.Op, len(n.inputs))
			for j, in := range n.inputs {
				if !inSeg[in.node] {
					if _, done := ops[in]; !done {
						p, err := sb.Parameter(fmt.Sprintf("in%d", len(s.segIns)), in.shape, nil)
						if err != nil {
							return nil, fmt.Errorf("backend %q: compiling %s: %w", Name, n.name, err)
						}
						ops[in] = p
						s.segIns = append(s.segIns, in)
					}
				}
				ins[j] = ops[in]
			}
			outs, err := n.replay(sb, ins)
			if err != nil {
				return nil, fmt.Errorf("backend %q: compiling %s: %w", Name, n.name, err)
			}
			for j, o := range outs {
				ops[n.outs[j]] = o
			}
		}
		var outOps []backends.Op
		for _, n := range nodes {
			for _, v := range n.outs {
				if isOutput[v] || lastUse[v] > i {
					s.segOuts = append(s.segOuts, v)
					outOps = append(outOps, ops[v])
				}
			}
		}
		exe, err := sb.Compile(outOps, nil)
		if err != nil {
			return nil, fmt.Errorf("backend %q: compiling segment %d of %q: %w", Name, i, b.name, err)
		}
		s.exe = exe
	}
	// Release values after their last use, unless they are outputs or parameters.
	for v, i := range lastUse {
		if isOutput[v] || v.node.kind == kindParameter {
			continue
		}
		steps[i].release = append(steps[i].release, v)
	}
	e := &Executable{backend: b.backend, name: b.name, params: b.params, outputs: outVals, steps: steps}
	for _, p := range b.params {
		e.paramNames = append(e.paramNames, p.name)
		e.paramShapes = append(e.paramShapes, p.outs[0].shape)
	}
	return e, nil
}

// Finalize implements backends.Executable.
func (e *Executable) Finalize() {
	for _, s := range e.steps {
		if s.exe != nil {
			s.exe.Finalize()
		}
	}
	e.steps = nil
}

// Inputs implements backends.Executable.
func (e *Executable) Inputs() (names []string, inputShapes []shapes.Shape) {
	return slices.Clone(e.paramNames), slices.Clone(e.paramShapes)
}

// Outputs implements backends.Executable.
func (e *Executable) Outputs() []shapes.Shape {
	s := make([]shapes.Shape, len(e.outputs))
	for i, v := range e.outputs {
		s[i] = v.shape
	}
	return s
}

// Execute implements backends.Executable.
func (e *Executable) Execute(inputs []backends.Buffer, donate []bool, defaultDevice backends.DeviceNum) ([]backends.Buffer, error) {
	if len(inputs) != len(e.params) {
		return nil, fmt.Errorf("backend %q: executable %q takes %d inputs, got %d", Name, e.name, len(e.params), len(inputs))
	}
	sg := e.backend.sg
	bufs := make(map[*value]backends.Buffer, len(inputs))
	for i, p := range e.params {
		bufs[p.outs[0]] = inputs[i]
	}
	free := func(s *step) {
		for _, v := range s.release {
			if buf, ok := bufs[v]; ok {
				_ = sg.BufferFinalize(buf)
				delete(bufs, v)
			}
		}
	}
	for _, s := range e.steps {
		if s.native != nil {
			n := s.native
			ins := make([]any, len(n.inputs))
			for i, in := range n.inputs {
				flat, err := sg.BufferData(bufs[in])
				if err != nil {
					return nil, fmt.Errorf("backend %q: %s input #%d: %w", Name, n.name, i, err)
				}
				ins[i] = flat
			}
			outs := make([]any, len(n.outs))
			for i, v := range n.outs {
				buf, flat, err := sg.NewSharedBuffer(0, v.shape)
				if err != nil {
					return nil, fmt.Errorf("backend %q: %s output #%d: %w", Name, n.name, i, err)
				}
				bufs[v] = buf
				outs[i] = flat
			}
			if err := n.kernel(ins, outs); err != nil {
				return nil, fmt.Errorf("backend %q: %s: %w", Name, n.name, err)
			}
			free(s)
			continue
		}
		segIns := make([]backends.Buffer, len(s.segIns))
		segDonate := make([]bool, len(s.segIns))
		released := make(map[*value]bool, len(s.release))
		for _, v := range s.release {
			released[v] = true
		}
		for i, v := range s.segIns {
			segIns[i] = bufs[v]
			if released[v] {
				// The segment may reuse this buffer: it is not needed afterwards.
				segDonate[i] = true
				delete(bufs, v)
			}
		}
		outs, err := s.exe.Execute(segIns, segDonate, defaultDevice)
		if err != nil {
			return nil, fmt.Errorf("backend %q: executing %q: %w", Name, e.name, err)
		}
		for i, v := range s.segOuts {
			bufs[v] = outs[i]
		}
		free(s)
	}
	results := make([]backends.Buffer, len(e.outputs))
	for i, v := range e.outputs {
		buf := bufs[v]
		if v.node.kind == kindParameter {
			// Never hand the caller's own input buffer back as an output: copy it.
			flat, err := sg.BufferData(buf)
			if err != nil {
				return nil, err
			}
			cp, err := sg.BufferFromFlatData(0, flat, v.shape)
			if err != nil {
				return nil, err
			}
			buf = cp
		}
		results[i] = buf
	}
	_ = donate
	return results, nil
}
