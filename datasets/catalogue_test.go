package datasets

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for _, e := range Catalogue() {
		t.Run(e.Name, func(t *testing.T) {
			if seen[e.Name] || e.Name == "" || e.Description == "" || e.Source == "" {
				t.Errorf("entry %+v: duplicate or missing name/description/source", e)
			}
			seen[e.Name] = true
			for _, f := range e.Files {
				if !f.verifiable() {
					t.Errorf("%s has no check", f.Name)
				}
				if !strings.HasPrefix(f.URL, "https://") && !strings.HasPrefix(f.URL, "http://") {
					t.Errorf("%s URL %q", f.Name, f.URL)
				}
				for _, h := range []string{f.SHA256, f.ContentSHA256, f.TreeSHA256} {
					if h != "" && !hex64.MatchString(h) {
						t.Errorf("%s hash %q is not 64 lower-case hex digits", f.Name, h)
					}
				}
				if f.SHA256 != "" && f.SHA256Prefix != "" && !strings.HasPrefix(f.SHA256, f.SHA256Prefix) {
					t.Errorf("%s SHA-256 %s does not start with the file name's prefix %s", f.Name, f.SHA256, f.SHA256Prefix)
				}
				if e.Kind == Weights && !strings.Contains(f.Name, "-"+f.SHA256Prefix+".") {
					t.Errorf("%s prefix %q is not the one in its name", f.Name, f.SHA256Prefix)
				}
			}
			if got, err := Lookup(e.Name); err != nil || got.Name != e.Name {
				t.Errorf("Lookup(%q) = %v, %v", e.Name, got, err)
			}
		})
	}
	if _, err := Lookup("imagenet"); err == nil || !strings.Contains(err.Error(), "want one of mnist, fashion-mnist") {
		t.Errorf("Lookup(unknown) error = %v", err)
	}
}

// TestCatalogueMatchesLocalCopies re-hashes the local copies (GoMNIST, Debian's
// Fashion-MNIST, the shared ants/bees folder) against the catalogue; entries not present here
// are skipped.
func TestCatalogueMatchesLocalCopies(t *testing.T) {
	for _, name := range []string{"mnist", "fashion-mnist", "hymenoptera"} {
		t.Run(name, func(t *testing.T) {
			requireEntry(t, name)
			e, _ := Lookup(name)
			checks, err := e.Verify()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range checks {
				if c.Err != nil {
					t.Error(c.Err)
				}
			}
		})
	}
}

func TestVerifyFileDetectsDamage(t *testing.T) {
	dir := t.TempDir()
	good := []byte("content")
	gz := gzipped(good)
	p := filepath.Join(dir, "f")
	tests := []struct {
		name string
		data []byte
		file File
		want string // "" for ok
	}{
		{"ok", good, File{Name: "f", SHA256: sha(good), Size: 7}, ""},
		{"flipped byte", []byte("Content"), File{Name: "f", SHA256: sha(good)}, "has SHA-256"},
		{"short", good[:6], File{Name: "f", SHA256: sha(good), Size: 7}, "has 6 bytes, want 7"},
		{"content ok", gz, File{Name: "f", ContentSHA256: sha(good)}, ""},
		{"content bad", gz, File{Name: "f", ContentSHA256: sha(gz)}, "gunzipped content"},
		{"not gzip", good, File{Name: "f", ContentSHA256: sha(good)}, "gzip"},
		{"no hash", good, File{Name: "f"}, "no hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(p, tc.data, 0o644)
			err := VerifyFile(p, tc.file)
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("VerifyFile = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTreeDigest(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	write("train/a/1.jpg", "one")
	write("train/b/2.PNG", "two")
	d1, n, err := TreeDigest(dir)
	if err != nil || n != 2 {
		t.Fatalf("TreeDigest = %s, %d, %v; want 2 files", d1, n, err)
	}
	// By hand: SHA-256 of the two sorted lines "<sha>  <path>\n".
	want := sha([]byte(sha([]byte("one")) + "  train/a/1.jpg\n" + sha([]byte("two")) + "  train/b/2.PNG\n"))
	if d1 != want {
		t.Errorf("TreeDigest = %s, want %s", d1, want)
	}
	write(".DS_Store", "junk")
	write("train/notes.txt", "junk")
	if d2, _, _ := TreeDigest(dir); d2 != d1 {
		t.Error("non-image files changed the digest")
	}
	write("train/a/1.jpg", "One")
	if d3, _, _ := TreeDigest(dir); d3 == d1 {
		t.Error("a changed image did not change the digest")
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv(DataDirEnv, "rel/dir")
	got, err := DataDir()
	wd, _ := os.Getwd()
	if err != nil || got != filepath.Join(wd, "rel", "dir") {
		t.Errorf("DataDir() = %q, %v; want the absolute form of $%s", got, err, DataDirEnv)
	}
	t.Setenv(DataDirEnv, "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if got, _ := DataDir(); got != "/cache/cvlessons" {
		t.Errorf("DataDir() = %q, want /cache/cvlessons from the user cache directory", got)
	}
}

func TestModuleCacheCaseEncoding(t *testing.T) {
	requireEntry(t, "mnist")
	dirs := goMNISTDirs()
	if len(dirs) == 0 || !strings.Contains(dirs[0], "!go!m!n!i!s!t@") {
		t.Errorf("goMNISTDirs() = %v, want the case-encoded module directory", dirs)
	}
}

func TestWeightsPathAndHymenopteraDir(t *testing.T) {
	t.Setenv(DataDirEnv, t.TempDir())
	hub := t.TempDir()
	t.Setenv("TORCH_HOME", hub)
	if _, err := WeightsPath("resnet18-imagenet"); err == nil || !strings.Contains(err.Error(), `"cvlessons data fetch resnet18-imagenet"`) {
		t.Errorf("missing weights: error %v, want the fetch hint", err)
	}
	// A file of the catalogued size in PyTorch's hub cache is found (Path does not hash).
	dir := filepath.Join(hub, "hub", "checkpoints")
	os.MkdirAll(dir, 0o755)
	f, _ := os.Create(filepath.Join(dir, "resnet18-f37072fd.pth"))
	f.Truncate(46830571)
	f.Close()
	if got, err := WeightsPath("resnet18-imagenet"); err != nil || got != filepath.Join(dir, "resnet18-f37072fd.pth") {
		t.Errorf("WeightsPath = %q, %v; want the hub cache file", got, err)
	}
	if _, err := WeightsPath("mnist"); err == nil || !strings.Contains(err.Error(), "not weights") {
		t.Errorf("WeightsPath(mnist) error %v", err)
	}
	shared := sharedHymenoptera()
	if _, err := os.Stat(shared); err == nil {
		if got, err := HymenopteraDir(); err != nil || got != shared {
			t.Errorf("HymenopteraDir() = %q, %v; want %s", got, err, shared)
		}
	}
}

// sharedHymenoptera returns the course's offline ants/bees copy (shared/datasets beside the
// repository), or "" when there is none.
func sharedHymenoptera() string {
	for _, d := range sharedDatasetDirs() {
		p := filepath.Join(d, "hymenoptera_data")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func TestSharedDatasetDirsFromRoot(t *testing.T) {
	top := t.TempDir()
	want := filepath.Join(top, "shared", "datasets")
	repo := filepath.Join(top, "cvlessons")
	for _, d := range []string{want, repo} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CVLESSONS_ROOT", repo)
	got := sharedDatasetDirs()
	if len(got) == 0 || got[0] != want {
		t.Errorf("sharedDatasetDirs() with CVLESSONS_ROOT=%s = %q, want %q first", repo, got, want)
	}
}
