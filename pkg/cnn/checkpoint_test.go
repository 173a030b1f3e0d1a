package cnn

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// smallCheckpointCtx returns a context with two small float32 variables and a float64 one, set
// on the host (no backend needed).
func smallCheckpointCtx(w []float32) *context.Context {
	ctx := context.New()
	ctx.InAbsPath("/out/dense").VariableWithValue("weights", w)
	ctx.InAbsPath("/out/dense").VariableWithValue("biases", []float32{0.5, -0.5})
	ctx.InAbsPath("/stats").VariableWithValue("count", []float64{3})
	return ctx
}

// weightsOf returns the host values of /out/dense/weights in ctx.
func weightsOf(t *testing.T, ctx *context.Context) []float32 {
	t.Helper()
	v := ctx.InspectVariable("/out/dense", "weights")
	if v == nil {
		t.Fatal("no /out/dense/weights")
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// TestCheckpointDetectsDamage damages a saved checkpoint in the ways a disk, a copy or a careless
// edit does; LoadCheckpoint must refuse each with an error naming the file and the damage, and
// leave the variables it was loading into unchanged.
func TestCheckpointDetectsDamage(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ckpt")
	if err := SaveCheckpoint(smallCheckpointCtx([]float32{1, 2, 3, 4}), good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	magic, sizeAt, sumAt, payloadAt := 0, len(checkpointMagic), len(checkpointMagic)+8, len(checkpointMagic)+8+32
	flip := func(at int, bit uint) func([]byte) []byte {
		return func(b []byte) []byte { b[at] ^= 1 << bit; return b }
	}
	tests := []struct {
		name   string
		damage func([]byte) []byte
		want   string
	}{
		{"bit 0 of the magic", flip(magic, 0), "bad header"},
		{"bit of the version", flip(len("cvlessons-cnn-checkpoint-v"), 2), "bad header"},
		{"bit 0 of the length", flip(sizeAt, 0), "the header says"},
		{"bit 62 of the length", flip(sizeAt+7, 6), "more than the"},
		{"bit 0 of the checksum", flip(sumAt, 0), "SHA-256"},
		{"bit 7 of the checksum's last byte", flip(payloadAt-1, 7), "SHA-256"},
		{"bit 0 of the payload's first byte", flip(payloadAt, 0), "SHA-256"},
		{"bit 3 of the payload's middle byte", flip((payloadAt+len(data))/2, 3), "SHA-256"},
		{"bit 7 of the last byte", flip(len(data)-1, 7), "SHA-256"},
		{"one byte cut", func(b []byte) []byte { return b[:len(b)-1] }, "truncated or appended to"},
		{"one byte appended", func(b []byte) []byte { return append(b, 0) }, "truncated or appended to"},
		{"header only", func(b []byte) []byte { return b[:payloadAt] }, "truncated or appended to"},
		{"half the header", func(b []byte) []byte { return b[:sumAt] }, "header truncated"},
		{"empty file", func([]byte) []byte { return nil }, "bad header"},
		{"format v1", func(b []byte) []byte { return append([]byte(checkpointMagicV1), b[len(checkpointMagic):]...) }, "format v1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.ckpt")
			if err := os.WriteFile(path, tc.damage(slices.Clone(data)), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx := smallCheckpointCtx([]float32{9, 9, 9, 9})
			err := LoadCheckpoint(ctx, path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadCheckpoint(%s) = %v, want an error naming the file and containing %q", tc.name, err, tc.want)
			}
			if got := weightsOf(t, ctx); !slices.Equal(got, []float32{9, 9, 9, 9}) {
				t.Errorf("weights after a refused load = %v, want them unchanged", got)
			}
		})
	}
	// Property: every single flipped bit, anywhere in the file, is refused.
	for at := range data {
		for bit := range uint(8) {
			if _, err := readCheckpoint(bytes.NewReader(flip(at, bit)(slices.Clone(data)))); err == nil {
				t.Fatalf("a flipped bit %d of byte %d of %d was not detected", bit, at, len(data))
			}
		}
	}
	// The undamaged file loads.
	ctx := smallCheckpointCtx([]float32{9, 9, 9, 9})
	if err := LoadCheckpoint(ctx, good); err != nil {
		t.Fatal(err)
	}
	if got := weightsOf(t, ctx); !slices.Equal(got, []float32{1, 2, 3, 4}) {
		t.Errorf("weights after loading = %v, want [1 2 3 4]", got)
	}
}

// TestCheckpointNonFinite: SaveCheckpoint never writes a NaN or an infinity (the file keeps its
// last good content), and LoadCheckpoint refuses one even in a file whose checksum is right.
func TestCheckpointNonFinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name    string
		weights []float32
		want    string // "" when the save must succeed
	}{
		{"NaN", []float32{1, 2, nan, 4}, "holds NaN at index 2 of 4"},
		{"+Inf", []float32{inf, 2, 3, 4}, "holds +Inf at index 0 of 4"},
		{"-Inf", []float32{1, 2, 3, -inf}, "holds -Inf at index 3 of 4"},
		{"largest float32 (finite)", []float32{math.MaxFloat32, -math.MaxFloat32, 0, 1}, ""},
		{"smallest float32 (finite)", []float32{math.SmallestNonzeroFloat32, 0, 0, 0}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run.ckpt")
			if err := SaveCheckpoint(smallCheckpointCtx([]float32{1, 1, 1, 1}), path); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			err := SaveCheckpoint(smallCheckpointCtx(tc.weights), path)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("SaveCheckpoint(%v) = %v, want success", tc.weights, err)
				}
				loaded := context.New()
				if err := LoadCheckpoint(loaded, path); err != nil {
					t.Fatal(err)
				}
				if got := weightsOf(t, loaded); !slices.Equal(got, tc.weights) {
					t.Errorf("reloaded %v, want %v", got, tc.weights)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "/out/dense/weights "+tc.want) || !strings.Contains(err.Error(), "left as it was") {
				t.Errorf("SaveCheckpoint(%v) = %v, want an error containing %q", tc.weights, err, tc.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Errorf("the checkpoint changed (%d bytes, was %d): a refused save must keep the last good file", len(after), len(before))
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("directory holds %d files, want only the checkpoint", len(entries))
			}
			// The same values in a file with a right checksum (as an older version could write).
			var data []byte
			for _, x := range tc.weights {
				data = binary.NativeEndian.AppendUint32(data, math.Float32bits(x))
			}
			header, payload, err := encodeCheckpoint([]savedVar{{Name: "/out/dense/weights", DType: int32(dtypes.Float32), Dims: []int{4}, Data: data}})
			if err != nil {
				t.Fatal(err)
			}
			crafted := filepath.Join(filepath.Dir(path), "crafted.ckpt")
			os.WriteFile(crafted, append(header, payload...), 0o644)
			if err := LoadCheckpoint(context.New(), crafted); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "diverged") {
				t.Errorf("LoadCheckpoint of a file holding %v = %v, want an error containing %q", tc.weights, err, tc.want)
			}
		})
	}
}

// deadPID returns the process id of a child process that has exited (and been waited for).
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("running a child process: %v", err)
	}
	return cmd.Process.Pid
}

// TestSaveCheckpointRemovesStaleTemps: temporary files of saves that were killed (issue 17: 108
// MB after 20 SIGKILLs) are removed by the next save, and nothing else is: not the temporary
// files of saves whose process still runs, of other checkpoints, or files that only look alike.
func TestSaveCheckpointRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mlp.ckpt")
	dead, alive := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getppid())
	tests := []struct {
		name    string
		file    string
		dir     bool
		removed bool
	}{
		{"killed save", ".mlp.ckpt.tmp-" + dead + "-123456", false, true},
		{"another killed save", ".mlp.ckpt.tmp-" + dead + "-999", false, true},
		{"save of a running process", ".mlp.ckpt.tmp-" + alive + "-123456", false, false},
		{"save in this process", ".mlp.ckpt.tmp-" + strconv.Itoa(os.Getpid()) + "-1", false, false},
		{"killed save of another checkpoint", ".other.ckpt.tmp-" + dead + "-1", false, false},
		{"no leading dot", "mlp.ckpt.tmp-" + dead + "-1", false, false},
		{"no process id", ".mlp.ckpt.tmp-x-1", false, false},
		{"a directory", ".mlp.ckpt.tmp-" + dead + "-dir", true, false},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, tc.file)
		if tc.dir {
			os.Mkdir(p, 0o755)
		} else if err := os.WriteFile(p, bytes.Repeat([]byte{1}, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := SaveCheckpoint(smallCheckpointCtx([]float32{1, 2, 3, 4}), path); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		_, err := os.Stat(filepath.Join(dir, tc.file))
		if gone := os.IsNotExist(err); gone != tc.removed {
			t.Errorf("%s (%s): removed = %v, want %v", tc.name, tc.file, gone, tc.removed)
		}
	}
	if err := LoadCheckpoint(context.New(), path); err != nil {
		t.Errorf("the new checkpoint does not load: %v", err)
	}
}
