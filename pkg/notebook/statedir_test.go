package notebook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStateDir(t *testing.T) {
	mkdir := func(mode os.FileMode) string {
		dir := filepath.Join(t.TempDir(), "state")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return dir
	}
	private := mkdir(0o700) // as GoNB makes its folder
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	tests := []struct {
		name, gonb, want, err string // want: the directory ("cache" for the user's cache); err: substring of the error
	}{
		{"GoNB's folder", private, private, ""},
		{"readable by others", mkdir(0o755), "", ""},
		{"outside GoNB", "", "cache", ""},
		{"shared like /tmp", mkdir(0o1777), "", "has mode 0777, writable by other users; want 0700"},
		{"writable by the group", mkdir(0o770), "", "has mode 0770"},
		{"not a directory", file, "", "is not a directory"},
		{"relative", "gonb_x", "", `"gonb_x" is relative`},
		{"missing", filepath.Join(private, "none"), "", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GONB_TMP_DIR", tc.gonb)
			t.Setenv("XDG_CACHE_HOME", cache)
			t.Setenv("HOME", cache) // os.UserCacheDir on macOS
			want := tc.want
			if want == "cache" {
				c, err := os.UserCacheDir()
				if err != nil {
					t.Fatal(err)
				}
				want = filepath.Join(c, "cvlessons", "notebooks")
			}
			got, err := StateDir()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "notebook: ") {
					t.Fatalf("StateDir() = %q, %v; want a notebook: error containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || (want != "" && got != want) {
				t.Fatalf("StateDir() = %q, %v; want %q", got, err, want)
			}
			if fi, err := os.Stat(got); err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
				t.Errorf("StateDir() = %q: %v; want a directory only its owner can write to", got, err)
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir()) // 0700, as GoNB makes it
	type report struct {
		Name   string    `json:"name"`
		Values []float64 `json:"values"`
	}
	in := report{"metrics", []float64{0.25, 1}}
	if err := Save("r.json", in); err != nil {
		t.Fatal(err)
	}
	var out report
	if err := Load("r.json", &out); err != nil || out.Name != in.Name || len(out.Values) != 2 || out.Values[1] != 1 {
		t.Errorf("Load after Save = %+v, %v; want %+v", out, err, in)
	}
	if err := Load("none.json", &out); err == nil || !strings.Contains(err.Error(), "run the cell that saves it first") {
		t.Errorf("Load of a missing file: %v, want an error saying to run the saving cell", err)
	}
	for _, name := range []string{"", "..", "../r.json", "a/r.json"} {
		if err := Save(name, in); err == nil || !strings.HasPrefix(err.Error(), "notebook: ") {
			t.Errorf("Save(%q): %v, want a notebook: error", name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(os.Getenv("GONB_TMP_DIR"), "bad.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Load("bad.json", &out); err == nil || !strings.Contains(err.Error(), "reading bad.json") {
		t.Errorf("Load of bad JSON: %v, want an error naming the file", err)
	}
}
