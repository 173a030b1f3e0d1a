package datasets

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// member is one archive entry for the tests.
type member struct {
	name, body string
	typ        byte // tar type; for zip, tar.TypeSymlink makes a symlink entry, tar.TypeDir a directory
	link       string
}

func tarGz(t testing.TB, members []member) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, m := range members {
		typ := m.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: m.name, Typeflag: typ, Mode: 0o644, Linkname: m.link, Size: int64(len(m.body))}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(m.body))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func zipArchive(t testing.TB, members []member) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		switch m.typ {
		case tar.TypeSymlink:
			h.SetMode(fs.ModeSymlink | 0o777)
		case tar.TypeDir:
			h.SetMode(fs.ModeDir | 0o755)
		default:
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if m.typ == tar.TypeSymlink {
			w.Write([]byte(m.link))
		} else {
			w.Write([]byte(m.body))
		}
	}
	zw.Close()
	return buf.Bytes()
}

func TestExtract(t *testing.T) {
	small := ExtractLimits{MaxFiles: 4, MaxFileBytes: 100, MaxTotalBytes: 150}
	big := strings.Repeat("0", 1_000_000) // compresses to about 1 kB: a small bomb
	tests := []struct {
		name    string
		members []member
		lim     ExtractLimits
		tarOnly bool
		wantErr string   // "" for success
		want    []string // files that must exist afterwards
	}{
		{"plain", []member{{name: "d/", typ: tar.TypeDir}, {name: "d/a.txt", body: "a"}, {name: "d/sub/b c.txt", body: "b"}}, ExtractLimits{}, false, "", []string{"d/a.txt", "d/sub/b c.txt"}},
		{"dot prefix", []member{{name: "./x/a", body: "a"}}, ExtractLimits{}, false, "", []string{"x/a"}},
		{"parent escape", []member{{name: "../evil", body: "x"}}, ExtractLimits{}, false, "escapes the destination", nil},
		{"nested escape", []member{{name: "a/../../evil", body: "x"}}, ExtractLimits{}, false, "escapes the destination", nil},
		{"absolute", []member{{name: "/tmp/evil", body: "x"}}, ExtractLimits{}, false, "want a relative", nil},
		{"backslash", []member{{name: "..\\evil", body: "x"}}, ExtractLimits{}, false, "want a relative", nil},
		{"symlink out", []member{{name: "link", typ: tar.TypeSymlink, link: "/etc"}, {name: "link/passwd", body: "x"}}, ExtractLimits{}, false, "want a file or directory", nil},
		{"hard link", []member{{name: "h", typ: tar.TypeLink, link: "/etc/passwd"}}, ExtractLimits{}, true, "want a file or directory", nil},
		{"duplicate", []member{{name: "a", body: "1"}, {name: "./a", body: "2"}}, ExtractLimits{}, false, "appears twice", nil},
		{"file over limit", []member{{name: "a", body: strings.Repeat("x", 101)}}, small, false, "100", nil},
		{"file at limit", []member{{name: "a", body: strings.Repeat("x", 100)}}, small, false, "", []string{"a"}},
		{"total over limit", []member{{name: "a", body: strings.Repeat("x", 80)}, {name: "b", body: strings.Repeat("x", 80)}}, small, false, "more than 70 bytes", nil},
		{"too many members", []member{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}, {name: "e"}}, small, false, "more than 4 members", nil},
		{"zip bomb", []member{{name: "zeros", body: big}}, ExtractLimits{MaxFiles: 10, MaxFileBytes: 1 << 16, MaxTotalBytes: 1 << 20}, false, "65536", nil},
	}
	for _, tc := range tests {
		for _, format := range []string{"zip", "tar.gz"} {
			if tc.tarOnly && format == "zip" {
				continue
			}
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				dir := t.TempDir()
				var data []byte
				if format == "zip" {
					data = zipArchive(t, tc.members)
				} else {
					data = tarGz(t, tc.members)
				}
				archive := filepath.Join(dir, "archive")
				os.WriteFile(archive, data, 0o644)
				dst := filepath.Join(dir, "out")
				os.Mkdir(dst, 0o755)
				err := Extract(archive, dst, tc.lim)
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("Extract error = %v, want one containing %q", err, tc.wantErr)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				for _, w := range tc.want {
					if _, err := os.Stat(filepath.Join(dst, w)); err != nil {
						t.Errorf("missing %s: %v", w, err)
					}
				}
				assertContained(t, dir, dst)
			})
		}
	}
}

// assertContained fails if anything was written in root outside dst or any symlink exists.
func assertContained(t *testing.T, root, dst string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			t.Errorf("extraction created a symbolic link %s", p)
		}
		if p != root && p != filepath.Join(root, "archive") && p != dst && !strings.HasPrefix(p, dst+string(filepath.Separator)) {
			t.Errorf("extraction wrote %s outside %s", p, dst)
		}
		return nil
	})
}

func TestExtractNotArchive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.bin")
	os.WriteFile(p, []byte("hello"), 0o644)
	if err := Extract(p, t.TempDir(), ExtractLimits{}); err == nil || !strings.Contains(err.Error(), "not a zip or tar.gz") {
		t.Errorf("Extract(text) = %v, want a format error", err)
	}
}

func fuzzExtract(t *testing.T, data []byte, extract func(dst string) error) {
	root := t.TempDir()
	dst := filepath.Join(root, "out")
	os.Mkdir(dst, 0o755)
	os.WriteFile(filepath.Join(root, "archive"), data, 0o644)
	_ = extract(dst)
	assertContained(t, root, dst)
}

// FuzzExtractZip checks that no zip, however malformed, writes outside the destination or
// past the limits, or panics.
func FuzzExtractZip(f *testing.F) {
	f.Add(zipArchive(f, []member{{name: "a/b.txt", body: "hi"}}))
	f.Add(zipArchive(f, []member{{name: "../x", body: "hi"}}))
	f.Add(zipArchive(f, []member{{name: "l", typ: tar.TypeSymlink, link: "/"}}))
	lim := ExtractLimits{MaxFiles: 20, MaxFileBytes: 1 << 16, MaxTotalBytes: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, data, func(dst string) error {
			return ExtractZip(bytes.NewReader(data), int64(len(data)), dst, lim)
		})
	})
}

// FuzzExtractTarGz is FuzzExtractZip for gzipped tar streams.
func FuzzExtractTarGz(f *testing.F) {
	f.Add(tarGz(f, []member{{name: "a/b.txt", body: "hi"}}))
	f.Add(tarGz(f, []member{{name: "../x", body: "hi"}}))
	f.Add(tarGz(f, []member{{name: "l", typ: tar.TypeSymlink, link: "/"}}))
	lim := ExtractLimits{MaxFiles: 20, MaxFileBytes: 1 << 16, MaxTotalBytes: 1 << 18}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, data, func(dst string) error {
			return ExtractTarGz(bytes.NewReader(data), dst, lim)
		})
	})
}
