package cnn

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// checkpointMagic starts every checkpoint file (format version 1).
const checkpointMagic = "cvlessons-cnn-checkpoint-v1\n"

// savedVar is one variable in a checkpoint: its scope/name, dtype, dimensions and raw bytes
// (the machine's native byte order, as GoMLX stores tensors).
type savedVar struct {
	Name  string
	DType int32
	Dims  []int
	Data  []byte
}

// SaveCheckpoint writes every variable of ctx that has a value (model weights, BatchNorm averages,
// optimizer state) to path, atomically: it writes a temporary file in the same directory, syncs it
// and renames it over path, so a crash never leaves a half-written checkpoint.
func SaveCheckpoint(ctx *context.Context, path string) error {
	var vars []savedVar
	for v := range ctx.IterVariables() {
		if !v.HasValue() {
			continue
		}
		t, err := v.Value()
		if err != nil {
			return fmt.Errorf("cnn: saving checkpoint %s: variable %s: %w", path, v.ScopeAndName(), err)
		}
		var data []byte
		if err := t.ConstBytes(func(b []byte) { data = append([]byte(nil), b...) }); err != nil {
			return fmt.Errorf("cnn: saving checkpoint %s: variable %s: %w", path, v.ScopeAndName(), err)
		}
		vars = append(vars, savedVar{Name: v.ScopeAndName(), DType: int32(t.DType()), Dims: t.Shape().Dimensions, Data: data})
	}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	if err := gob.NewEncoder(&buf).Encode(vars); err != nil {
		return fmt.Errorf("cnn: saving checkpoint %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data to a temporary file beside path and renames it to path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cnn: saving checkpoint: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cnn: saving checkpoint %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint into ctx. Variables that exist in
// ctx must have the same dtype and shape; the others are created, so a checkpoint can be loaded
// before the model's graph is built. The file is checked fully before any variable is changed.
func LoadCheckpoint(ctx *context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cnn: loading checkpoint: %w", err)
	}
	defer f.Close()
	vars, err := readCheckpoint(f)
	if err != nil {
		return fmt.Errorf("cnn: loading checkpoint %s: %w", path, err)
	}
	values := make([]*tensors.Tensor, len(vars))
	for i, sv := range vars {
		shape := shapes.Make(dtypes.DType(sv.DType), sv.Dims...)
		scope, name := context.SplitScope(sv.Name)
		if v := ctx.InspectVariable(scope, name); v != nil && !v.Shape().Equal(shape) {
			return fmt.Errorf("cnn: loading checkpoint %s: variable %s has shape %s in the checkpoint but %s in the model",
				path, sv.Name, shape, v.Shape())
		}
		t := tensors.FromShape(shape)
		if err := t.MutableBytes(func(b []byte) { copy(b, sv.Data) }); err != nil {
			return fmt.Errorf("cnn: loading checkpoint %s: variable %s: %w", path, sv.Name, err)
		}
		values[i] = t
	}
	for i, sv := range vars {
		scope, name := context.SplitScope(sv.Name)
		if v := ctx.InspectVariable(scope, name); v != nil {
			if err := v.SetValue(values[i]); err != nil {
				return fmt.Errorf("cnn: loading checkpoint %s: variable %s: %w", path, sv.Name, err)
			}
			continue
		}
		v := ctx.InAbsPath(scope).Checked(false).VariableWithValue(name, values[i])
		if scope == OptimizerScope || len(scope) > len(OptimizerScope) && scope[:len(OptimizerScope)+1] == OptimizerScope+"/" {
			v.SetTrainable(false)
		}
	}
	return nil
}

// readCheckpoint decodes and validates a checkpoint stream.
func readCheckpoint(r io.Reader) ([]savedVar, error) {
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != checkpointMagic {
		return nil, fmt.Errorf("not a cvlessons cnn checkpoint (bad header)")
	}
	var vars []savedVar
	if err := gob.NewDecoder(r).Decode(&vars); err != nil {
		return nil, fmt.Errorf("corrupt checkpoint: %w", err)
	}
	for _, sv := range vars {
		dt := dtypes.DType(sv.DType)
		if !(dt.IsSupported() || dt == dtypes.Uint64) || dt.Size() <= 0 {
			return nil, fmt.Errorf("variable %q has unsupported dtype %d", sv.Name, sv.DType)
		}
		size := 1
		for _, d := range sv.Dims {
			if d < 0 || (d > 0 && size > len(sv.Data)/d) {
				return nil, fmt.Errorf("variable %q has invalid dimensions %v for %d bytes", sv.Name, sv.Dims, len(sv.Data))
			}
			size *= d
		}
		if size*dt.Size() != len(sv.Data) {
			return nil, fmt.Errorf("variable %q has %d bytes, want %d for %s%v", sv.Name, len(sv.Data), size*dt.Size(), dt, sv.Dims)
		}
		if sv.Name == "" || sv.Name[0] != '/' {
			return nil, fmt.Errorf("variable name %q is not an absolute scope path", sv.Name)
		}
	}
	return vars, nil
}
