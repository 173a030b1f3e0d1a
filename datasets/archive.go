package datasets

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ExtractLimits bound what an archive may write, against zip bombs and runaway archives.
type ExtractLimits struct {
	// MaxFiles is the largest number of members (files and directories).
	MaxFiles int
	// MaxFileBytes is the largest size of one extracted file.
	MaxFileBytes int64
	// MaxTotalBytes is the largest total size of all extracted files.
	MaxTotalBytes int64
}

// DefaultExtractLimits allow 100,000 members, 1 GiB per file and 8 GiB in all.
var DefaultExtractLimits = ExtractLimits{MaxFiles: 100_000, MaxFileBytes: 1 << 30, MaxTotalBytes: 8 << 30}

func (l ExtractLimits) orDefault() ExtractLimits {
	if l == (ExtractLimits{}) {
		return DefaultExtractLimits
	}
	return l
}

// Extract unpacks the zip or gzipped tar archive at path into the existing directory dst,
// recognising the format by its first bytes. See ExtractZip for the safety rules.
func Extract(archivePath, dst string, lim ExtractLimits) error {
	f, err := os.Open(archivePath)
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("datasets: %w", err)
		}
		err = ExtractTarGz(bufio.NewReader(f), dst, lim)
	case n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")), n == 4 && bytes.Equal(magic[:], []byte("PK\x05\x06")):
		st, serr := f.Stat()
		if serr != nil {
			return fmt.Errorf("datasets: %w", serr)
		}
		err = ExtractZip(f, st.Size(), dst, lim)
	default:
		return fmt.Errorf("datasets: %s: not a zip or tar.gz archive (starts % x)", archivePath, magic[:n])
	}
	if err != nil {
		return fmt.Errorf("%w (archive %s)", err, archivePath)
	}
	return nil
}

// ExtractZip unpacks a zip archive into the existing directory dst. It refuses, with an error
// naming the member: absolute names, names with a ".." element or a backslash, symbolic links
// and other special files, duplicate names, more than lim.MaxFiles members, and files over
// lim.MaxFileBytes or lim.MaxTotalBytes in all (counted on the bytes actually decompressed, not
// the sizes the archive claims). Files are created 0644 and never overwrite existing ones; on
// error, what was written stays in dst for the caller to remove (Fetch extracts into a temporary
// directory).
func ExtractZip(r io.ReaderAt, size int64, dst string, lim ExtractLimits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("datasets: zip: %w", err)
	}
	x := newExtractor(dst, lim)
	for _, m := range zr.File {
		name := m.Name
		mode := m.Mode()
		switch {
		case mode.IsDir():
			if err := x.dir(name); err != nil {
				return err
			}
		case mode.IsRegular():
			if m.UncompressedSize64 > uint64(x.lim.MaxFileBytes) {
				return fmt.Errorf("datasets: zip member %q declares %d bytes, over the %d-byte limit", name, m.UncompressedSize64, x.lim.MaxFileBytes)
			}
			rc, err := m.Open()
			if err != nil {
				return fmt.Errorf("datasets: zip member %q: %w", name, err)
			}
			err = x.file(name, rc)
			rc.Close()
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("datasets: zip member %q is a %v, want a file or directory", name, mode.Type())
		}
	}
	return nil
}

// ExtractTarGz unpacks a gzipped tar stream into the existing directory dst, with the rules of
// ExtractZip (hard and symbolic links, devices and FIFOs are refused).
func ExtractTarGz(r io.Reader, dst string, lim ExtractLimits) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("datasets: tar.gz: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	x := newExtractor(dst, lim)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("datasets: tar.gz: %w", err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = x.dir(h.Name)
		case tar.TypeReg:
			if h.Size > x.lim.MaxFileBytes {
				return fmt.Errorf("datasets: tar member %q declares %d bytes, over the %d-byte limit", h.Name, h.Size, x.lim.MaxFileBytes)
			}
			err = x.file(h.Name, tr)
		case tar.TypeXGlobalHeader:
			continue
		default:
			return fmt.Errorf("datasets: tar member %q has type %q, want a file or directory", h.Name, h.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

// extractor writes archive members under dst, enforcing the limits.
type extractor struct {
	dst   string
	lim   ExtractLimits
	count int
	total int64
	seen  map[string]bool
}

func newExtractor(dst string, lim ExtractLimits) *extractor {
	return &extractor{dst: dst, lim: lim.orDefault(), seen: map[string]bool{}}
}

// resolve checks a member name and returns its path under dst.
func (x *extractor) resolve(name string) (string, error) {
	x.count++
	if x.count > x.lim.MaxFiles {
		return "", fmt.Errorf("datasets: archive has more than %d members", x.lim.MaxFiles)
	}
	if name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") || filepath.VolumeName(name) != "" {
		return "", fmt.Errorf("datasets: archive member %q: want a relative slash-separated name", name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "", fmt.Errorf("datasets: archive member %q escapes the destination (\"..\")", name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	if x.seen[clean] {
		return "", fmt.Errorf("datasets: archive member %q appears twice", name)
	}
	x.seen[clean] = true
	return filepath.Join(x.dst, filepath.FromSlash(clean)), nil
}

func (x *extractor) dir(name string) error {
	p, err := x.resolve(name)
	if err != nil || p == "" {
		return err
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("datasets: archive member %q: %w", name, err)
	}
	return nil
}

func (x *extractor) file(name string, r io.Reader) error {
	p, err := x.resolve(name)
	if err != nil {
		return err
	}
	if p == "" {
		return fmt.Errorf("datasets: archive member %q is a file without a name", name)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("datasets: archive member %q: %w", name, err)
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("datasets: archive member %q: %w", name, err)
	}
	limit := min(x.lim.MaxFileBytes, x.lim.MaxTotalBytes-x.total)
	n, err := io.Copy(out, io.LimitReader(r, limit+1))
	x.total += n
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("datasets: archive member %q: %w", name, err)
	}
	if n > limit {
		return fmt.Errorf("datasets: archive member %q: more than %d bytes (limits %d per file, %d in all)", name, limit, x.lim.MaxFileBytes, x.lim.MaxTotalBytes)
	}
	return nil
}
