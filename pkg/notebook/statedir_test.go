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
