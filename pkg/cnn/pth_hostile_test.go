package cnn

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// tensorView is one entry of a hand-made state dict: a view of the shared storage "0".
type tensorView struct {
	name          string
	offset        int
	size, strides []int
}

// pickleViews is a protocol-2 pickle of a dict {name: _rebuild_tensor_v2(storage, offset, size,
// stride, False, OrderedDict())} whose tensors all view one storage ('storage',
// torch.FloatStorage, "0", "cpu", numel).
func pickleViews(numel int, views []tensorView) string {
	str := func(s string) string {
		var n [4]byte
		binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
		return "X" + string(n[:]) + s
	}
	num := func(v int) string {
		var n [4]byte
		binary.LittleEndian.PutUint32(n[:], uint32(v))
		return "J" + string(n[:])
	}
	tuple := func(vs []int) string {
		s := "("
		for _, v := range vs {
			s += num(v)
		}
		return s + "t"
	}
	var b strings.Builder
	b.WriteString("\x80\x02}")
	for _, v := range views {
		b.WriteString(str(v.name) + "ctorch._utils\n_rebuild_tensor_v2\n(" +
			"(" + str("storage") + "ctorch\nFloatStorage\n" + str("0") + str("cpu") + num(numel) + "tQ" +
			num(v.offset) + tuple(v.size) + tuple(v.strides) + "\x89ccollections\nOrderedDict\n)RtRs")
	}
	b.WriteString(".")
	return b.String()
}

// deflatedCheckpoint is a zip checkpoint holding pkl and numel float32 zeros as storage "0",
// deflated (so a large storage makes a small file).
func deflatedCheckpoint(t testing.TB, pkl string, numel int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "m/data.pkl", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, pkl)
	w, err = zw.CreateHeader(&zip.FileHeader{Name: "m/data/0", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for left := numel * 4; left > 0; left -= len(zeros) {
		w.Write(zeros[:min(left, len(zeros))])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated returns the bytes f allocated on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeStateDictSharedStorage: many tensors viewing one storage (issue 17: 64 views of one
// 256 MiB storage in a 269 KB file ran out of memory) cost the storage once; overlapping strided
// views, which must be copied, are refused once their copies would outgrow the storages.
func TestDecodeStateDictSharedStorage(t *testing.T) {
	const numel = 1 << 22 // 16 MiB of float32
	const storageBytes = numel * 4
	whole := func(i int) tensorView {
		return tensorView{name: fmt.Sprintf("w%d", i), size: []int{1024, numel / 1024}, strides: []int{numel / 1024, 1}}
	}
	transposed := func(i int) tensorView {
		return tensorView{name: fmt.Sprintf("t%d", i), size: []int{numel / 1024, 1024}, strides: []int{1, numel / 1024}}
	}
	var shared, strided, oneStrided []tensorView
	for i := range 64 {
		shared = append(shared, whole(i))
		strided = append(strided, transposed(i))
	}
	oneStrided = append(oneStrided, whole(0), transposed(0))
	for _, tc := range []struct {
		name     string
		views    []tensorView
		maxAlloc uint64 // bytes DecodeStateDict may allocate: the storage, the file's own pieces, 1 copy
		wantErr  string
	}{
		{"64 contiguous views share the storage", shared, 3 * storageBytes, ""},
		{"one contiguous and one strided view", oneStrided, 3 * storageBytes, ""},
		{"64 strided views are refused", strided, 3 * storageBytes, "overlapping views of one storage are not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := deflatedCheckpoint(t, pickleViews(numel, tc.views), numel)
			t.Logf("%d-byte file", len(data))
			var sd *StateDict
			var err error
			n := allocated(func() { sd, err = DecodeStateDict(bytes.NewReader(data), int64(len(data))) })
			if n > tc.maxAlloc {
				t.Errorf("DecodeStateDict allocated %d bytes, want at most %d", n, tc.maxAlloc)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("DecodeStateDict error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(sd.Keys) != len(tc.views) {
				t.Fatalf("%d tensors, want %d", len(sd.Keys), len(tc.views))
			}
			for _, k := range sd.Keys {
				if tt := sd.Tensors[k]; len(tt.Data) != numel || tt.Data[numel-1] != 0 {
					t.Fatalf("%s: %d values, want %d zeros", k, len(tt.Data), numel)
				}
			}
		})
	}
}

// hugeReaderAt is a file of size bytes that starts with head and is zero after it; it counts the
// bytes read.
type hugeReaderAt struct {
	head []byte
	size int64
	read int64
}

func (h *hugeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= h.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), h.size-off))
	for i := range n {
		p[i] = 0
		if off+int64(i) < int64(len(h.head)) {
			p[i] = h.head[off+int64(i)]
		}
	}
	h.read += int64(n)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestDecodeStateDictHugeLegacy: a 6 GB file that starts with a pickle header (issue 17: read
// whole, 6.3 GB RSS, 42 s) is rejected after reading at most the pickle limit.
func TestDecodeStateDictHugeLegacy(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		head       []byte
	}{
		{"unknown opcode", "unknown pickle opcode 0xff", []byte("\x80\x02\xff")},
		{"unterminated pickle", "its pickles must fit in the first 67108864 bytes", []byte("\x80\x02")}, // zeros: no STOP
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &hugeReaderAt{head: tc.head, size: 6 << 30}
			_, err := DecodeStateDict(r, r.size)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("DecodeStateDict error = %v, want %q", err, tc.want)
			}
			if r.read > maxPickleBytes+2 {
				t.Errorf("read %d bytes of a %d-byte file, want at most %d", r.read, r.size, maxPickleBytes+2)
			}
		})
	}
}
