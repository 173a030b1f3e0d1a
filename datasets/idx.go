package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxIDXBytes bounds the data an IDX file may declare (1 GiB); larger headers are rejected
// before anything is allocated.
const MaxIDXBytes = 1 << 30

// IDX is an IDX file of unsigned bytes, the format of MNIST and Fashion-MNIST
// (http://yann.lecun.com/exdb/mnist/): a big-endian header 0x00 0x00 0x08 ndims, ndims
// uint32 sizes, then the values in row-major order.
type IDX struct {
	// Dims are the sizes of each axis: [n] for labels, [n, rows, cols] for images.
	Dims []int
	// Data holds product(Dims) values, row-major.
	Data []byte
}

// idxUnsignedByte is the IDX type code of uint8 data, the only one MNIST uses.
const idxUnsignedByte = 0x08

// ReadIDX parses an uncompressed IDX stream of unsigned bytes. It rejects a bad magic
// number, other element types, more than 4 axes, declared sizes over MaxIDXBytes, data shorter
// than declared (truncated) and trailing bytes. Memory grows with the bytes actually read, so
// a lying header cannot make it allocate gigabytes.
func ReadIDX(r io.Reader) (*IDX, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("idx header: %w", noEOF(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("idx magic % x: want 00 00 08 ndims", head)
	}
	if head[2] != idxUnsignedByte {
		return nil, fmt.Errorf("idx element type 0x%02x: want 0x08 (unsigned byte)", head[2])
	}
	ndims := int(head[3])
	if ndims < 1 || ndims > 4 {
		return nil, fmt.Errorf("idx has %d dimensions: want 1 to 4", ndims)
	}
	dims := make([]int, ndims)
	total := int64(1)
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("idx dimension %d: %w", i, noEOF(err))
		}
		dims[i] = int(d)
		total *= int64(d)
		if total > MaxIDXBytes {
			return nil, fmt.Errorf("idx declares more than %d bytes (dims so far %v)", MaxIDXBytes, dims[:i+1])
		}
	}
	var buf bytes.Buffer
	if total <= 64<<20 {
		buf.Grow(int(total)) // sizes up to 64 MiB are cheap to trust; MNIST train is 47 MB
	}
	n, err := io.Copy(&buf, io.LimitReader(r, total))
	if err != nil {
		return nil, fmt.Errorf("idx data: %w", err)
	}
	if n < total {
		return nil, fmt.Errorf("idx truncated: %d of %d data bytes for dims %v", n, total, dims)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(r, extra[:]); k > 0 {
		return nil, fmt.Errorf("idx has trailing bytes after %d data bytes for dims %v", total, dims)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}

// ReadIDXFile reads an IDX file, gunzipping it first when it starts with the gzip magic
// bytes. Errors name the file.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	idx, err := ReadIDX(r)
	if err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return idx, nil
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: any EOF inside a header means truncation.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
