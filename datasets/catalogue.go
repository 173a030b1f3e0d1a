package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kind says what a catalogue entry holds.
type Kind int

const (
	// DataSet is a set of images and labels.
	DataSet Kind = iota
	// Weights is a pretrained model checkpoint.
	Weights
)

// String returns "data" or "weights".
func (k Kind) String() string {
	if k == Weights {
		return "weights"
	}
	return "data"
}

// File is one downloadable file of a catalogue entry, with what is known to check it.
//
// Checks, in the order Verify applies them (every one that is set must pass; at least one must be
// set for a download to be accepted):
//   - SHA256: SHA-256 of the file's bytes.
//   - ContentSHA256: SHA-256 of the gunzipped content of a .gz file, for files whose compressed
//     bytes differ between copies (Debian recompressed Fashion-MNIST) or are not known.
//   - SHA256Prefix: the leading hex digits of the SHA-256, as torchvision's hub names checkpoint
//     files (<name>-<8 hex digits>.pth); used only when no full hash is known.
//   - TreeSHA256: for an archive, the TreeDigest of the directory Unpack it extracts to; used when
//     the archive's own hash is not known.
//   - MD5: the published MD5 of the official file, checked on download only (copies from other
//     sources may be recompressed).
type File struct {
	// Name is the file name inside the entry's directory.
	Name string
	// URL is the official download address.
	URL string
	// Mirrors are tried in order when URL fails (the same file, checked the same way).
	Mirrors []string
	// Size is the file's length in bytes, or 0 when unknown.
	Size int64
	// SHA256 is the full hex SHA-256 of the file, or "" when unknown.
	SHA256 string
	// ContentSHA256 is the hex SHA-256 of the gunzipped content, or "".
	ContentSHA256 string
	// SHA256Prefix is a leading part of the hex SHA-256 (torchvision's file-name check), or "".
	SHA256Prefix string
	// MD5 is the published hex MD5 of the official file, or "".
	MD5 string
	// Unpack, when set, makes the file an archive (zip or tar.gz) whose member directory of this
	// name is extracted beside it; the archive itself is deleted after a verified extraction.
	Unpack string
	// TreeSHA256 is the TreeDigest of the extracted Unpack directory, or "".
	TreeSHA256 string
	// TreeFiles is the number of image files TreeDigest covers, or 0.
	TreeFiles int
}

// target returns the path that holds the file's data once fetched: the file itself, or the
// extracted directory of an archive.
func (f File) target(dir string) string {
	if f.Unpack != "" {
		return filepath.Join(dir, f.Unpack)
	}
	return filepath.Join(dir, f.Name)
}

// verifiable reports whether f carries a check strong enough to accept a download.
func (f File) verifiable() bool {
	return f.SHA256 != "" || f.ContentSHA256 != "" || f.SHA256Prefix != "" || f.TreeSHA256 != ""
}

// Entry is one catalogue item: a data set or a set of weights, where it may already be on this
// machine, and where to download it from.
type Entry struct {
	// Name is the short name used by "cvlessons data fetch NAME".
	Name string
	// Kind says whether it is a data set or weights.
	Kind Kind
	// Description is one line for "cvlessons data list".
	Description string
	// Source cites the origin and licence.
	Source string
	// Files are the files that make up the entry.
	Files []File
	// Note, when set, is shown by "data list" (for example how an unknown hash is checked).
	Note string
	// Local lists directories that may already hold the files (a Go module, a Debian package, the
	// PyTorch hub cache); they are tried in order before the data directory.
	Local func() []string
}

// Dir returns the entry's directory in the data directory: DataDir()/Name.
func (e *Entry) Dir() (string, error) {
	root, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, e.Name), nil
}

// Candidates returns the directories Locate tries, in order: the local sources, then Dir().
func (e *Entry) Candidates() []string {
	var dirs []string
	if e.Local != nil {
		dirs = append(dirs, e.Local()...)
	}
	if d, err := e.Dir(); err == nil {
		dirs = append(dirs, d)
	}
	return dirs
}

// Locate returns the first candidate directory that holds every file of the entry (present
// with the catalogued size when known; an archive counts when its extracted directory exists).
// It does not hash; Verify does. The error lists the places it looked.
func (e *Entry) Locate() (string, error) {
	dirs := e.Candidates()
	for _, d := range dirs {
		if e.completeIn(d) {
			return d, nil
		}
	}
	return "", fmt.Errorf("datasets: %s not found (looked in %s); run \"cvlessons data fetch %s\"",
		e.Name, strings.Join(dirs, ", "), e.Name)
}

// completeIn reports whether dir holds all of e's files.
func (e *Entry) completeIn(dir string) bool {
	for _, f := range e.Files {
		st, err := os.Stat(f.target(dir))
		if err != nil {
			return false
		}
		if f.Unpack != "" {
			if !st.IsDir() {
				return false
			}
			continue
		}
		if !st.Mode().IsRegular() || (f.Size > 0 && st.Size() != f.Size) {
			return false
		}
	}
	return true
}

// Path returns the path of the named file of the entry, from the first complete candidate.
func (e *Entry) Path(name string) (string, error) {
	dir, err := e.Locate()
	if err != nil {
		return "", err
	}
	for _, f := range e.Files {
		if f.Name == name || (f.Unpack != "" && f.Unpack == name) {
			return f.target(dir), nil
		}
	}
	return "", fmt.Errorf("datasets: %s has no file %q", e.Name, name)
}

// Catalogue returns every known entry, data sets first. The slice is new on each call.
func Catalogue() []*Entry {
	return []*Entry{mnistEntry(), fashionEntry(), hymenopteraEntry(),
		vgg11Entry(), vgg16Entry(), resnet18Entry(), efficientNetLite0Entry()}
}

// Lookup returns the catalogue entry with the given name.
func Lookup(name string) (*Entry, error) {
	var names []string
	for _, e := range Catalogue() {
		if e.Name == name {
			return e, nil
		}
		names = append(names, e.Name)
	}
	return nil, fmt.Errorf("datasets: unknown data set %q: want one of %s", name, strings.Join(names, ", "))
}
