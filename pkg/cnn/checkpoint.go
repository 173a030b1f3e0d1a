package cnn

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Checkpoint format, version 2: checkpointMagic, the payload's length (8 bytes, little-endian),
// the payload's SHA-256 (32 bytes), then the payload: the gob encoding of []savedVar. The checksum
// makes a damaged file (a flipped bit, a truncated copy) an error instead of other weights.
const (
	checkpointMagic = "cvlessons-cnn-checkpoint-v2\n"
	// checkpointMagicV1 started the format before it carried a checksum; such files are refused.
	checkpointMagicV1 = "cvlessons-cnn-checkpoint-v1\n"
	// maxCheckpointBytes bounds the payload a checkpoint header may announce.
	maxCheckpointBytes = 16 << 30
)

// maxCheckpointRank bounds a saved variable's number of dimensions: the course's tensors have at
// most 5 (GoMLX's convolution kernels have 4), so more is damage, and a bound keeps the error
// messages and the shape small.
const maxCheckpointRank = 16

// savedVar is one variable in a checkpoint: its scope/name, dtype, dimensions and raw bytes
// (the machine's native byte order, as GoMLX stores tensors).
type savedVar struct {
	Name  string
	DType int32
	Dims  []int
	Data  []byte
}

// SaveCheckpoint writes every variable of ctx that has a value (model weights, BatchNorm averages,
// optimizer state) to path, atomically: it writes a temporary file ".NAME.tmp-PID-RANDOM" in the
// same directory, syncs it and renames it over path, so a crash never leaves a half-written
// checkpoint. The file carries a SHA-256 of its content, checked by LoadCheckpoint. Temporary
// files left beside path by saves that were killed (their process PID no longer runs) are removed
// first. A float32 or float64 variable holding a NaN or an infinity (a diverged run) is an error
// and leaves path as it was: a checkpoint only ever holds finite weights.
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
		if what := nonFinite(t.DType(), data); what != "" {
			return fmt.Errorf("cnn: saving checkpoint %s: variable %s holds %s; nothing was written, the file was left as it was",
				path, v.ScopeAndName(), what)
		}
		vars = append(vars, savedVar{Name: v.ScopeAndName(), DType: int32(t.DType()), Dims: t.Shape().Dimensions, Data: data})
	}
	header, payload, err := encodeCheckpoint(vars)
	if err != nil {
		return fmt.Errorf("cnn: saving checkpoint %s: %w", path, err)
	}
	return writeFileAtomic(path, header, payload)
}

// encodeCheckpoint returns the header (magic, length, SHA-256) and the payload of a checkpoint
// of vars.
func encodeCheckpoint(vars []savedVar) (header, payload []byte, err error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(vars); err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	header = make([]byte, 0, len(checkpointMagic)+8+len(sum))
	header = append(header, checkpointMagic...)
	header = binary.LittleEndian.AppendUint64(header, uint64(buf.Len()))
	header = append(header, sum[:]...)
	return header, buf.Bytes(), nil
}

// tempPrefix is the name prefix of the temporary files of saves to path, by any process:
// ".NAME.tmp-"; the writing process's id and a random suffix follow.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// removeStaleTemps deletes the temporary files beside path whose writing process no longer
// runs (a save that was killed), leaving those of saves still in progress.
func removeStaleTemps(path string) {
	prefix := tempPrefix(path)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || processRuns(pid) {
			continue
		}
		os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
	}
}

// processRuns reports whether process pid exists (when unsure, that it does).
func processRuns(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return !errors.Is(err, os.ErrProcessDone)
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || !errors.Is(err, os.ErrProcessDone)
}

// writeFileAtomic writes the concatenation of parts to a temporary file beside path and renames
// it to path.
func writeFileAtomic(path string, parts ...[]byte) error {
	removeStaleTemps(path)
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("cnn: saving checkpoint: %w", err)
	}
	tmp := f.Name()
	for _, data := range parts {
		if err == nil {
			_, err = f.Write(data)
		}
	}
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
// before the model's graph is built. The file is checked fully before any variable is changed: a
// damaged file (a flipped bit, a truncated or extended copy) fails its SHA-256 with an error
// naming the file, and a NaN or infinite weight is refused.
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

// readCheckpoint decodes and validates a checkpoint stream: header, length, checksum, then each
// variable's dtype, dimensions, size and (float32, float64) finiteness. It holds at most the bytes the stream really has (the
// announced length only bounds them).
func readCheckpoint(r io.Reader) ([]savedVar, error) {
	header := make([]byte, len(checkpointMagic)+8+sha256.Size)
	n, err := io.ReadFull(r, header)
	switch magic := string(header[:min(n, len(checkpointMagic))]); {
	case magic == checkpointMagicV1:
		return nil, errors.New("a checkpoint of format v1, which has no checksum and cannot be verified: train again to write a v2 checkpoint")
	case magic != checkpointMagic:
		return nil, errors.New("not a cvlessons cnn checkpoint (bad header), want one starting with " + strconv.Quote(checkpointMagic))
	case err != nil:
		return nil, fmt.Errorf("checkpoint header truncated: %d of %d bytes", n, len(header))
	}
	size := binary.LittleEndian.Uint64(header[len(checkpointMagic):])
	if size > maxCheckpointBytes {
		return nil, fmt.Errorf("checkpoint announces %d bytes of variables, more than the %d allowed", size, int64(maxCheckpointBytes))
	}
	payload, err := io.ReadAll(io.LimitReader(r, int64(size)+1))
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint: %w", err)
	}
	if uint64(len(payload)) != size {
		return nil, fmt.Errorf("corrupt checkpoint: %d bytes of variables, the header says %d (truncated or appended to)", len(payload), size)
	}
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], header[len(checkpointMagic)+8:]) {
		return nil, fmt.Errorf("corrupt checkpoint: SHA-256 of the variables is %x, the header says %x", sum, header[len(checkpointMagic)+8:])
	}
	var vars []savedVar
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&vars); err != nil {
		return nil, fmt.Errorf("corrupt checkpoint: %w", err)
	}
	for _, sv := range vars {
		dt := dtypes.DType(sv.DType)
		if !(dt.IsSupported() || dt == dtypes.Uint64) || dt.Size() <= 0 {
			return nil, fmt.Errorf("variable %q has unsupported dtype %d", sv.Name, sv.DType)
		}
		if len(sv.Dims) > maxCheckpointRank {
			return nil, fmt.Errorf("variable %q has %d dimensions, want at most %d", sv.Name, len(sv.Dims), maxCheckpointRank)
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
		if what := nonFinite(dt, sv.Data); what != "" {
			return nil, fmt.Errorf("variable %q holds %s: the weights of a diverged run, which SaveCheckpoint never writes", sv.Name, what)
		}
	}
	return vars, nil
}

// NonFiniteVariable returns the scope and name of the first variable of ctx (in ctx's iteration
// order) whose value holds a NaN or an infinity, or "" when every float32 and float64 variable is
// finite. Variables of other dtypes, and variables without a value, are not inspected. Train calls
// it at the end of every epoch, and SaveCheckpoint refuses such values, so that a diverged model
// never replaces a good checkpoint.
func NonFiniteVariable(ctx *context.Context) (string, error) {
	name, _, err := nonFiniteVariable(ctx)
	return name, err
}

// nonFiniteVariable is NonFiniteVariable that also says what the variable holds ("NaN at index 3
// of 12").
func nonFiniteVariable(ctx *context.Context) (name, what string, err error) {
	for v := range ctx.IterVariables() {
		if !v.HasValue() {
			continue
		}
		t, err := v.Value()
		if err != nil {
			return "", "", fmt.Errorf("cnn: reading variable %s: %w", v.ScopeAndName(), err)
		}
		if t.DType() != dtypes.Float32 && t.DType() != dtypes.Float64 {
			continue
		}
		what := ""
		if err := t.ConstBytes(func(b []byte) { what = nonFinite(t.DType(), b) }); err != nil {
			return "", "", fmt.Errorf("cnn: reading variable %s: %w", v.ScopeAndName(), err)
		}
		if what != "" {
			return v.ScopeAndName(), what, nil
		}
	}
	return "", "", nil
}

// nonFinite describes the first NaN or infinity in data, the raw bytes (native byte order) of a
// tensor of dtype dt: "NaN at index 3 of 12", or "" when there is none or dt is neither float32
// nor float64.
func nonFinite(dt dtypes.DType, data []byte) string {
	describe := func(x float64, i, n int) string { return fmt.Sprintf("%v at index %d of %d", x, i, n) }
	switch dt {
	case dtypes.Float32:
		n := len(data) / 4
		for i := range n {
			x := float64(math.Float32frombits(binary.NativeEndian.Uint32(data[4*i:])))
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return describe(x, i, n)
			}
		}
	case dtypes.Float64:
		n := len(data) / 8
		for i := range n {
			x := math.Float64frombits(binary.NativeEndian.Uint64(data[8*i:]))
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return describe(x, i, n)
			}
		}
	}
	return ""
}
