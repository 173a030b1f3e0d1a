package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/measurements"
)

func TestLessonList(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"table", []string{"lesson", "list"}, 0, []string{"NAME", "welcome", "notebooks/00-welcome.ipynb"}},
		{"json", []string{"lesson", "list", "--json"}, 0, []string{`"name": "welcome"`, `"notebook": "00-welcome.ipynb"`}},
		{"no subcommand", []string{"lesson"}, 2, nil},
		{"unknown subcommand", []string{"lesson", "dance"}, 2, nil},
		{"list extra argument", []string{"lesson", "list", "x"}, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.wantCode, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}

func TestLessonCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range lessonEntries() {
		if e.Name == "" || e.Title == "" || e.Run == nil {
			t.Errorf("entry %+v lacks a name, title or Run", e)
		}
		if seen[e.Name] {
			t.Errorf("lesson %q listed twice", e.Name)
		}
		seen[e.Name] = true
		if _, err := os.Stat(filepath.Join("..", "..", "notebooks", e.Notebook)); err != nil {
			t.Errorf("lesson %q: notebook: %v", e.Name, err)
		}
	}
}

func TestLessonRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"missing name", []string{"lesson", "run"}},
		{"unknown lesson", []string{"lesson", "run", "nope"}},
		{"bad preset", []string{"lesson", "run", "welcome", "--preset", "medium"}},
		{"extra argument", []string{"lesson", "run", "welcome", "again"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args); code != 2 {
				t.Errorf("exit %d, want 2 (usage); stderr %q", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "usage: cvlessons lesson") {
				t.Errorf("stderr %q lacks the usage line", stderr.String())
			}
		})
	}
}

func TestLessonRunWelcome(t *testing.T) {
	for _, tc := range []struct {
		name string
		args func(out string) []string
		json bool
	}{
		{"flags after name, json", func(out string) []string {
			return []string{"lesson", "run", "welcome", "--preset", "quick", "--out", out, "--json"}
		}, true},
		{"flags before name, text", func(out string) []string {
			return []string{"lesson", "run", "--preset=quick", "--out", out, "welcome"}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "w")
			var stdout, stderr bytes.Buffer
			if code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args(out)); code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "welcome: done, 150 steps") {
				t.Errorf("stderr lacks progress lines:\n%s", stderr.String())
			}
			data, err := os.ReadFile(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				Lesson  string   `json:"lesson"`
				Preset  string   `json:"preset"`
				Figures []string `json:"figures"`
				Report  struct {
					Steps        int     `json:"steps"`
					TestAccuracy float64 `json:"test_accuracy"`
				} `json:"report"`
			}
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatalf("summary.json: %v", err)
			}
			if s.Lesson != "welcome" || s.Preset != "quick" || s.Report.Steps != 150 || s.Report.TestAccuracy < 0.9 {
				t.Errorf("summary %+v, want welcome, quick, 150 steps, accuracy >= 0.9", s)
			}
			if tc.json && !bytes.Equal(bytes.TrimSpace(stdout.Bytes()), bytes.TrimSpace(data)) {
				t.Errorf("--json stdout differs from summary.json:\n%s", stdout.String())
			}
			if !tc.json && !strings.Contains(stdout.String(), "test accuracy") {
				t.Errorf("stdout lacks the summary:\n%s", stdout.String())
			}
			if len(s.Figures) != 1 {
				t.Fatalf("figures %v, want one", s.Figures)
			}
			f, err := os.Open(s.Figures[0])
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Errorf("%s is not a PNG: %v", s.Figures[0], err)
			}
		})
	}
}

// TestCommittedRunsFitTheirPresets reads the committed runs (measurements/): every lesson has a
// class run, and each recorded run took at most its preset's bound on the machine that recorded
// it: a notebook's default (class) run within 10 minutes, a full run within 30. The recorded
// durations are wall times of one run, often on a busy machine, so they bound a quiet one.
func TestCommittedRunsFitTheirPresets(t *testing.T) {
	bounds := map[lessons.Preset]time.Duration{lessons.Class: 10 * time.Minute, lessons.Full: 30 * time.Minute}
	for _, e := range lessonEntries() {
		for preset, bound := range bounds {
			r, ok := measurements.Find(e.Name, string(preset))
			if !ok {
				if preset == lessons.Class {
					t.Errorf("%s: no committed class run (cvlessons lesson run %s --record measurements)", e.Name, e.Name)
				}
				continue
			}
			if d := r.Duration(); d > bound {
				t.Errorf("%s: the committed %s run took %s, over the preset's %s", e.Name, preset, d.Round(time.Second), bound)
			}
		}
	}
}
