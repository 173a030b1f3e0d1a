package compare

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lessonsSample is a lessons results file made up by hand: two lessons, two rounds; XLA failed once
// on transfer.
const lessonsSample = `# bench/lessons.sh results
date: 2026-12-07T16:00:00Z
cpu: AMD EPYC
cores: 2
cpus: 0,1
load: 0.05 0.20 0.30
nice: 0
commit: 0123456789abcdef0123456789abcdef01234567
dirty: false
go: go1.26.8
gomlx: v0.26.0
xla: fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)
preset: class
threads: 2
rounds: 2

round lesson backend seconds peak_rss_mb
1 vgg go 244.5 700.2
1 vgg xla 300 900
1 transfer go 433 1200
1 transfer xla failed -
2 vgg go 250 710
2 vgg xla 250 950
2 transfer go 420 1100
2 transfer xla 630 1500
`

func TestParseLessonsAndSummarize(t *testing.T) {
	r, err := ParseLessons("lessons-amd-epyc-2cores.txt", []byte(lessonsSample))
	if err != nil {
		t.Fatal(err)
	}
	if r.CPU != "AMD EPYC" || r.Preset != "class" || r.Rounds != 2 || r.Threads != 2 || len(r.Runs) != 8 {
		t.Fatalf("ParseLessons = %+v", r)
	}
	if got := r.Lessons(); !slices.Equal(got, []string{"vgg", "transfer"}) {
		t.Errorf("Lessons() = %v, want [vgg transfer]", got)
	}
	s := r.Summarize()
	// Expected values worked out by hand from lessonsSample.
	vgg, transfer := s[0], s[1]
	if got, want := vgg.Seconds[Go], (Spread{Median: 247.25, Min: 244.5, Max: 250, N: 2}); got != want {
		t.Errorf("vgg go = %+v, want %+v", got, want)
	}
	// Per-round xla/go ratios 300/244.5 and 250/250: their mean.
	if got, want := vgg.Ratio, (300/244.5+1)/2; math.Abs(got-want) > 1e-12 {
		t.Errorf("vgg xla/go = %v, want %v", got, want)
	}
	// XLA failed in round 1: only round 2 counts.
	if got := transfer.Ratio; math.Abs(got-1.5) > 1e-12 {
		t.Errorf("transfer xla/go = %v, want 1.5 (round 2 only)", got)
	}
	if got := transfer.PeakRSSMiB[Go]; got != 1200 {
		t.Errorf("transfer go peak = %v, want 1200 (the largest over the rounds)", got)
	}
	if got := wallTime(transfer.Seconds[XLA]); got != "10m30s" {
		t.Errorf("transfer xla wall time = %q, want 10m30s (one run)", got)
	}
	if got := wallTime(vgg.Seconds[Go]); got != "4m07s (4m05s-4m10s)" {
		t.Errorf("vgg go wall time = %q, want 4m07s (4m05s-4m10s)", got)
	}
	for _, tt := range []struct {
		seconds float64
		want    string
	}{{0.23, "0.2s"}, {59.9, "59.9s"}, {59.96, "1m00s"}, {3600, "60m00s"}} {
		if got := minSec(tt.seconds); got != tt.want {
			t.Errorf("minSec(%v) = %q, want %q", tt.seconds, got, tt.want)
		}
	}
}

func TestParseLessonsRejects(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"compare's key", "preset: class", "preset: class\nsteps: 20", `unknown header key "steps"`},
		{"key missing", "preset: class\n", "", `header key "preset" missing`},
		{"empty value", "preset: class", "preset:", "header preset: empty value"},
		{"zero rounds", "rounds: 2", "rounds: 0", "want a positive integer"},
		{"compare's columns", LessonColumnHeader, ColumnHeader, "want a \"key: value\" header line"},
		{"torch backend", "1 vgg go 244.5 700.2", "1 vgg torch 244.5 700.2", `backend "torch": want go or xla`},
		{"negative seconds", "1 vgg go 244.5 700.2", "1 vgg go -1 700.2", "want a positive number"},
		{"infinite memory", "1 vgg go 244.5 700.2", "1 vgg go 244.5 +Inf", "want a number >= 0"},
		{"go failed", "1 vgg go 244.5 700.2", "1 vgg go failed -", "only an xla run may fail"},
		{"run missing", "2 transfer xla 630 1500\n", "", "round 2 has no xla run of transfer"},
		{"run twice", "2 vgg go 250 710", "2 vgg go 250 710\n2 vgg go 250 710", "given twice"},
		{"xla without plugin", "xla: fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106)", "xla: none", "no XLA plugin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(lessonsSample, tt.old, tt.new, 1)
			if data == lessonsSample {
				t.Fatalf("the case changes nothing: %q not in lessonsSample", tt.old)
			}
			_, err := ParseLessons("lessons-x.txt", []byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseLessons error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLessonsSection(t *testing.T) {
	r, err := ParseLessons("lessons-amd-epyc-2cores.txt", []byte(lessonsSample))
	if err != nil {
		t.Fatal(err)
	}
	s := Section(nil, []LessonResults{r})
	for _, want := range []string{
		"No comparison run is committed yet",
		"| `vgg` | AMD EPYC, 2 cores | class | 4m07s (4m05s-4m10s) | 4m35s (4m10s-5m00s) | 1.11 | 710, 950 | 2026-12-07 |",
		"| `transfer` | AMD EPYC, 2 cores | class | 7m07s (7m00s-7m13s) | 10m30s | 1.50 | 1200, 1500 | 2026-12-07 |",
		"- `bench/results/lessons-amd-epyc-2cores.txt`: AMD EPYC, 2 cores, pinned to CPUs 0,1, load average 0.05 0.20 0.30",
		"preset class, 2 threads, 2 rounds; go1.26.8, GoMLX v0.26.0, XLA plugin fastatomstruct-xla-cpu==2026.6.23 (PJRT C API 0.106); commit `0123456789`, 2026-12-07 16:00 UTC.",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Section = %s\nwant it to contain %q", s, want)
		}
	}
	var b bytes.Buffer
	if err := WriteLessonsText(&b, r); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 4 || !strings.Contains(lines[0], "preset class") ||
		!strings.Contains(lines[3], "10m30s") || !strings.Contains(lines[3], "1.50") {
		t.Errorf("WriteLessonsText = %q, want a machine line, a header and a line per lesson", b.String())
	}
}

func TestReadLessonsDir(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"lessons-a.txt": lessonsSample, "compare-a.txt": sample} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all, err := ReadLessonsDir(dir)
	if err != nil || len(all) != 1 || all[0].Name != "lessons-a.txt" {
		t.Errorf("ReadLessonsDir = %d files, %v; want lessons-a.txt only", len(all), err)
	}
}

func FuzzParseLessons(f *testing.F) {
	f.Add([]byte(lessonsSample))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseLessons("lessons-fuzz.txt", data)
		if err != nil {
			return
		}
		for _, s := range r.Summarize() {
			for b, sp := range s.Seconds {
				if !(sp.Min <= sp.Median && sp.Median <= sp.Max) {
					t.Errorf("%s %s: median %v outside [%v, %v]", s.Lesson, b, sp.Median, sp.Min, sp.Max)
				}
			}
		}
		_ = Section(nil, []LessonResults{r})
	})
}
