package compare

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LessonColumnHeader is the line between a lessons results file's header and its runs.
const LessonColumnHeader = "round lesson backend seconds peak_rss_mb"

// LessonRun is one run of a lesson's preset on one backend in one round.
type LessonRun struct {
	Round   int
	Lesson  string
	Backend Backend
	// Failed is true when the run did not finish (only XLA's may fail); it then has no figures.
	Failed bool
	// Seconds is the run's wall time, PeakRSSMiB the process's peak resident memory in MiB.
	Seconds, PeakRSSMiB float64
}

// LessonResults is one results file of bench/lessons.sh.
type LessonResults struct {
	// Name is the file's base name (lessons-amd-epyc-2cores.txt).
	Name string
	Header
	// Preset is the preset every lesson ran (class, quick or full).
	Preset string
	// Runs are the lesson runs in the order they ran.
	Runs []LessonRun
}

// lessonKeys are a lessons results file's header keys.
var lessonKeys = append(commonKeys[:len(commonKeys):len(commonKeys)], "preset")

// ParseLessons reads a lessons results file named name, written by bench/lessons.sh: the header (as
// in [Parse], with "preset" instead of bench/compare.sh's own keys), then one line per run,
// "round lesson backend seconds peak_rss_mb", for the backends "go" and "xla". Every round must have
// a run of each lesson on "go" (and on "xla" when the header names a plugin), each once, and no others.
func ParseLessons(name string, data []byte) (LessonResults, error) {
	r := LessonResults{Name: name}
	setHeader := func(key, value string) error {
		if key == "preset" {
			r.Preset = value
			return nil
		}
		return r.Header.set(key, value, lessonKeys)
	}
	err := scan(name, data, LessonColumnHeader, lessonKeys, setHeader, func(line string) error {
		run, err := parseLessonRun(line)
		if err != nil {
			return err
		}
		r.Runs = append(r.Runs, run)
		return nil
	})
	if err != nil {
		return LessonResults{}, err
	}
	if err := r.checkRuns(); err != nil {
		return LessonResults{}, fmt.Errorf("compare: %s: %w", name, err)
	}
	return r, nil
}

func parseLessonRun(line string) (LessonRun, error) {
	f := strings.Fields(line)
	if len(f) != 5 {
		return LessonRun{}, fmt.Errorf("want %d fields (%s), got %q", 5, LessonColumnHeader, line)
	}
	var run LessonRun
	var err error
	if run.Round, err = strconv.Atoi(f[0]); err != nil || run.Round < 1 {
		return LessonRun{}, fmt.Errorf("round %q: want a positive integer", f[0])
	}
	run.Lesson, run.Backend = f[1], Backend(f[2])
	if run.Backend != Go && run.Backend != XLA {
		return LessonRun{}, fmt.Errorf("backend %q: want go or xla", f[2])
	}
	if f[3] == "failed" {
		if run.Backend != XLA || f[4] != "-" {
			return LessonRun{}, fmt.Errorf("only an xla run may fail, with peak_rss_mb \"-\": %q", line)
		}
		run.Failed = true
		return run, nil
	}
	if run.Seconds, err = strconv.ParseFloat(f[3], 64); err != nil || !(run.Seconds > 0) || math.IsInf(run.Seconds, 0) {
		return LessonRun{}, fmt.Errorf("seconds %q: want a positive number or \"failed\"", f[3])
	}
	if run.PeakRSSMiB, err = strconv.ParseFloat(f[4], 64); err != nil || !(run.PeakRSSMiB >= 0) || math.IsInf(run.PeakRSSMiB, 0) {
		return LessonRun{}, fmt.Errorf("peak_rss_mb %q: want a number >= 0", f[4])
	}
	return run, nil
}

// checkRuns checks that every round ran every lesson on every backend the header says, once each.
func (r *LessonResults) checkRuns() error {
	keys := make([]runKey, len(r.Runs))
	for i, run := range r.Runs {
		keys[i] = runKey{run.Round, run.Lesson, run.Backend}
	}
	backends := []Backend{Go}
	if r.XLA != "none" {
		backends = []Backend{Go, XLA}
	}
	return checkGrid(keys, r.Rounds, backends)
}

// Lessons returns the lessons of the runs in the order they first ran.
func (r *LessonResults) Lessons() []string {
	var lessons []string
	for _, run := range r.Runs {
		if !slices.Contains(lessons, run.Lesson) {
			lessons = append(lessons, run.Lesson)
		}
	}
	return lessons
}

// LessonSummary is one lesson's figures over the rounds of a lessons results file.
type LessonSummary struct {
	Lesson string
	// Seconds is each backend's wall time: median, minimum and maximum over the rounds.
	Seconds map[Backend]Spread
	// Ratio is the median over the rounds of XLA's wall time divided by the pure-Go backend's in the
	// same round (below 1: XLA is faster); NaN when no round has both.
	Ratio float64
	// PeakRSSMiB is each backend's largest peak resident memory over the rounds.
	PeakRSSMiB map[Backend]float64
}

// Summarize returns one LessonSummary per lesson, in the order the lessons ran.
func (r *LessonResults) Summarize() []LessonSummary {
	var out []LessonSummary
	for _, l := range r.Lessons() {
		s := LessonSummary{Lesson: l, Seconds: map[Backend]Spread{}, PeakRSSMiB: map[Backend]float64{}}
		secs := map[Backend][]float64{}
		byRound := map[Backend]map[int]float64{Go: {}, XLA: {}}
		for _, run := range r.Runs {
			if run.Lesson != l || run.Failed {
				continue
			}
			secs[run.Backend] = append(secs[run.Backend], run.Seconds)
			byRound[run.Backend][run.Round] = run.Seconds
			s.PeakRSSMiB[run.Backend] = max(s.PeakRSSMiB[run.Backend], run.PeakRSSMiB)
		}
		for b, v := range secs {
			s.Seconds[b] = Spread{Median: Median(v), Min: slices.Min(v), Max: slices.Max(v), N: len(v)}
		}
		var ratios []float64
		for round, x := range byRound[XLA] {
			if g, ok := byRound[Go][round]; ok {
				ratios = append(ratios, x/g)
			}
		}
		s.Ratio = Median(ratios)
		out = append(out, s)
	}
	return out
}

// wallTime renders a median wall time, with the range when there were several rounds: "4m04s",
// "4m04s (3m58s-4m10s)", "2.1s".
func wallTime(s Spread) string {
	if s.N == 0 {
		return "-"
	}
	if s.N == 1 {
		return minSec(s.Median)
	}
	return fmt.Sprintf("%s (%s-%s)", minSec(s.Median), minSec(s.Min), minSec(s.Max))
}

// minSec renders seconds as "4m04s", or "2.1s" under a minute.
func minSec(seconds float64) string {
	if seconds < 59.95 {
		return fmt.Sprintf("%.1fs", seconds)
	}
	d := time.Duration(math.Round(seconds)) * time.Second
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
