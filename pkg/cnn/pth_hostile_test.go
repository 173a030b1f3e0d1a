package cnn

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// tensorView is one entry of a hand-made state dict: a view of the storage named storage ("0"
// when empty).
type tensorView struct {
	name          string
	storage       string
	offset        int
	size, strides []int
}

// pickleViews is a protocol-2 pickle of a dict {name: _rebuild_tensor_v2(storage, offset, size,
// stride, False, OrderedDict())} whose tensors view storages ('storage', torch.FloatStorage, key,
// "cpu", numel), by default all the same one, "0".
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
		key := cmp.Or(v.storage, "0")
		b.WriteString(str(v.name) + "ctorch._utils\n_rebuild_tensor_v2\n(" +
			"(" + str("storage") + "ctorch\nFloatStorage\n" + str(key) + str("cpu") + num(numel) + "tQ" +
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
		{"unterminated pickle", fmt.Sprintf("its pickles must fit in the first %d bytes", maxPickleBytes), []byte("\x80\x02")}, // zeros: no STOP
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

// withAliases returns the zip archive data with its central directory entry for name repeated
// under each alias: every alias then points at the same bytes in the file (an "overlapping" zip).
func withAliases(t testing.TB, data []byte, name string, aliases []string) []byte {
	t.Helper()
	const eocdLen, cdHeaderLen = 22, 46
	eocd := data[len(data)-eocdLen:]
	if binary.LittleEndian.Uint32(eocd) != 0x06054b50 {
		t.Fatal("withAliases: no end of central directory record (a zip comment?)")
	}
	count := int(binary.LittleEndian.Uint16(eocd[10:]))
	cdSize := int(binary.LittleEndian.Uint32(eocd[12:]))
	cdOffset := int(binary.LittleEndian.Uint32(eocd[16:]))
	cd := data[cdOffset : cdOffset+cdSize]
	var entry []byte
	for off := 0; off < len(cd); {
		n := cdHeaderLen + int(binary.LittleEndian.Uint16(cd[off+28:])) + int(binary.LittleEndian.Uint16(cd[off+30:])) + int(binary.LittleEndian.Uint16(cd[off+32:]))
		if string(cd[off+cdHeaderLen:off+cdHeaderLen+int(binary.LittleEndian.Uint16(cd[off+28:]))]) == name {
			entry = cd[off : off+n]
		}
		off += n
	}
	if entry == nil {
		t.Fatalf("withAliases: no entry %q", name)
	}
	out := append([]byte{}, data[:cdOffset+cdSize]...)
	for _, alias := range aliases {
		e := append([]byte{}, entry[:cdHeaderLen]...)
		binary.LittleEndian.PutUint16(e[28:], uint16(len(alias)))
		e = append(e, alias...)
		e = append(e, entry[cdHeaderLen+len(name):]...)
		out = append(out, e...)
		cdSize += len(e)
	}
	end := append([]byte{}, eocd...)
	binary.LittleEndian.PutUint16(end[8:], uint16(count+len(aliases)))
	binary.LittleEndian.PutUint16(end[10:], uint16(count+len(aliases)))
	binary.LittleEndian.PutUint32(end[12:], uint32(cdSize))
	return append(out, end...)
}

// TestDecodeStateDictOverlappingRecords: a zip whose central directory names the one deflated
// 16 MiB storage eight times (eight storages in a 17 kB file, each record alone plausible) is
// refused before the second storage is read, because the records would need more compressed
// bytes than the archive has.
func TestDecodeStateDictOverlappingRecords(t *testing.T) {
	const numel = 1 << 22 // 16 MiB of float32
	var views []tensorView
	var aliases []string
	for i := range 8 {
		key := fmt.Sprint(i)
		views = append(views, tensorView{name: "w" + key, storage: key, size: []int{numel}, strides: []int{1}})
		if i > 0 {
			aliases = append(aliases, "m/data/"+key)
		}
	}
	for _, tc := range []struct {
		name    string
		views   []tensorView
		aliases []string
		wantErr string
	}{
		{"one storage, one record", views[:1], nil, ""},
		{"eight storages, one record named eight times", views, aliases, "records overlap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := withAliases(t, deflatedCheckpoint(t, pickleViews(numel, tc.views), numel), "m/data/0", tc.aliases)
			var err error
			n := allocated(func() { _, err = DecodeStateDict(bytes.NewReader(data), int64(len(data))) })
			t.Logf("%d-byte file: allocated %d bytes, error %v", len(data), n, err)
			if max := uint64(3 * numel * 4); n > max {
				t.Errorf("DecodeStateDict allocated %d bytes, want at most %d (one storage)", n, max)
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("DecodeStateDict error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// deflatedZipOf is zipOf with every record deflated.
func deflatedZipOf(t testing.TB, files ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: files[i], Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecodeStateDictPickleBombs: pickles that are small or compress well but would make the
// unpickler build millions of objects (issue 17: the checkpoint reader's memory must be bounded by
// the file) are refused after scanning, before anything is unpickled.
func TestDecodeStateDictPickleBombs(t *testing.T) {
	const n = 1 << 20
	proto := "\x80\x02"
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"a million marks", zipOf(t, "m/data.pkl", proto+strings.Repeat("(", n)+"."), "more than 65536 objects and marks on its stack"},
		{"a million empty dicts", zipOf(t, "m/data.pkl", proto+strings.Repeat("}", n)+"."), "more than 65536 objects and marks on its stack"},
		{"a million nones", zipOf(t, "m/data.pkl", proto+strings.Repeat("N", n)+"."), "more than 65536 objects and marks on its stack"},
		{"a 4 MiB pickle deflated to 4 kB", deflatedZipOf(t, "m/data.pkl", proto+strings.Repeat("}0", 2<<20-2)+"}."), "more than the 16:1 a pickle compresses"},
		{"a pickle over 4 MiB", zipOf(t, "m/data.pkl", proto+strings.Repeat("}0", 2<<20)+"}."), "4194308 bytes, more than the 4194304 allowed"},
		{"STOP on an empty stack", zipOf(t, "m/data.pkl", proto+"."), "pops 1 objects, but the stack holds 0"},
		{"a mark popped across", zipOf(t, "m/data.pkl", proto+"}(K\x01s."), "pops 3 objects, but the stack holds 1 above its topmost mark"},
		{"APPENDS without a mark", zipOf(t, "m/data.pkl", proto+"]K\x01e."), "pops a mark, but none is on the stack"},
		{"legacy: a million marks", []byte(proto + strings.Repeat("(", n) + "."), "more than 65536 objects and marks on its stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			a := allocated(func() { _, err = DecodeStateDict(bytes.NewReader(tc.data), int64(len(tc.data))) })
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("DecodeStateDict error = %v, want %q", err, tc.wantErr)
			}
			// Scanning holds the pickle and the marks' depths; unpickling would allocate 100 to 400
			// bytes per opcode.
			if max := uint64(12*len(tc.data)) + 1<<20; a > max {
				t.Errorf("DecodeStateDict of %d bytes allocated %d bytes, want at most %d", len(tc.data), a, max)
			}
		})
	}
}
