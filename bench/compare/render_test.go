package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEIsGenerated fails when the README's comparison section differs from what the committed
// results files in bench/results generate: a hand edit, or a results file committed without
// running go generate ./bench/compare.
func TestREADMEIsGenerated(t *testing.T) {
	all, lessons := committed(t)
	doc, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := Section(all, lessons)
	want, err := Splice(string(doc), section)
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != want {
		t.Errorf("README.md's comparison section is not what bench/results generates; run: go generate ./bench/compare\nwant section:\n%s", section)
	}
}

// committed reads the committed results files of both scripts.
func committed(t *testing.T) ([]Results, []LessonResults) {
	t.Helper()
	all, err := ReadDir("../results")
	if err != nil {
		t.Fatal(err)
	}
	lessons, err := ReadLessonsDir("../results")
	if err != nil {
		t.Fatal(err)
	}
	return all, lessons
}

// TestCommittedRunsAtFullPriority fails for a committed results file recorded under nice: its
// figures measure the machine's other work as much as the backends.
func TestCommittedRunsAtFullPriority(t *testing.T) {
	all, lessons := committed(t)
	for _, r := range all {
		if r.Nice != 0 {
			t.Errorf("%s was recorded at niceness %d; record it again at 0 on an idle machine: %s", r.Name, r.Nice, RunCommand)
		}
	}
	for _, r := range lessons {
		if r.Nice != 0 {
			t.Errorf("%s was recorded at niceness %d; record it again at 0 on an idle machine: %s", r.Name, r.Nice, LessonsCommand)
		}
	}
}

func TestSection(t *testing.T) {
	if s := Section(nil, nil); !strings.Contains(s, "No comparison run is committed yet") || !strings.Contains(s, RunCommand) ||
		!strings.Contains(s, LessonsCommand) {
		t.Errorf("Section(nil, nil) = %q, want it to say no run is committed and how to make one of each kind", s)
	}
	r, err := Parse("compare-amd-epyc-2cores.txt", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	s := Section([]Results{r}, nil)
	for _, want := range []string{
		"| `mnist-cnn` | AMD EPYC, 2 cores | 1000 (500-1100) | 800 (400-900) | 2000 (500-2000) | 0.55 | 0.45 | 150, 610, 310 | 2026-12-07 |",
		"| `resnet20` | AMD EPYC, 2 cores | 100 (50.0-110) | 65.0 (40.0-90.0) | 200 (100-210) |",
		"- `bench/results/compare-amd-epyc-2cores.txt`: AMD EPYC, 2 cores, pinned to CPUs 0,1, load average 0.02 0.10 0.20",
		"batch 64, 2 threads, 20 timed steps, 3 rounds; go1.26.8, GoMLX v0.26.0, PyTorch 1.13.0",
		"commit `0123456789`, 2026-12-07 06:40 UTC.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Section = %s\nwant it to contain %q", s, want)
		}
	}
	if got := strings.Count(s, "\n| `"); got != 2 {
		t.Errorf("Section has %d rows, want one per net (2)", got)
	}
}

func TestWriteText(t *testing.T) {
	r, err := Parse("compare-amd-epyc-2cores.txt", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "AMD EPYC, 2 cores (pinned to 0,1)") {
		t.Fatalf("WriteText = %q, want a machine line, a header and a line per net", b.String())
	}
	if f := strings.Fields(lines[3]); f[0] != "resnet20" || !strings.Contains(lines[3], "65.0 (40.0-90.0)") || f[len(f)-5] != "0.50" {
		t.Errorf("resnet20 line = %q, want xla 65.0 (40.0-90.0) and go/torch 0.50", lines[3])
	}
}

func TestSplice(t *testing.T) {
	doc := "intro\n" + BeginMarker + "\nold\n" + EndMarker + "\nrest\n"
	got, err := Splice(doc, "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n" + BeginMarker + "\nnew\n" + EndMarker + "\nrest\n"; got != want {
		t.Errorf("Splice = %q, want %q", got, want)
	}
	if _, err := Splice("no markers", "x"); err == nil {
		t.Errorf("Splice without markers: no error")
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	if all, err := ReadDir(filepath.Join(dir, "none")); err != nil || len(all) != 0 {
		t.Errorf("ReadDir(missing folder) = %d files, %v; want none, nil", len(all), err)
	}
	for name, data := range map[string]string{"compare-b.txt": sample, "compare-a.txt": sample, "students-2.txt": "not a results file"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all, err := ReadDir(dir)
	if err != nil || len(all) != 2 || all[0].Name != "compare-a.txt" || all[1].Name != "compare-b.txt" {
		t.Errorf("ReadDir = %d files, %v; want compare-a.txt and compare-b.txt in that order", len(all), err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compare-c.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "compare-c.txt:1") {
		t.Errorf("ReadDir with a broken file: error %v, want one naming compare-c.txt:1", err)
	}
}
