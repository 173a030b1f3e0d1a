package cnn

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// checkpointFile returns a checkpoint holding payload under a header that checks: the magic, the
// payload's length and its SHA-256 (the format documented in checkpoint.go), so that a fuzzer's
// payload reaches the gob decoding and the validation behind the checksum.
func checkpointFile(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	out := append([]byte(checkpointMagic), binary.LittleEndian.AppendUint64(nil, uint64(len(payload)))...)
	return append(append(out, sum[:]...), payload...)
}

// gobVars is the gob encoding of vars, a checkpoint's payload.
func gobVars(t testing.TB, vars []savedVar) []byte {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(vars); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkpointBytesPerByte bounds what reading a checkpoint allocates per byte of its payload: a
// gob slice's length is checked against the bytes left, but one byte can stand for an empty
// savedVar (72 bytes in memory) or a dimension (8 bytes), and io.ReadAll grows its buffer.
const checkpointBytesPerByte = 128

// FuzzReadCheckpointPayload: whatever the payload under a valid checksum, readCheckpoint returns
// an error or variables whose sizes agree with their dtypes and dimensions and whose floats are
// finite, never panics, and allocates at most checkpointBytesPerByte per byte of the file plus
// 1 MiB, whatever the dimensions and lengths the payload claims.
func FuzzReadCheckpointPayload(f *testing.F) {
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.NativeEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	f.Add(gobVars(f, []savedVar{{Name: "/dense/weights", DType: int32(dtypes.Float32), Dims: []int{2, 1}, Data: f32(1, 2)}}))
	f.Add(gobVars(f, []savedVar{{Name: "/bn/mean", DType: int32(dtypes.Float32), Dims: []int{1}, Data: f32(float32(math.NaN()))}}))
	f.Add(gobVars(f, []savedVar{{Name: "/x", DType: int32(dtypes.Int64), Dims: []int{1 << 40, 1 << 40}, Data: make([]byte, 8)}}))
	f.Add(gobVars(f, []savedVar{{Name: "x", DType: 999, Dims: []int{-1}}}))
	f.Add(gobVars(f, make([]savedVar, 1000)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		data := checkpointFile(payload)
		var vars []savedVar
		var err error
		n := allocated(func() { vars, err = readCheckpoint(bytes.NewReader(data)) })
		if limit := checkpointBytesPerByte*uint64(len(data)) + 1<<20; n > limit {
			t.Fatalf("readCheckpoint of %d bytes allocated %d bytes, want at most %d", len(data), n, limit)
		}
		if err != nil {
			return
		}
		for _, v := range vars {
			dt := dtypes.DType(v.DType)
			size := 1
			for _, d := range v.Dims {
				size *= d
			}
			if size*dt.Size() != len(v.Data) || v.Name == "" || v.Name[0] != '/' {
				t.Fatalf("accepted variable %q of %s%v with %d bytes", v.Name, dt, v.Dims, len(v.Data))
			}
			if what := nonFinite(dt, v.Data); what != "" {
				t.Fatalf("accepted variable %q holding %s", v.Name, what)
			}
		}
	})
}

// TestReadCheckpointMemory: hostile checkpoints made in the test allocate at most
// checkpointBytesPerByte per byte of the file (plus 1 MiB), whatever they claim.
func TestReadCheckpointMemory(t *testing.T) {
	lying := checkpointFile(nil)
	binary.LittleEndian.PutUint64(lying[len(checkpointMagic):], 16<<30-1) // announces 16 GiB
	ones := make([]int, 1_000_000)
	for i := range ones {
		ones[i] = 1
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"a header announcing 16 GiB in a 68-byte file", lying, "0 bytes of variables, the header says 17179869183"},
		{"100000 empty variables", checkpointFile(gobVars(t, make([]savedVar, 100000))), `variable "" has unsupported dtype 0`},
		{"a variable with 1000000 dimensions", checkpointFile(gobVars(t, []savedVar{{Name: "/x", DType: int32(dtypes.Float32), Dims: ones}})),
			`variable "/x" has 1000000 dimensions, want at most 16`},
		{"an empty variable with 1000000 dimensions, one of them 0", checkpointFile(gobVars(t, []savedVar{{Name: "/x", DType: int32(dtypes.Float32), Dims: append([]int{0}, ones[1:]...)}})),
			`variable "/x" has 1000000 dimensions, want at most 16`},
		{"a variable claiming 2^80 values", checkpointFile(gobVars(t, []savedVar{{Name: "/x", DType: int32(dtypes.Float32), Dims: []int{1 << 40, 1 << 40}, Data: make([]byte, 4)}})),
			"invalid dimensions [1099511627776 1099511627776] for 4 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = readCheckpoint(bytes.NewReader(tc.data)) })
			if limit := checkpointBytesPerByte*uint64(len(tc.data)) + 1<<20; n > limit {
				t.Errorf("readCheckpoint of %d bytes allocated %d bytes, want at most %d", len(tc.data), n, limit)
			}
			t.Logf("%d bytes: allocated %d (%.1f a byte)", len(tc.data), n, float64(n)/float64(len(tc.data)))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				msg := fmt.Sprint(err)
				t.Errorf("readCheckpoint error = %.200s (%d bytes), want %q", msg, len(msg), tc.wantErr)
			}
		})
	}
}
