// Package measurements holds the course's recorded lesson runs: one JSON file per lesson and preset
// (vgg.full.json), written by `cvlessons lesson run NAME --record measurements`, committed, and
// embedded here. Every number the README states about a lesson is generated from these files
// (`go generate ./measurements`), and each lesson's tests assert its claims on them, so a stated
// result is always a recorded one.
//
// A file records the commit it ran at. [Stale] compares that commit with the code the lesson is
// built from, so a result whose lesson code changed since is marked as such in the README instead
// of passing as current.
//
// # Conventions
//
// A file is named LESSON.PRESET.json. Durations are wall-clock seconds of the whole lesson run
// (data loading, every training, evaluation and figures), on the machine the file names.
package measurements

//go:generate go run ./gen -readme ../README.md

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"time"
)

// files holds the folder; the runs are its *.json files (the pattern "*" still compiles before
// the first run is recorded).
//
//go:embed *
var files embed.FS

// Machine says where a run ran.
type Machine struct {
	// CPU is the processor's model name (/proc/cpuinfo), Cores the CPUs Go could use.
	CPU   string `json:"cpu"`
	Cores int    `json:"cores"`
	// OS and Arch are Go's GOOS and GOARCH; Go is the toolchain version.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Go   string `json:"go"`
	// Kernels is the GEMM kernel the pure-Go backend used ("avx512", "avx2", "go").
	Kernels string `json:"kernels,omitempty"`
}

// String is "AMD EPYC 7R13 Processor, 2 cores".
func (m Machine) String() string { return fmt.Sprintf("%s, %d cores", m.CPU, m.Cores) }

// Run is one recorded lesson run.
type Run struct {
	Lesson string `json:"lesson"`
	Preset string `json:"preset"`
	// Package is the folder, relative to the module's root, of the package the lesson is built
	// in, when it is not lessons/LESSON (see PackageDir).
	Package string `json:"package,omitempty"`
	// Date is when the run started (UTC).
	Date time.Time `json:"date"`
	// Commit is the repository's HEAD when it ran; Dirty says that files the lesson is built from
	// had uncommitted changes (such a run is always reported stale).
	Commit string `json:"commit"`
	Dirty  bool   `json:"dirty"`
	// Backend is the GoMLX backend that trained ("go", "xla:cpu").
	Backend string  `json:"backend"`
	Machine Machine `json:"machine"`
	// Seconds is the run's wall-clock duration; Steps the optimizer steps it took in all.
	Seconds float64 `json:"seconds"`
	Steps   int     `json:"steps"`
	// Summary is the lesson's one-paragraph account of its numbers; Report the lesson's typed
	// report as JSON (the lesson's Report type unmarshals it).
	Summary string          `json:"summary"`
	Report  json.RawMessage `json:"report"`
}

// PackageDir is the folder of the lesson's package relative to the module's root: Package, or
// lessons/LESSON.
func (r Run) PackageDir() string {
	if r.Package != "" {
		return r.Package
	}
	return "lessons/" + r.Lesson
}

// Duration is the run's wall-clock time.
func (r Run) Duration() time.Duration { return time.Duration(r.Seconds * float64(time.Second)) }

// FileName is the file a run of lesson with preset is recorded in: "vgg.full.json".
func FileName(lesson, preset string) string { return lesson + "." + preset + ".json" }

// Parse decodes a recorded run and checks that it names a lesson and a preset.
func Parse(name string, data []byte) (Run, error) {
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return Run{}, fmt.Errorf("measurements: %s: %w", name, err)
	}
	if r.Lesson == "" || r.Preset == "" || r.Seconds <= 0 {
		return Run{}, fmt.Errorf("measurements: %s: want lesson, preset and seconds > 0, got %q, %q, %g", name, r.Lesson, r.Preset, r.Seconds)
	}
	if want := FileName(r.Lesson, r.Preset); path.Base(name) != want {
		return Run{}, fmt.Errorf("measurements: %s records lesson %q preset %q, so it should be named %s", name, r.Lesson, r.Preset, want)
	}
	return r, nil
}

// All returns every committed run, sorted by lesson then preset.
func All() ([]Run, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	var runs []Run
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("measurements: %w", err)
		}
		r, err := Parse(n, data)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	slices.SortFunc(runs, func(a, b Run) int {
		return strings.Compare(a.Lesson+"."+a.Preset, b.Lesson+"."+b.Preset)
	})
	return runs, nil
}

// Find returns the committed run of lesson with preset.
func Find(lesson, preset string) (Run, bool) {
	data, err := files.ReadFile(FileName(lesson, preset))
	if err != nil {
		return Run{}, false
	}
	r, err := Parse(FileName(lesson, preset), data)
	return r, err == nil
}

// Report unmarshals the committed run of lesson with preset into report (a pointer to the lesson's
// Report type). It returns an error naming the file when the run is missing or does not decode.
func Report(lesson, preset string, report any) (Run, error) {
	r, ok := Find(lesson, preset)
	if !ok {
		return Run{}, fmt.Errorf("measurements: no committed run %s (record it with: cvlessons lesson run %s --preset %s --record measurements)",
			FileName(lesson, preset), lesson, preset)
	}
	if err := json.Unmarshal(r.Report, report); err != nil {
		return Run{}, fmt.Errorf("measurements: %s: report: %w", FileName(lesson, preset), err)
	}
	return r, nil
}

// Estimate is how long a run of lesson with preset that takes steps optimizer steps should last,
// from the committed run of the same lesson and preset (scaled by its steps when they differ), and
// a note saying where the figure comes from. It returns 0 and "" when there is no such run.
func Estimate(lesson, preset string, steps int) (time.Duration, string) {
	r, ok := Find(lesson, preset)
	if !ok || r.Seconds <= 0 {
		return 0, ""
	}
	d := r.Duration()
	note := fmt.Sprintf("measured: %s on %s, %s", d.Round(time.Second), r.Machine, r.Date.Format("2006-01-02"))
	if steps > 0 && r.Steps > 0 && steps != r.Steps {
		d = time.Duration(float64(d) * float64(steps) / float64(r.Steps))
		note = fmt.Sprintf("scaled from %d to %d steps; ", r.Steps, steps) + note
	}
	return d, note
}

// Describe is what a notebook prints under a lesson's own run: every committed run of the lesson,
// one paragraph each, with its preset, duration, machine, date and commit, then its summary. It
// says so when there is none.
func Describe(lesson string) string {
	runs, err := All()
	if err != nil {
		return err.Error() + "\n"
	}
	var sb strings.Builder
	for _, r := range runs {
		if r.Lesson != lesson {
			continue
		}
		fmt.Fprintf(&sb, "committed run, preset %s: %s on %s (%s), %s, commit %s\n  %s\n", r.Preset,
			r.Duration().Round(time.Second), r.Machine, r.Backend, r.Date.Format("2006-01-02"), short(r.Commit),
			strings.ReplaceAll(strings.TrimSpace(r.Summary), "\n", "\n  "))
	}
	if sb.Len() == 0 {
		return fmt.Sprintf("no committed run of lesson %s yet (cvlessons lesson run %s --record measurements)\n", lesson, lesson)
	}
	return sb.String()
}

// Value returns the number at a dotted path in a run's report ("depths.2.test_accuracy": fields and
// list indices, -1 for a list's last element), for tests that assert a lesson's claims on its
// committed runs.
func (r Run) Value(path string) (float64, error) {
	var v any
	if err := json.Unmarshal(r.Report, &v); err != nil {
		return 0, fmt.Errorf("measurements: %s: %w", FileName(r.Lesson, r.Preset), err)
	}
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			var i int
			_, err := fmt.Sscan(key, &i)
			if err == nil && i < 0 {
				i += len(x) // -1 is the last element
			}
			if err != nil || i < 0 || i >= len(x) {
				return 0, fmt.Errorf("measurements: %s: %q: index %q out of range 0..%d", FileName(r.Lesson, r.Preset), path, key, len(x)-1)
			}
			v = x[i]
		default:
			return 0, fmt.Errorf("measurements: %s: %q: no field %q", FileName(r.Lesson, r.Preset), path, key)
		}
	}
	f, ok := v.(float64)
	if !ok {
		return 0, fmt.Errorf("measurements: %s: %q is %v, not a number", FileName(r.Lesson, r.Preset), path, v)
	}
	return f, nil
}

// Claim is one assertion on a committed run: Value(Path) compared with a bound.
type Claim struct {
	// What says the claim in words; Path is the report value it reads, less the value at Minus when
	// Minus is not "" (a gain, a gap).
	What, Path, Minus string
	// Min and Max bound the value (inclusive); a NaN bound is not checked.
	Min, Max float64
}

// Recorded lists the presets of lesson that have a committed run, in the order class, quick, full.
func Recorded(lesson string) []string {
	var presets []string
	for _, p := range []string{"class", "quick", "full"} {
		if _, ok := Find(lesson, p); ok {
			presets = append(presets, p)
		}
	}
	return presets
}

// CheckRecorded checks the claims on every committed run of lesson (Recorded) and returns one
// message per failure, each naming its run; a lesson with no committed run is a failure.
func CheckRecorded(lesson string, claims []Claim) []string {
	presets := Recorded(lesson)
	if len(presets) == 0 {
		return CheckClaims(lesson, "class", claims)
	}
	var fails []string
	for _, p := range presets {
		fails = append(fails, CheckClaims(lesson, p, claims)...)
	}
	return fails
}

// CheckClaims checks each claim on the committed run of lesson with preset and returns one message
// per failure (none when all hold); a missing run is a failure.
func CheckClaims(lesson, preset string, claims []Claim) []string {
	r, ok := Find(lesson, preset)
	if !ok {
		return []string{fmt.Sprintf("no committed run %s (record it: cvlessons lesson run %s --preset %s --record measurements)",
			FileName(lesson, preset), lesson, preset)}
	}
	var fails []string
	for _, c := range claims {
		v, err := r.Value(c.Path)
		if err == nil && c.Minus != "" {
			var m float64
			m, err = r.Value(c.Minus)
			v -= m
		}
		switch {
		case err != nil:
			fails = append(fails, err.Error())
		case !math.IsNaN(c.Min) && v < c.Min, !math.IsNaN(c.Max) && v > c.Max:
			fails = append(fails, fmt.Sprintf("%s: %s: %s - (%s) = %v, want in [%v, %v]", FileName(lesson, preset), c.What, c.Path, c.Minus, v, c.Min, c.Max))
		}
	}
	return fails
}
