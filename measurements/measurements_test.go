package measurements

import (
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestREADMEIsGenerated fails when the README's measurements section differs from what the
// committed runs generate: a hand edit, a new run not regenerated (go generate ./measurements), or
// lesson code changed since a run, which the regenerated section marks as stale.
func TestREADMEIsGenerated(t *testing.T) {
	runs, fresh := committedRuns(t)
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(string(doc), Section(runs, fresh))
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != want {
		t.Errorf("README.md's measurements section is not what the committed runs generate; run: go generate ./measurements\nwant section:\n%s", Section(runs, fresh))
	}
}

func TestAllParse(t *testing.T) {
	runs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Commit == "" || r.Machine.CPU == "" || r.Backend == "" || len(r.Report) == 0 {
			t.Errorf("%s: missing commit, machine, backend or report: %+v", FileName(r.Lesson, r.Preset), r.Machine)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{"not JSON", "a.class.json", "{", "unexpected end"},
		{"no lesson", "a.class.json", `{"preset":"class","seconds":1}`, "want lesson"},
		{"no duration", "a.class.json", `{"lesson":"a","preset":"class"}`, "seconds > 0"},
		{"wrong name", "b.class.json", `{"lesson":"a","preset":"class","seconds":1}`, "should be named a.class.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%s) error = %v, want one containing %q", tt.data, err, tt.want)
			}
		})
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

func TestSectionMarksStale(t *testing.T) {
	runs := []Run{{Lesson: "vgg", Preset: "class", Seconds: 61.4, Commit: "0123456789abcdef", Summary: "a | b",
		Date: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Backend: "go", Machine: Machine{CPU: "X", Cores: 2}}}
	s := Section(runs, map[string]Freshness{"vgg.class.json": {true, "lesson code changed since 0123456789"}})
	for _, want := range []string{"`vgg` | class | a \\| b | 1m1s | X, 2 cores, go | 2026-12-02 at `0123456789`", "**stale**: lesson code changed"} {
		if !strings.Contains(s, want) {
			t.Errorf("Section = %s\nwant it to contain %q", s, want)
		}
	}
}

func TestCheckClaims(t *testing.T) {
	if f := CheckClaims("no-such-lesson", "class", nil); len(f) != 1 || !strings.Contains(f[0], "no committed run") {
		t.Errorf("missing run: %q, want one failure naming it", f)
	}
	runs, err := All()
	if err != nil || len(runs) == 0 {
		t.Fatalf("All: %v, %d runs", err, len(runs))
	}
	r := runs[0]
	if f := CheckClaims(r.Lesson, r.Preset, []Claim{{What: "too long", Path: "no_such_field", Min: 0, Max: 1}}); len(f) != 1 {
		t.Errorf("missing field: %q, want one failure", f)
	}
}

// TestLessonSources checks which folders make a run stale: the lesson's own and the building
// blocks it imports, but not this package, which a lesson imports only for its time estimate.
func TestLessonSources(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	paths, err := LessonSources("..", "lessons/welcome")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(paths, " ")
	for _, want := range []string{"go.mod", ":(glob)lessons/welcome/*", ":(glob)pkg/backend/*"} {
		if !strings.Contains(got, want) {
			t.Errorf("LessonSources(welcome) lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, ":(glob)measurements/*") {
		t.Errorf("LessonSources(welcome) lists the measurements package: %s", got)
	}
}

// TestValue reads numbers from a small report: fields, list indices (negative from the end) and
// the errors for a path that is not there or not a number.
func TestValue(t *testing.T) {
	r := Run{Lesson: "welcome", Preset: "class", Report: []byte(`{"loss":[0.7,0.4,0.1],"a":{"b":[{"c":2}]},"name":"x"}`)}
	for _, tc := range []struct {
		path    string
		want    float64
		wantErr string
	}{
		{"loss.0", 0.7, ""},
		{"loss.-1", 0.1, ""},
		{"loss.-3", 0.7, ""},
		{"a.b.0.c", 2, ""},
		{"loss.3", 0, "out of range"},
		{"loss.-4", 0, "out of range"},
		{"loss.x", 0, "out of range"},
		{"name", 0, "not a number"},
		{"name.z", 0, `no field "z"`},
	} {
		got, err := r.Value(tc.path)
		switch {
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("Value(%q) = %v, %v; want %v", tc.path, got, err, tc.want)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("Value(%q) error %v, want one containing %q", tc.path, err, tc.wantErr)
		}
	}
	if got := Recorded("no-such-lesson"); len(got) != 0 {
		t.Errorf("Recorded(no-such-lesson) = %v, want none", got)
	}
}

// TestCheckRecorded checks that a lesson without committed runs fails, and that a claim is checked
// on every committed preset of a lesson that has some (welcome has class and full runs).
func TestCheckRecorded(t *testing.T) {
	if f := CheckRecorded("no-such-lesson", nil); len(f) != 1 || !strings.Contains(f[0], "no committed run") {
		t.Errorf("CheckRecorded(no-such-lesson) = %q, want one failure naming the missing run", f)
	}
	presets := Recorded("welcome")
	if len(presets) == 0 {
		t.Skip("no committed welcome run")
	}
	f := CheckRecorded("welcome", []Claim{{What: "impossible", Path: "test_accuracy", Min: 2, Max: math.NaN()}})
	if len(f) != len(presets) {
		t.Errorf("an impossible claim failed %d times over presets %v, want once each: %q", len(f), presets, f)
	}
}

// committedRuns returns the committed runs and their freshness in this checkout, for the tests
// that regenerate the README and the docs; it skips the test outside a git checkout.
func committedRuns(t *testing.T) ([]Run, map[string]Freshness) {
	t.Helper()
	if err := exec.Command("git", "-C", "..", "rev-parse", "HEAD").Run(); err != nil {
		t.Skipf("not a git checkout (%v): freshness cannot be checked", err)
	}
	runs, err := All()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := CheckFreshness("..", runs)
	if err != nil {
		t.Fatal(err)
	}
	return runs, fresh
}
