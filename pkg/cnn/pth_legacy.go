package cnn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// legacyMagic is the magic number PyTorch's legacy (pre-1.6) serialization pickles first.
const legacyMagic = "1950a86a20f9469cfc6c"

// legacyStorage is a storage declared by the main pickle of a legacy checkpoint, filled from the
// data that follows the pickles.
type legacyStorage struct {
	storage  pytorch.StorageInterface
	numel    int
	elemSize int
	filled   bool
}

// decodeLegacy decodes PyTorch's legacy serialization (torch.save before PyTorch 1.6, or with
// _use_new_zipfile_serialization=False; torchvision's older weight files use it): five pickles one
// after the other (magic number, protocol version 1001, system info, the object, the sorted
// storage keys), then for each key an 8-byte little-endian element count and the raw values. Every
// count is checked against the declaration and the bytes left before anything is allocated. Only
// the pickles are held in memory (they must fit in the first maxPickleBytes of the file); the
// storages are read from r one at a time, so a file that starts like a pickle and then is not
// one is rejected after reading at most maxPickleBytes, whatever its size.
func decodeLegacy(r io.ReaderAt, size int64) (*StateDict, error) {
	head := make([]byte, min(size, maxPickleBytes))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return nil, fmt.Errorf("legacy checkpoint: reading its first %d bytes: %w", len(head), err)
	}
	data := head // holds the pickles; the storages are read from r after them
	pos := 0
	storages := map[string]*legacyStorage{}
	next := func(what string, persistent bool) (any, error) {
		n, err := pickleLength(data[pos:])
		if err != nil {
			if int64(len(head)) < size {
				return nil, fmt.Errorf("legacy checkpoint, %s pickle: %w (its pickles must fit in the first %d bytes)", what, err, len(head))
			}
			return nil, fmt.Errorf("legacy checkpoint, %s pickle: %w", what, err)
		}
		u := pickle.NewUnpickler(bytes.NewReader(data[pos : pos+n]))
		u.FindClass = findStateDictClass
		if persistent {
			u.PersistentLoad = func(id any) (any, error) { return legacyPersistentLoad(id, storages) }
		}
		obj, err := u.Load()
		if err != nil {
			return nil, fmt.Errorf("legacy checkpoint, %s pickle: %w", what, err)
		}
		pos += n
		return obj, nil
	}
	magic, err := next("magic number", false)
	if err != nil {
		return nil, err
	}
	if m, ok := magic.(*big.Int); !ok || m.Text(16) != legacyMagic {
		return nil, errors.New("not a PyTorch checkpoint: no zip archive and no legacy magic number")
	}
	version, err := next("protocol version", false)
	if err != nil {
		return nil, err
	}
	if v, ok := version.(int); !ok || v != 1001 {
		return nil, fmt.Errorf("legacy checkpoint protocol version %v, want 1001", version)
	}
	if _, err := next("system info", false); err != nil {
		return nil, err
	}
	obj, err := next("state dict", true)
	if err != nil {
		return nil, err
	}
	keysObj, err := next("storage keys", false)
	if err != nil {
		return nil, err
	}
	keys, ok := keysObj.(*types.List)
	if !ok {
		return nil, fmt.Errorf("legacy checkpoint storage keys are %T, want a list", keysObj)
	}
	off := int64(pos) // file offset of the storages
	for _, k := range *keys {
		key, _ := k.(string)
		s, ok := storages[key]
		if !ok {
			return nil, fmt.Errorf("legacy checkpoint lists storage %v that no tensor declares", k)
		}
		if s.filled {
			return nil, fmt.Errorf("legacy checkpoint lists storage %q twice", key)
		}
		var countBytes [8]byte
		if size-off < 8 {
			return nil, fmt.Errorf("legacy checkpoint truncated before storage %q", key)
		}
		if _, err := r.ReadAt(countBytes[:], off); err != nil {
			return nil, fmt.Errorf("legacy checkpoint storage %q: %w", key, err)
		}
		off += 8
		count := binary.LittleEndian.Uint64(countBytes[:])
		if count != uint64(s.numel) {
			return nil, fmt.Errorf("legacy checkpoint storage %q holds %d values, declared %d", key, count, s.numel)
		}
		n := int64(s.numel) * int64(s.elemSize)
		if size-off < n {
			return nil, fmt.Errorf("legacy checkpoint truncated in storage %q: %d bytes left, %d needed", key, size-off, n)
		}
		if err := s.storage.SetFromFileWithSize(io.NewSectionReader(r, off, n), s.numel); err != nil {
			return nil, fmt.Errorf("legacy checkpoint storage %q: %w", key, err)
		}
		off += n
		s.filled = true
	}
	for key, s := range storages {
		if !s.filled {
			return nil, fmt.Errorf("legacy checkpoint has no data for storage %q", key)
		}
	}
	return stateDictFrom(obj)
}

// legacyPersistentLoad declares the storage of ('storage', class, key, location, numel, view): the
// values come later in the file. Storage views (a non-None view) are not supported.
func legacyPersistentLoad(id any, storages map[string]*legacyStorage) (any, error) {
	tuple, ok := id.(*types.Tuple)
	if !ok || tuple.Len() < 6 {
		return nil, fmt.Errorf("persistent id %v: want ('storage', class, key, location, numel, view)", id)
	}
	kind, _ := tuple.Get(0).(string)
	class, classOK := tuple.Get(1).(storageClass)
	key, keyOK := tuple.Get(2).(string)
	location, _ := tuple.Get(3).(string)
	numel, numelOK := tuple.Get(4).(int)
	if kind != "storage" || !classOK || !keyOK || !numelOK || numel < 0 || numel > maxStorageBytes {
		return nil, fmt.Errorf("persistent id %v: want ('storage', class, key, location, numel, view)", id)
	}
	if tuple.Get(5) != nil {
		return nil, fmt.Errorf("storage %q is a view of another storage, which is not supported", key)
	}
	if s, ok := storages[key]; ok {
		return s.storage, nil
	}
	st := storageTypes[string(class)]
	s := &legacyStorage{storage: st.class.New(numel, location), numel: numel, elemSize: st.elemSize}
	storages[key] = s
	return s.storage, nil
}
