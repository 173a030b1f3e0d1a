package scripts

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// toolchainPrefix is the folder every file of the Go 1.26.8 linux-amd64 toolchain module sits in.
const toolchainPrefix = "golang.org/toolchain@v0.0.1-go1.26.8.linux-amd64/"

// sourceInstallGo runs script in bash after sourcing install-go.sh (which defines its functions
// and runs nothing), with HOME set to home, and returns its stdout, stderr and exit status.
func sourceInstallGo(t *testing.T, home, script string, args ...string) (string, string, int) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("install-go.sh checks downloads with /usr/bin/python3, which is missing")
	}
	cmd := exec.Command("bash", append([]string{"-c", "source ./install-go.sh && " + script, "bash"}, args...)...)
	// Go's own configuration goes elsewhere, so that the test sees every change under home.
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+goConfigDir(t), "CVLESSONS_GO_DIR=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// goConfigDir returns a new temporary folder for $XDG_CONFIG_HOME in which Go's telemetry is off.
// With it on, a go command writes counters there and may leave a process behind that goes on
// writing after the command returns, so that removing the folder at the test's end can fail
// ("directory not empty") on a busy machine.
func goConfigDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	telemetry := filepath.Join(dir, "go", "telemetry")
	if err := os.MkdirAll(telemetry, 0o755); err != nil {
		t.Fatal(err)
	}
	// The file "go telemetry off" writes.
	if err := os.WriteFile(filepath.Join(telemetry, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// moduleZip writes a zip of files (name: content, in the given order) to path.
func moduleZip(t *testing.T, path string, names []string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hash1 is Go's dirhash.Hash1 of files: "h1:" and the base64 SHA-256 of the lines "SHA256  NAME\n"
// (SHA-256 in hex) in sorted name order.
func hash1(files map[string]string) string {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	summary := sha256.New()
	for _, n := range names {
		fmt.Fprintf(summary, "%x  %s\n", sha256.Sum256([]byte(files[n])), n)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(summary.Sum(nil))
}

// TestToolchainHash: install-go.sh's hash of a module zip is Go's dirhash.Hash1, whatever the
// order of the files in the zip, so the pinned go.sum hashes apply to it.
func TestToolchainHash(t *testing.T) {
	files := map[string]string{
		toolchainPrefix + "bin/go":         "#!fake go\n",
		toolchainPrefix + "VERSION":        "go1.26.8\n",
		toolchainPrefix + "src/fmt/doc.go": "package fmt\n",
		toolchainPrefix + "empty":          "",
	}
	for _, tc := range []struct {
		name  string
		order []string
	}{
		{"sorted", []string{toolchainPrefix + "VERSION", toolchainPrefix + "bin/go", toolchainPrefix + "empty", toolchainPrefix + "src/fmt/doc.go"}},
		{"reversed", []string{toolchainPrefix + "src/fmt/doc.go", toolchainPrefix + "empty", toolchainPrefix + "bin/go", toolchainPrefix + "VERSION"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			zipPath := filepath.Join(dir, "m.zip")
			moduleZip(t, zipPath, tc.order, files)
			stdout, stderr, code := sourceInstallGo(t, dir, `toolchain_h1 "$1"`, zipPath)
			if got, want := strings.TrimSpace(stdout), hash1(files); code != 0 || got != want {
				t.Errorf("toolchain_h1 = %q (exit %d, stderr %q), want %q (dirhash.Hash1, by hand)", got, code, stderr, want)
			}
		})
	}
}

// TestExtractToolchain: a download whose hash is not the pinned one, or that holds a file outside
// the module's folder, is refused before anything is written.
func TestExtractToolchain(t *testing.T) {
	good := map[string]string{
		toolchainPrefix + "bin/go":                   "#!fake go\n",
		toolchainPrefix + "pkg/tool/linux_amd64/vet": "#!fake vet\n",
		toolchainPrefix + "src/fmt/doc.go":           "package fmt\n",
	}
	with := func(name, content string) map[string]string {
		m := map[string]string{name: content}
		for k, v := range good {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		pinned  string // the hash the script is told to expect
		wantErr string // "" when it must extract
	}{
		{"the pinned module", good, hash1(good), ""},
		{"one byte changed", with(toolchainPrefix+"bin/go", "#!evil go\n"), hash1(good), "refusing to install it"},
		{"a file outside the module's folder", with("evil/bin/go", "x"), hash1(with("evil/bin/go", "x")), "unexpected file"},
		{"a file reaching out with ..", with(toolchainPrefix+"../../evil", "x"), hash1(with(toolchainPrefix+"../../evil", "x")), "unexpected file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			zipPath := filepath.Join(dir, "m.zip")
			var names []string
			for n := range tc.files {
				names = append(names, n)
			}
			slices.Sort(names)
			moduleZip(t, zipPath, names, tc.files)
			dest := filepath.Join(dir, "out", "go")
			os.Mkdir(filepath.Dir(dest), 0o755)
			_, stderr, code := sourceInstallGo(t, dir, `extract_toolchain "$1" "$2" "$3" "$4"`, zipPath, tc.pinned, toolchainPrefix, dest)
			if tc.wantErr != "" {
				if code == 0 || !strings.Contains(stderr, tc.wantErr) {
					t.Errorf("exit %d, stderr %q; want a failure with %q", code, stderr, tc.wantErr)
				}
				if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
					t.Error("a file was written outside the destination")
				}
				if tc.name == "one byte changed" {
					if _, err := os.Stat(dest); err == nil {
						t.Error("a refused download was extracted")
					}
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, f := range []struct {
				name string
				mode os.FileMode
			}{{"bin/go", 0o755}, {"pkg/tool/linux_amd64/vet", 0o755}, {"src/fmt/doc.go", 0o644}} {
				st, err := os.Stat(filepath.Join(dest, f.name))
				if err != nil || st.Mode().Perm() != f.mode {
					t.Errorf("%s: %v, mode %v; want mode %v", f.name, err, st.Mode().Perm(), f.mode)
				}
			}
		})
	}
}

// TestReplaceGoDir: install-go.sh replaces CVLESSONS_GO_DIR only when it made that directory
// (issue 17: setup.sh ran rm -rf on whatever CVLESSONS_GO_DIR said). Every other path is refused
// before anything is moved or removed, and its content survives.
func TestReplaceGoDir(t *testing.T) {
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const marker = ".cvlessons-go"
	for _, tc := range []struct {
		name    string
		dest    func(tmp, home string) string // makes what the case needs and returns CVLESSONS_GO_DIR
		wantErr string                        // "" when the directory must be replaced
	}{
		{"a new directory", func(tmp, home string) string { return filepath.Join(home, ".local/share/cvlessons/go") }, ""},
		{"a directory install-go.sh made", func(tmp, home string) string {
			return mkdir(t, filepath.Join(home, "go"), marker, "old")
		}, ""},
		{"the same, with a trailing slash", func(tmp, home string) string {
			return mkdir(t, filepath.Join(home, "go"), marker, "old") + "/"
		}, ""},
		{"an existing directory without the marker", func(tmp, home string) string {
			return mkdir(t, filepath.Join(home, "projects"), "precious")
		}, "was not made by scripts/install-go.sh"},
		{"a symbolic link to a directory install-go.sh made", func(tmp, home string) string {
			target := mkdir(t, filepath.Join(tmp, "real"), marker)
			link := filepath.Join(home, "go")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "is a symbolic link"},
		{"an empty value", func(tmp, home string) string { return "" }, "is empty"},
		{"/", func(tmp, home string) string { return "/" }, "is / or above it"},
		{"$HOME, even with the marker", func(tmp, home string) string { return mkdir(t, home, marker) }, "or above it"},
		{"above $HOME, even with the marker", func(tmp, home string) string { return mkdir(t, tmp, marker) }, "or above it"},
		{"the repository", func(tmp, home string) string { return repo }, "or above it"},
		{"a top-level directory", func(tmp, home string) string { return "/opt" }, "is a top-level directory"},
		{"a system directory", func(tmp, home string) string { return "/usr/local" }, "is a system directory"},
		{"a relative path to an existing folder", func(tmp, home string) string { return "." }, "was not made by"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			home := mkdir(t, filepath.Join(tmp, "home"), "precious")
			dest := tc.dest(tmp, home)
			stage := mkdir(t, filepath.Join(tmp, "stage", "go"), "VERSION")
			before := listing(t, tmp)
			_, stderr, code := sourceInstallGo(t, home, `replace_go_dir "$1" "$2"`, stage, dest)
			if tc.wantErr != "" {
				if code == 0 || !strings.Contains(stderr, tc.wantErr) {
					t.Errorf("replace_go_dir(%q): exit %d, stderr %q; want a refusal with %q", dest, code, stderr, tc.wantErr)
				}
				if after := listing(t, tmp); !slices.Equal(after, before) {
					t.Errorf("files before %v, after %v: a refused call changed something", before, after)
				}
				return
			}
			if code != 0 {
				t.Fatalf("replace_go_dir(%q): exit %d, stderr %q", dest, code, stderr)
			}
			dest = strings.TrimSuffix(dest, "/")
			for _, f := range []string{"VERSION", marker} {
				if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
					t.Errorf("after replacing: %v", err)
				}
			}
			if _, err := os.Stat(filepath.Join(dest, "old")); err == nil {
				t.Error("the old directory's files are still there")
			}
			if _, err := os.Stat(filepath.Join(home, "precious")); err != nil {
				t.Errorf("a file beside the Go directory was removed: %v", err)
			}
		})
	}
}

// mkdir makes dir (and its parents) with the named empty files in it and returns dir.
func mkdir(t *testing.T, dir string, files ...string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// listing returns the sorted paths under dir, relative to it.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(dir, path); rel != "." {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
