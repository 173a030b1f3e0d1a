package cnn

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// Limits that keep a hostile or damaged checkpoint from exhausting memory before it is rejected.
const (
	// maxPickleBytes bounds the size of a checkpoint's data.pkl (the pickled dict of tensors). A
	// torchvision state dict's pickle is a few tens of kB (ResNet-50's 322 tensors: 39 kB, about
	// 120 bytes a tensor), so 4 MiB holds some 35,000 tensors. Unpickling allocates up to a few
	// hundred bytes per pickle byte (gopickle's objects), so this bound matters.
	maxPickleBytes = 4 << 20
	// maxPickleRatio bounds a compressed data.pkl's claimed expansion. torch.save stores it
	// uncompressed; a re-zipped pickle compresses a few times, not a thousand, so a small file
	// cannot hold a large pickle.
	maxPickleRatio = 16
	// maxStorageBytes bounds one tensor storage (VGG-16's largest, classifier.0.weight, is 411 MB).
	maxStorageBytes = 4 << 30
	// maxDeflateRatio bounds a compressed zip record's claimed expansion (deflate cannot exceed
	// about 1032:1), so a lying header cannot make us allocate more than the file could hold.
	maxDeflateRatio = 1100
	// maxLegacyBytes bounds a legacy-format checkpoint. Only its pickles (at most maxPickleBytes)
	// are read into memory whole; its storages are read one by one, each after its size was
	// checked against the bytes the file has left.
	maxLegacyBytes = 8 << 30
)

// Tensor is one tensor of a PyTorch checkpoint, converted to float32 in row-major (C) order.
type Tensor struct {
	// Shape is the tensor's size as PyTorch reports it (torch.Size), e.g. [out, in, kh, kw] for a
	// Conv2d weight. A scalar has an empty shape.
	Shape []int
	// DType is the PyTorch storage type the values came from: "float32", "float16", "bfloat16",
	// "float64", "int64", "int32", "int16", "int8", "uint8" or "bool".
	DType string
	// Data holds the values in row-major order; integer and boolean tensors are converted to float32.
	// Tensors that are contiguous views of one storage share it (a checkpoint whose 64 tensors
	// view one 256 MiB storage holds 256 MiB, not 16 GiB), so Data must be treated as read-only.
	Data []float32
}

// Size returns the number of elements of t (the product of its shape).
func (t *Tensor) Size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// StateDict is a PyTorch state dict (what torch.save(model.state_dict(), f) writes): tensors by
// name, in the order the file lists them.
type StateDict struct {
	// Keys lists the tensor names in file order ("features.0.weight", "bn1.running_mean", ...).
	Keys []string
	// Tensors maps each key to its tensor.
	Tensors map[string]*Tensor
}

// ReadStateDict reads a PyTorch checkpoint written by torch.save, in the zip format (PyTorch 1.6 and
// later) or the legacy format (earlier versions; torchvision's older weight files such as
// vgg16-397923af.pth), and returns its state dict. A checkpoint that
// wraps the state dict in a dict under "state_dict" or "model" is unwrapped. No Python is involved:
// the pickle is decoded by github.com/nlpodyssey/gopickle, accepting only the classes a state dict
// uses (tensors, storages, OrderedDict), so a checkpoint cannot run code.
func ReadStateDict(filename string) (*StateDict, error) {
	f, err := os.Open(filename)
	if err != nil {
		return nil, fmt.Errorf("cnn: reading checkpoint: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cnn: reading checkpoint: %w", err)
	}
	sd, err := DecodeStateDict(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("cnn: reading checkpoint %s: %w", filename, err)
	}
	return sd, nil
}

// DecodeStateDict decodes a PyTorch checkpoint (zip or legacy format) of the given size read from
// r; see ReadStateDict.
// Malformed input of any kind returns an error, never a panic.
func DecodeStateDict(r io.ReaderAt, size int64) (sd *StateDict, err error) {
	defer func() {
		if p := recover(); p != nil {
			sd, err = nil, fmt.Errorf("malformed checkpoint: %v", p)
		}
	}()
	head := make([]byte, 2)
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("not a PyTorch checkpoint: %w", err)
	}
	if head[0] == 0x80 && head[1] >= 2 { // A pickle: PyTorch's legacy format.
		if size > maxLegacyBytes {
			return nil, fmt.Errorf("legacy checkpoint of %d bytes, more than the %d allowed", size, int64(maxLegacyBytes))
		}
		return decodeLegacy(r, size)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("not a PyTorch checkpoint (neither a zip archive nor the legacy format): %w", err)
		}
		return nil, err
	}
	records := make(map[string]*zip.File, len(zr.File))
	var dataPkl *zip.File
	for _, f := range zr.File {
		records[f.Name] = f
		switch path.Base(f.Name) {
		case "data.pkl":
			if dataPkl == nil || len(f.Name) < len(dataPkl.Name) {
				dataPkl = f
			}
		case "constants.pkl":
			return nil, errors.New("a TorchScript archive (torch.jit.save), not a state dict: save model.state_dict() with torch.save")
		}
	}
	if dataPkl == nil {
		return nil, errors.New("no data.pkl in the zip archive: not a torch.save checkpoint")
	}
	prefix := strings.TrimSuffix(dataPkl.Name, "data.pkl")
	if dataPkl.Method != zip.Store && dataPkl.UncompressedSize64 > dataPkl.CompressedSize64*maxPickleRatio+4096 {
		return nil, fmt.Errorf("%s: claims %d bytes from %d compressed, more than the %d:1 a pickle compresses",
			dataPkl.Name, dataPkl.UncompressedSize64, dataPkl.CompressedSize64, maxPickleRatio)
	}
	pkl, err := readRecord(dataPkl, maxPickleBytes, size)
	if err != nil {
		return nil, err
	}
	if err := scanPickle(pkl); err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	z := &zipStorages{records: records, prefix: prefix, loaded: map[string]pytorch.StorageInterface{},
		archiveSize: size, compressed: dataPkl.CompressedSize64}
	u := pickle.NewUnpickler(bytes.NewReader(pkl))
	u.FindClass = findStateDictClass
	u.PersistentLoad = z.load
	obj, err := u.Load()
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	return stateDictFrom(obj)
}

// readRecord reads a whole zip record of at most limit bytes.
func readRecord(f *zip.File, limit, archiveSize int64) ([]byte, error) {
	if err := checkRecordSize(f, uint64(limit), uint64(archiveSize)); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return data, nil
}

// checkRecordSize rejects a record larger than limit, or whose header claims more compressed bytes
// than the archive holds or an impossible compression ratio.
func checkRecordSize(f *zip.File, limit, archiveSize uint64) error {
	if f.CompressedSize64 > archiveSize {
		return fmt.Errorf("%s: claims %d compressed bytes in a %d-byte archive", f.Name, f.CompressedSize64, archiveSize)
	}
	if f.UncompressedSize64 > limit {
		return fmt.Errorf("%s: %d bytes, more than the %d allowed", f.Name, f.UncompressedSize64, limit)
	}
	if f.Method != zip.Store && f.UncompressedSize64 > f.CompressedSize64*maxDeflateRatio+4096 {
		return fmt.Errorf("%s: claims %d bytes from %d compressed", f.Name, f.UncompressedSize64, f.CompressedSize64)
	}
	if f.Method == zip.Store && f.UncompressedSize64 != f.CompressedSize64 {
		return fmt.Errorf("%s: stored record with sizes %d != %d", f.Name, f.UncompressedSize64, f.CompressedSize64)
	}
	return nil
}

// storageTypes are the storage classes a state dict may reference, with their element sizes and
// the dtype names reported in Tensor.DType.
var storageTypes = map[string]struct {
	class    pytorch.StorageClassInterface
	elemSize int
	dtype    string
}{
	"FloatStorage":    {&pytorch.FloatStorageClass{}, 4, "float32"},
	"HalfStorage":     {&pytorch.HalfStorageClass{}, 2, "float16"},
	"BFloat16Storage": {&pytorch.BFloat16StorageClass{}, 2, "bfloat16"},
	"DoubleStorage":   {&pytorch.DoubleStorageClass{}, 8, "float64"},
	"LongStorage":     {&pytorch.LongStorageClass{}, 8, "int64"},
	"IntStorage":      {&pytorch.IntStorageClass{}, 4, "int32"},
	"ShortStorage":    {&pytorch.ShortStorageClass{}, 2, "int16"},
	"CharStorage":     {&pytorch.CharStorageClass{}, 1, "int8"},
	"ByteStorage":     {&pytorch.ByteStorageClass{}, 1, "uint8"},
	"BoolStorage":     {&pytorch.BoolStorageClass{}, 1, "bool"},
}

// storageClass marks a storage class found in the pickle (torch.FloatStorage, ...).
type storageClass string

// rebuildParameter is torch._utils._rebuild_parameter (a tensor wrapped as nn.Parameter).
type rebuildParameter struct{}

// Call returns the wrapped tensor.
func (rebuildParameter) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("_rebuild_parameter: no tensor")
	}
	if _, ok := args[0].(*pytorch.Tensor); !ok {
		return nil, fmt.Errorf("_rebuild_parameter: got %T, want a tensor", args[0])
	}
	return args[0], nil
}

// findStateDictClass resolves the only globals a state dict needs; anything else is refused.
func findStateDictClass(module, name string) (any, error) {
	switch module + "." + name {
	case "torch._utils._rebuild_tensor_v2":
		return &pytorch.RebuildTensorV2{}, nil
	case "torch._utils._rebuild_parameter":
		return rebuildParameter{}, nil
	}
	if module == "torch" {
		if _, ok := storageTypes[name]; ok {
			return storageClass(name), nil
		}
	}
	return nil, fmt.Errorf("refusing pickled global %s.%s: a state dict holds only tensors", module, name)
}

// zipStorages reads the storages of a zip checkpoint as its pickle asks for them.
type zipStorages struct {
	records     map[string]*zip.File
	prefix      string // the archive's folder, "<name>/"
	loaded      map[string]pytorch.StorageInterface
	archiveSize int64
	// compressed sums the compressed sizes of the records read so far (data.pkl included). Records
	// of a real archive do not overlap, so it cannot exceed the archive's size; one whose central
	// directory points many names at the same bytes (each record alone plausible) is refused.
	compressed uint64
}

// load implements the pickle's persistent load of ('storage', class, key, location, numel): it
// reads record <prefix>data/<key> once, after checking its size against numel, the limits and the
// archive's size.
func (z *zipStorages) load(id any) (any, error) {
	tuple, ok := id.(*types.Tuple)
	if !ok || tuple.Len() < 5 {
		return nil, fmt.Errorf("persistent id %v: want ('storage', class, key, location, numel)", id)
	}
	kind, _ := tuple.Get(0).(string)
	class, classOK := tuple.Get(1).(storageClass)
	key, keyOK := tuple.Get(2).(string)
	location, _ := tuple.Get(3).(string)
	numel, numelOK := tuple.Get(4).(int)
	if kind != "storage" || !classOK || !keyOK || !numelOK || numel < 0 {
		return nil, fmt.Errorf("persistent id %v: want ('storage', class, key, location, numel)", id)
	}
	if s, ok := z.loaded[key]; ok {
		return s, nil
	}
	st := storageTypes[string(class)]
	rec, ok := z.records[z.prefix+"data/"+key]
	if !ok {
		return nil, fmt.Errorf("storage %q: no record %sdata/%s", key, z.prefix, key)
	}
	want := uint64(numel) * uint64(st.elemSize)
	if err := checkRecordSize(rec, maxStorageBytes, uint64(z.archiveSize)); err != nil {
		return nil, err
	}
	if rec.UncompressedSize64 < want {
		return nil, fmt.Errorf("storage %q: record has %d bytes, %d %s values need %d", key, rec.UncompressedSize64, numel, st.dtype, want)
	}
	z.compressed += rec.CompressedSize64
	if z.compressed > uint64(z.archiveSize) {
		return nil, fmt.Errorf("storage %q: the records read so far claim %d compressed bytes in a %d-byte archive: records overlap",
			key, z.compressed, z.archiveSize)
	}
	rc, err := rec.Open()
	if err != nil {
		return nil, fmt.Errorf("storage %q: %w", key, err)
	}
	defer rc.Close()
	s := st.class.New(numel, location)
	if err := s.SetFromFileWithSize(rc, numel); err != nil {
		return nil, fmt.Errorf("storage %q: %w", key, err)
	}
	z.loaded[key] = s
	return s, nil
}

// stateDictFrom converts the unpickled object to a StateDict.
func stateDictFrom(obj any) (*StateDict, error) {
	entries, ok := dictEntries(obj)
	if !ok {
		return nil, fmt.Errorf("checkpoint holds %T, want a dict of tensors", obj)
	}
	// Training checkpoints often wrap the state dict: {"state_dict": ..., "epoch": ...}.
	for _, e := range entries {
		if k, _ := e.Key.(string); k == "state_dict" || k == "model" {
			if inner, ok := dictEntries(e.Value); ok {
				entries = inner
				break
			}
		}
	}
	sd := &StateDict{Tensors: make(map[string]*Tensor, len(entries))}
	conv := &tensorConverter{values: map[pytorch.StorageInterface]storageData{}}
	for _, e := range entries {
		key, ok := e.Key.(string)
		if !ok {
			return nil, fmt.Errorf("state dict key %v is %T, want a string", e.Key, e.Key)
		}
		pt, ok := e.Value.(*pytorch.Tensor)
		if !ok {
			return nil, fmt.Errorf("state dict entry %q is %T, want a tensor", key, e.Value)
		}
		t, err := conv.convert(pt)
		if err != nil {
			return nil, fmt.Errorf("state dict entry %q: %w", key, err)
		}
		if _, dup := sd.Tensors[key]; dup {
			return nil, fmt.Errorf("state dict key %q appears twice", key)
		}
		sd.Keys = append(sd.Keys, key)
		sd.Tensors[key] = t
	}
	return sd, nil
}

// dictEntries lists the entries of a pickled dict or OrderedDict, in order.
func dictEntries(obj any) ([]types.DictEntry, bool) {
	switch d := obj.(type) {
	case *types.Dict:
		return *d, true
	case *types.OrderedDict:
		var out []types.DictEntry
		for el := d.List.Front(); el != nil; el = el.Next() {
			e := el.Value.(*types.OrderedDictEntry)
			out = append(out, types.DictEntry{Key: e.Key, Value: e.Value})
		}
		return out, true
	}
	return nil, false
}

// storageData is a storage's values converted to float32, once per storage.
type storageData struct {
	values []float32
	dtype  string
}

// tensorConverter turns the tensors of one checkpoint into Tensors. Each storage is converted to
// float32 once; a contiguous view shares the converted values (no copy), and a strided view is
// copied, all copies together bounded by the values of the storages they come from, so that
// overlapping views of one storage cannot multiply a small file into an unbounded allocation.
type tensorConverter struct {
	values map[pytorch.StorageInterface]storageData
	// stored counts the values of the distinct storages converted so far, copied the values
	// strided views copied; copied may not exceed stored.
	stored, copied int
}

// convert returns pt as a row-major float32 Tensor, checking that every index falls inside the
// storage.
func (c *tensorConverter) convert(pt *pytorch.Tensor) (*Tensor, error) {
	sv, ok := c.values[pt.Source]
	if !ok {
		values, dtype, err := storageValues(pt.Source)
		if err != nil {
			return nil, err
		}
		sv = storageData{values: values, dtype: dtype}
		c.values[pt.Source] = sv
		c.stored += len(values)
	}
	values, dtype := sv.values, sv.dtype
	if len(pt.Size) != len(pt.Stride) {
		return nil, fmt.Errorf("size %v and stride %v differ in rank", pt.Size, pt.Stride)
	}
	n, last := 1, pt.StorageOffset
	for i, d := range pt.Size {
		if d < 0 || pt.Stride[i] < 0 {
			return nil, fmt.Errorf("negative size %v or stride %v", pt.Size, pt.Stride)
		}
		if d > 0 && n > (1<<40)/d {
			return nil, fmt.Errorf("size %v too large", pt.Size)
		}
		n *= d
		if d > 0 {
			last += (d - 1) * pt.Stride[i]
		}
	}
	if n > len(values) {
		return nil, fmt.Errorf("view of size %v has more values than its storage of %d (expanded tensors are not supported)",
			pt.Size, len(values))
	}
	if pt.StorageOffset < 0 || (n > 0 && last >= len(values)) {
		return nil, fmt.Errorf("view (offset %d, size %v, stride %v) outside its storage of %d values",
			pt.StorageOffset, pt.Size, pt.Stride, len(values))
	}
	t := &Tensor{Shape: append([]int{}, pt.Size...), DType: dtype}
	if isContiguous(pt.Size, pt.Stride) {
		t.Data = values[pt.StorageOffset : pt.StorageOffset+n : pt.StorageOffset+n]
		return t, nil
	}
	if c.copied+n > c.stored {
		return nil, fmt.Errorf("strided view of size %v would copy %d values, and with the views before it more than the %d values of all storages: overlapping views of one storage are not supported",
			pt.Size, n, c.stored)
	}
	c.copied += n
	t.Data = make([]float32, n)
	idx := make([]int, len(pt.Size))
	for i := range n {
		off := pt.StorageOffset
		for a, j := range idx {
			off += j * pt.Stride[a]
		}
		t.Data[i] = values[off]
		for a := len(idx) - 1; a >= 0; a-- { // Advance the row-major multi-index.
			idx[a]++
			if idx[a] < pt.Size[a] {
				break
			}
			idx[a] = 0
		}
	}
	return t, nil
}

// isContiguous reports whether stride is the row-major stride of size (dimensions of size 1 may
// have any stride).
func isContiguous(size, stride []int) bool {
	want := 1
	for a := len(size) - 1; a >= 0; a-- {
		if size[a] != 1 && stride[a] != want {
			return false
		}
		want *= size[a]
	}
	return true
}

// storageValues returns a storage's values as float32 and its dtype name.
func storageValues(s pytorch.StorageInterface) ([]float32, string, error) {
	switch s := s.(type) {
	case *pytorch.FloatStorage:
		return s.Data, "float32", nil
	case *pytorch.HalfStorage:
		return s.Data, "float16", nil
	case *pytorch.BFloat16Storage:
		return s.Data, "bfloat16", nil
	case *pytorch.DoubleStorage:
		return convertValues(s.Data, func(v float64) float32 { return float32(v) }), "float64", nil
	case *pytorch.LongStorage:
		return convertValues(s.Data, func(v int64) float32 { return float32(v) }), "int64", nil
	case *pytorch.IntStorage:
		return convertValues(s.Data, func(v int32) float32 { return float32(v) }), "int32", nil
	case *pytorch.ShortStorage:
		return convertValues(s.Data, func(v int16) float32 { return float32(v) }), "int16", nil
	case *pytorch.CharStorage:
		return convertValues(s.Data, func(v int8) float32 { return float32(v) }), "int8", nil
	case *pytorch.ByteStorage:
		return convertValues(s.Data, func(v uint8) float32 { return float32(v) }), "uint8", nil
	case *pytorch.BoolStorage:
		return convertValues(s.Data, func(v bool) float32 {
			if v {
				return 1
			}
			return 0
		}), "bool", nil
	}
	return nil, "", fmt.Errorf("tensor storage is %T, want a torch storage", s)
}

// convertValues maps a slice element-wise to float32.
func convertValues[T any](in []T, f func(T) float32) []float32 {
	out := make([]float32, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
