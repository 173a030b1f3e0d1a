package datasets

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an IDX stream: magic 00 00 typ len(dims), big-endian dims, then data.
func idxBytes(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = append(b, byte(d>>24), byte(d>>16), byte(d>>8), byte(d))
	}
	return append(b, data...)
}

func TestReadIDX(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		wantDims []int
		wantData []byte
		wantErr  string
	}{
		{"labels", idxBytes(8, []uint32{3}, []byte{7, 0, 9}), []int{3}, []byte{7, 0, 9}, ""},
		{"images", idxBytes(8, []uint32{2, 1, 2}, []byte{1, 2, 3, 4}), []int{2, 1, 2}, []byte{1, 2, 3, 4}, ""},
		{"zero items", idxBytes(8, []uint32{0, 28, 28}, nil), []int{0, 28, 28}, []byte{}, ""},
		{"empty input", nil, nil, nil, "idx header: unexpected EOF"},
		{"bad magic", append([]byte{1}, idxBytes(8, []uint32{1}, []byte{0})[1:]...), nil, nil, "idx magic"},
		{"float type", idxBytes(0x0d, []uint32{1}, []byte{0, 0, 0, 0}), nil, nil, "element type 0x0d"},
		{"no dims", idxBytes(8, nil, nil), nil, nil, "0 dimensions"},
		{"five dims", idxBytes(8, []uint32{1, 1, 1, 1, 1}, []byte{0}), nil, nil, "5 dimensions"},
		{"truncated dims", idxBytes(8, []uint32{3, 28}, nil)[:9], nil, nil, "idx dimension 1: unexpected EOF"},
		{"truncated data", idxBytes(8, []uint32{4}, []byte{1, 2}), nil, nil, "idx truncated: 2 of 4"},
		{"trailing data", idxBytes(8, []uint32{1}, []byte{1, 2}), nil, nil, "trailing bytes"},
		{"huge header", idxBytes(8, []uint32{1 << 20, 1 << 20}, nil), nil, nil, "more than 1073741824 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadIDX(bytes.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ReadIDX error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Dims, tc.wantDims) || !bytes.Equal(got.Data, tc.wantData) {
				t.Errorf("ReadIDX = %v %v, want %v %v", got.Dims, got.Data, tc.wantDims, tc.wantData)
			}
		})
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	raw := idxBytes(8, []uint32{2, 2, 2}, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	files := map[string][]byte{
		"plain.idx":     raw,
		"packed.gz":     gz.Bytes(),
		"cut.gz":        gz.Bytes()[:gz.Len()-12], // loses data and the gzip trailer
		"bad header.gz": []byte{0x1f, 0x8b, 0, 0},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file    string
		wantErr string // "" for success
	}{
		{"plain.idx", ""},
		{"packed.gz", ""},
		{"cut.gz", "cut.gz: idx"},
		{"bad header.gz", "bad header.gz"},
		{"missing.gz", "missing.gz"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ReadIDXFile(filepath.Join(dir, tc.file))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "datasets: ") {
					t.Fatalf("error = %v, want one starting \"datasets: \" and naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Dims, []int{2, 2, 2}) || got.Data[7] != 8 {
				t.Errorf("got dims %v data %v, want [2 2 2] 1..8", got.Dims, got.Data)
			}
		})
	}
}

// FuzzReadIDX checks that arbitrary bytes never panic and that accepted data matches its dims.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(8, []uint32{3}, []byte{7, 0, 9}))
	f.Add(idxBytes(8, []uint32{1, 2, 2}, []byte{1, 2, 3, 4}))
	f.Add(idxBytes(8, []uint32{1 << 31, 2}, nil))
	f.Add([]byte{0, 0, 8})
	f.Fuzz(func(t *testing.T, in []byte) {
		idx, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 1
		for _, d := range idx.Dims {
			n *= d
		}
		if len(idx.Data) != n || len(in) != 4+4*len(idx.Dims)+n {
			t.Fatalf("accepted %d bytes as dims %v with %d data bytes", len(in), idx.Dims, len(idx.Data))
		}
	})
}
