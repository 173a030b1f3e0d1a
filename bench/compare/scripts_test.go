package compare

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestScriptsWriteWhatParseReads runs bench/lessons.sh and bench/compare.sh on their smallest
// settings and reads the files they write, so the scripts and this package cannot drift apart.
// compare.sh is skipped where PyTorch is missing, lessons.sh where /usr/bin/time is.
func TestScriptsWriteWhatParseReads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the course's CLI and trains; skipped with -short")
	}
	dir := t.TempDir()
	run := func(t *testing.T, out string, args ...string) []byte {
		t.Helper()
		cmd := exec.Command("bash", args...)
		cmd.Dir = "../.."
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("bash %q: %v\n%s", args, err, b)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	t.Run("lessons.sh", func(t *testing.T) {
		if _, err := os.Stat("/usr/bin/time"); err != nil {
			t.Skip("no /usr/bin/time")
		}
		out := filepath.Join(dir, "lessons.txt")
		r, err := ParseLessons("lessons.txt", run(t, out, "bench/lessons.sh", "--preset", "quick", "--out", out, "welcome"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Preset != "quick" || r.Rounds != 1 || !slices.Equal(r.Lessons(), []string{"welcome"}) {
			t.Errorf("lessons.sh wrote preset %q, %d rounds, lessons %v; want quick, 1, [welcome]", r.Preset, r.Rounds, r.Lessons())
		}
	})
	t.Run("compare.sh", func(t *testing.T) {
		if exec.Command("/usr/bin/python3", "-c", "import torch").Run() != nil {
			t.Skip("no PyTorch (python3-torch)")
		}
		out := filepath.Join(dir, "compare.txt")
		r, err := Parse("compare.txt", run(t, out, "bench/compare.sh", "--rounds", "1", "--steps", "2", "--out", out))
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps != 2 || r.Rounds != 1 || len(r.Models()) != 3 {
			t.Errorf("compare.sh wrote %d steps, %d rounds, nets %v; want 2, 1 and three nets", r.Steps, r.Rounds, r.Models())
		}
	})
}
