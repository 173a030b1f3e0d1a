package datasets

import (
	"bufio"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Check is the outcome of verifying one file of an entry.
type Check struct {
	// File is the catalogue file checked.
	File File
	// Path is where it was found (a directory for an extracted archive).
	Path string
	// Err is nil when every known check passed.
	Err error
}

// Verify locates e and re-hashes each of its files with every check the catalogue knows (see
// File). It returns one Check per file; the error is non-nil only when e cannot be located.
func (e *Entry) Verify() ([]Check, error) {
	dir, err := e.Locate()
	if err != nil {
		return nil, err
	}
	checks := make([]Check, len(e.Files))
	for i, f := range e.Files {
		p := f.target(dir)
		checks[i] = Check{File: f, Path: p, Err: VerifyFile(p, f)}
	}
	return checks, nil
}

// VerifyFile checks the file (or, for an archive, the extracted directory) at path against f:
// size, SHA256, ContentSHA256, SHA256Prefix, TreeSHA256 and TreeFiles, each when set. MD5 is
// not checked here (see File). It returns an error when f has no check at all.
func VerifyFile(path string, f File) error {
	if !f.verifiable() {
		return fmt.Errorf("datasets: %s: the catalogue has no hash for %s", path, f.Name)
	}
	if f.Unpack != "" {
		return verifyTree(path, f)
	}
	sums, err := hashFile(path, f.ContentSHA256 != "")
	if err != nil {
		return err
	}
	return sums.check(path, f, false)
}

// sums are the digests of one file.
type sums struct {
	size                 int64
	sha256, md5, content string
}

// check compares s with f's known values; withMD5 adds the published MD5.
func (s sums) check(path string, f File, withMD5 bool) error {
	switch {
	case f.Size > 0 && s.size != f.Size:
		return fmt.Errorf("datasets: %s has %d bytes, want %d", path, s.size, f.Size)
	case f.SHA256 != "" && s.sha256 != f.SHA256:
		return fmt.Errorf("datasets: %s has SHA-256 %s, want %s", path, s.sha256, f.SHA256)
	case f.ContentSHA256 != "" && s.content != f.ContentSHA256:
		return fmt.Errorf("datasets: %s: gunzipped content has SHA-256 %s, want %s", path, s.content, f.ContentSHA256)
	case f.SHA256Prefix != "" && !strings.HasPrefix(s.sha256, f.SHA256Prefix):
		return fmt.Errorf("datasets: %s has SHA-256 %s, want one starting %s", path, s.sha256, f.SHA256Prefix)
	case withMD5 && f.MD5 != "" && s.md5 != f.MD5:
		return fmt.Errorf("datasets: %s has MD5 %s, want the published %s", path, s.md5, f.MD5)
	}
	return nil
}

// hashFile reads path once, computing its SHA-256 and MD5 and, when gunzip is set, the
// SHA-256 of its gunzipped content.
func hashFile(path string, gunzip bool) (sums, error) {
	fh, err := os.Open(path)
	if err != nil {
		return sums{}, fmt.Errorf("datasets: %w", err)
	}
	defer fh.Close()
	return hashReader(path, fh, gunzip)
}

// hashReader is hashFile over r; name is used in errors.
func hashReader(name string, r io.Reader, gunzip bool) (sums, error) {
	sh, mh := sha256.New(), md5.New()
	counter := &countWriter{}
	tee := io.TeeReader(r, io.MultiWriter(sh, mh, counter))
	var s sums
	if gunzip {
		zr, err := gzip.NewReader(bufio.NewReader(tee))
		if err != nil {
			return sums{}, fmt.Errorf("datasets: %s: want gzip data: %w", name, err)
		}
		ch := sha256.New()
		if _, err := io.Copy(ch, zr); err != nil {
			return sums{}, fmt.Errorf("datasets: %s: gunzip: %w", name, err)
		}
		s.content = hexSum(ch)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return sums{}, fmt.Errorf("datasets: reading %s: %w", name, err)
	}
	s.size, s.sha256, s.md5 = counter.n, hexSum(sh), hexSum(mh)
	return s, nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// verifyTree checks an extracted directory's TreeDigest and image count.
func verifyTree(dir string, f File) error {
	digest, n, err := TreeDigest(dir)
	if err != nil {
		return err
	}
	if f.TreeFiles > 0 && n != f.TreeFiles {
		return fmt.Errorf("datasets: %s holds %d image files, want %d", dir, n, f.TreeFiles)
	}
	if f.TreeSHA256 != "" && digest != f.TreeSHA256 {
		return fmt.Errorf("datasets: %s has tree digest %s, want %s", dir, digest, f.TreeSHA256)
	}
	return nil
}

// TreeDigest returns a SHA-256 over the image files (extensions .jpg, .jpeg, .png, .gif, any
// case) under dir, and how many there are: the hex SHA-256 of the lines
// "<file sha256>  <slash-separated relative path>\n", sorted by path. Other files and symbolic
// links are ignored, so stray metadata (.DS_Store) does not change it.
func TreeDigest(dir string) (digest string, files int, err error) {
	type entry struct{ rel, sum string }
	var entries []entry
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !hasImageExt(p) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		s, err := hashFile(p, false)
		if err != nil {
			return err
		}
		entries = append(entries, entry{filepath.ToSlash(rel), s.sha256})
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("datasets: tree digest of %s: %w", dir, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].rel < entries[j].rel })
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%s  %s\n", e.sum, e.rel)
	}
	return hexSum(h), len(entries), nil
}

// hasImageExt reports whether p ends in .jpg, .jpeg, .png or .gif, any case.
func hasImageExt(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}
