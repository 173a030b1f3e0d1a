package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitState builds a two-commit repository whose second commit changes a lesson, and checks
// what a run is recorded at: the binary's own commit when it is known (and, when the lesson's
// files changed since, dirty), HEAD otherwise, and dirty for an uncommitted change to the lesson's
// code but not to its tests or test data.
func TestGitState(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("go.mod", "module example.com/course\n\ngo 1.24\n")
	write("lessons/vgg/vgg.go", "package vgg\n")
	write("lessons/resnet/resnet.go", "package resnet\n")
	git("add", ".")
	git("commit", "-q", "-m", "first")
	first := git("rev-parse", "HEAD")
	write("lessons/vgg/vgg.go", "package vgg // changed\n")
	git("commit", "-q", "-am", "second")
	second := git("rev-parse", "HEAD")

	tests := []struct {
		name, lesson, rev string
		wantCommit        string
		wantDirty         bool
	}{
		{"no build revision: HEAD", "lessons/vgg", "", second, false},
		{"built at HEAD", "lessons/vgg", second, second, false},
		{"built before the lesson changed", "lessons/vgg", first, first, true},
		{"built before another lesson changed", "lessons/resnet", first, first, false},
	}
	for _, tc := range tests {
		commit, dirty := gitState(tc.lesson, tc.rev)
		if commit != tc.wantCommit || dirty != tc.wantDirty {
			t.Errorf("%s: gitState(%s, %.7s) = %.7s, %v; want %.7s, %v", tc.name, tc.lesson, tc.rev, commit, dirty, tc.wantCommit, tc.wantDirty)
		}
	}
	write("lessons/resnet/resnet_test.go", "package resnet // a new test\n")
	write("lessons/resnet/testdata/golden.txt", "test data\n")
	if _, dirty := gitState("lessons/resnet", second); dirty {
		t.Errorf("an uncommitted test file or test data makes a run dirty; they do not change what a lesson computes")
	}
	write("lessons/resnet/resnet.go", "package resnet // edited, not committed\n")
	if _, dirty := gitState("lessons/resnet", second); !dirty {
		t.Errorf("an uncommitted change to the lesson is not dirty")
	}
}

func TestPortablePaths(t *testing.T) {
	out, elsewhere := t.TempDir(), t.TempDir()
	for _, dir := range []string{"hymenoptera_data/train", "b/c d", "a&b/c"} {
		if err := os.MkdirAll(filepath.Join(elsewhere, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, in, want string
	}{
		{"figure in the output folder", `{"f":"` + out + `/vgg/curves.png"}`, `{"f":"vgg/curves.png"}`},
		{"the output folder itself", `{"f":"` + out + `"}`, `{"f":"."}`},
		{"data folder elsewhere", `{"d":"` + elsewhere + `/hymenoptera_data/train"}`, `{"d":".../hymenoptera_data/train"}`},
		{"short absolute path", `{"d":"/"}`, `{"d":".../"}`},
		{"sibling with the same prefix", `{"f":"` + out + `x/a.png"}`, `{"f":"` + out + `x/a.png"}`},
		{"a layer scope, not a file", `{"layer":"/stage1/block0/conv1/conv"}`, `{"layer":"/stage1/block0/conv1/conv"}`},
		{"relative path and text", `{"f":"out/a.png","s":"a / b","n":1.5}`, `{"f":"out/a.png","s":"a / b","n":1.5}`},
		{"escaped quote before a slash", `{"s":"say \"/x/y\" twice","k":"` + elsewhere + `/b/c d"}`, `{"s":"say \"/x/y\" twice","k":".../b/c d"}`},
		{"escaped path", `{"f":"` + elsewhere + `/a\u0026b/c"}`, `{"f":".../a\u0026b/c"}`},
		{"list of figures", `["` + out + `/a.png","` + out + `/b.png"]`, `["a.png","b.png"]`},
	}
	for _, tc := range tests {
		if got := string(portablePaths([]byte(tc.in), out)); got != tc.want {
			t.Errorf("%s: portablePaths(%s) = %s, want %s", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestEntryPackageDir: every catalogue entry's package folder holds Go files.
func TestEntryPackageDir(t *testing.T) {
	for _, e := range lessonEntries() {
		dir := entryPackageDir(e)
		if files, _ := filepath.Glob(filepath.Join("..", "..", dir, "*.go")); len(files) == 0 {
			t.Errorf("entryPackageDir(%s) = %q, a folder without Go files", e.Name, dir)
		}
	}
}
