package cnn

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadStateDictFormats(t *testing.T) {
	for _, file := range []string{"formats.pth", "formats_legacy.pth"} {
		t.Run(file, func(t *testing.T) { checkFormats(t, file) })
	}
}

func checkFormats(t *testing.T, file string) {
	sd, err := ReadStateDict(filepath.Join(weightsDir, file))
	if err != nil {
		t.Fatal(err)
	}
	// Expected values follow from gen_parity.py's write_format_cases (torch.arange), by hand.
	for _, tc := range []struct {
		key   string
		shape []int
		dtype string
		data  []float32
	}{
		{"transposed", []int{3, 2}, "float32", []float32{0, 3, 1, 4, 2, 5}},
		{"offset", []int{3}, "float32", []float32{4, 5, 6}},
		{"half", []int{2}, "float16", []float32{1.5, -2}},
		{"bfloat16", []int{2}, "bfloat16", []float32{0.5, 3}},
		{"double", []int{1, 1}, "float64", []float32{0.25}},
		{"long", []int{2}, "int64", []float32{7, -1}},
		{"scalar", []int{}, "float32", []float32{3}},
	} {
		got, ok := sd.Tensors[tc.key]
		if !ok {
			t.Errorf("key %q missing; keys %v", tc.key, sd.Keys)
			continue
		}
		if !slices.Equal(got.Shape, tc.shape) || got.DType != tc.dtype || !slices.Equal(got.Data, tc.data) {
			t.Errorf("%s = %v %s %v, want %v %s %v", tc.key, got.Shape, got.DType, got.Data, tc.shape, tc.dtype, tc.data)
		}
	}
	if want := []string{"transposed", "offset", "half", "bfloat16", "double", "long", "scalar"}; !slices.Equal(sd.Keys, want) {
		t.Errorf("keys %v, want file order %v", sd.Keys, want)
	}
}

func TestReadStateDictWrapped(t *testing.T) {
	sd, err := ReadStateDict(filepath.Join(weightsDir, "wrapped.pth"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fc.weight", "fc.bias"}; !slices.Equal(sd.Keys, want) {
		t.Errorf("keys %v, want the inner state_dict's %v", sd.Keys, want)
	}
	if w := sd.Tensors["fc.weight"]; !slices.Equal(w.Shape, []int{2, 3}) || w.Data[5] != 1 {
		t.Errorf("fc.weight = %v %v, want ones [2 3]", w.Shape, w.Data)
	}
}

// zipOf builds a zip archive from name/content pairs (stored, like torch.save).
func zipOf(t testing.TB, files ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: files[i], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pickleTensorDict is a protocol-2 pickle of {"w": _rebuild_tensor_v2(storage, 0, size, stride,
// False, OrderedDict())} whose storage is ('storage', torch.FloatStorage, "0", "cpu", numel).
func pickleTensorDict(numel, size byte, global string) string {
	return pickleTensorView(numel, 0, size, global)
}

// pickleTensorView is pickleTensorDict with a storage offset.
func pickleTensorView(numel, offset, size byte, global string) string {
	return "\x80\x02}q\x00X\x01\x00\x00\x00w" +
		"c" + global + "\n" +
		"((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK" + string([]byte{numel}) + "tQ" +
		"K" + string([]byte{offset}) + "K" + string([]byte{size}) + "\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRs."
}

func TestDecodeStateDictErrors(t *testing.T) {
	legacy, err := os.ReadFile(filepath.Join(weightsDir, "formats_legacy.pth"))
	if err != nil {
		t.Fatal(err)
	}
	longLen := make([]byte, 8)
	binary.LittleEndian.PutUint64(longLen, 1<<40)
	good := zipOf(t, "m/data.pkl", pickleTensorDict(2, 2, "torch._utils\n_rebuild_tensor_v2"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@")
	sd, err := DecodeStateDict(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatalf("hand-made checkpoint: %v", err)
	}
	if w := sd.Tensors["w"]; !slices.Equal(w.Data, []float32{1, 2}) {
		t.Fatalf("hand-made checkpoint w = %v, want [1 2] (little-endian 1.0, 2.0)", w.Data)
	}
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"not a zip", "not a PyTorch checkpoint", []byte("hello, not a checkpoint")},
		{"empty", "not a PyTorch checkpoint", nil},
		{"truncated", "not a PyTorch checkpoint", good[:len(good)/2]},
		{"pickle without magic number", "no legacy magic number", []byte("\x80\x02K\x05.")},
		{"legacy truncated", "legacy checkpoint", legacy[:len(legacy)-10]},
		{"legacy without storage data", "legacy checkpoint", legacy[:len(legacy)-100]},
		{"no data.pkl", "no data.pkl", zipOf(t, "m/other", "x")},
		{"TorchScript", "TorchScript", zipOf(t, "m/data.pkl", ".", "m/constants.pkl", ".")},
		{"code-running global refused", "refusing pickled global os.system",
			zipOf(t, "m/data.pkl", pickleTensorDict(2, 2, "os\nsystem"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@")},
		{"storage larger than its record", "record has 8 bytes",
			zipOf(t, "m/data.pkl", pickleTensorDict(200, 2, "torch._utils\n_rebuild_tensor_v2"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@")},
		{"view larger than storage", "more values than its storage",
			zipOf(t, "m/data.pkl", pickleTensorDict(2, 9, "torch._utils\n_rebuild_tensor_v2"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@")},
		{"view outside storage", "outside its storage",
			zipOf(t, "m/data.pkl", pickleTensorView(2, 1, 2, "torch._utils\n_rebuild_tensor_v2"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@")},
		{"missing storage record", "no record m/data/0",
			zipOf(t, "m/data.pkl", pickleTensorDict(2, 2, "torch._utils\n_rebuild_tensor_v2"))},
		{"huge length prefix", "overruns", zipOf(t, "m/data.pkl", "\x80\x02\x8e"+string(longLen)+".")},
		{"huge frame", "overruns", zipOf(t, "m/data.pkl", "\x80\x04\x95"+string(longLen)+".")},
		{"no STOP", "no STOP", zipOf(t, "m/data.pkl", "\x80\x02}")},
		{"unknown opcode", "unknown pickle opcode", zipOf(t, "m/data.pkl", "\x80\x02\xff.")},
		{"not a dict", "want a dict of tensors", zipOf(t, "m/data.pkl", "\x80\x02K\x05.")},
		{"stack underflow", "", zipOf(t, "m/data.pkl", "\x80\x02s.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeStateDict(bytes.NewReader(tc.data), int64(len(tc.data)))
			if err == nil {
				t.Fatalf("DecodeStateDict succeeded, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestReadStateDictNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.pth")
	if err := os.WriteFile(path, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadStateDict(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.HasPrefix(err.Error(), "cnn: ") {
		t.Errorf("ReadStateDict(junk) error = %v, want it to start with \"cnn: \" and name %s", err, path)
	}
}

// FuzzDecodeStateDict feeds hostile and truncated archives to the checkpoint reader: it must return
// an error or a state dict whose tensors agree with their shapes, never panic or hang, and never
// allocate more than the file could hold.
func FuzzDecodeStateDict(f *testing.F) {
	for _, name := range []string{"formats.pth", "wrapped.pth", "formats_legacy.pth"} {
		data, err := os.ReadFile(filepath.Join(weightsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)*2/3])
	}
	f.Add(zipOf(f, "m/data.pkl", pickleTensorDict(2, 2, "torch._utils\n_rebuild_tensor_v2"), "m/data/0", "\x00\x00\x80?\x00\x00\x00@"))
	f.Add(zipOf(f, "m/data.pkl", "\x80\x02}q\x00."))
	f.Fuzz(func(t *testing.T, data []byte) {
		var sd *StateDict
		var err error
		// Memory: what the file can hold, deflated at most maxDeflateRatio:1, twice (the
		// storage and one conversion or copy of it), plus a little for the pickle's objects.
		limit := 4*maxDeflateRatio*uint64(len(data)) + 4<<20
		if n := allocated(func() { sd, err = DecodeStateDict(bytes.NewReader(data), int64(len(data))) }); n > limit {
			t.Fatalf("DecodeStateDict of %d bytes allocated %d bytes, want at most %d", len(data), n, limit)
		}
		if err != nil {
			return
		}
		if len(sd.Keys) != len(sd.Tensors) {
			t.Fatalf("%d keys but %d tensors", len(sd.Keys), len(sd.Tensors))
		}
		for _, k := range sd.Keys {
			if tt := sd.Tensors[k]; tt.Size() != len(tt.Data) {
				t.Fatalf("%s: shape %v but %d values", k, tt.Shape, len(tt.Data))
			}
		}
	})
}
