package compare

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Backend names one of the three trainers bench/compare.sh runs.
type Backend string

// The backends, in the order the script runs them in each round.
const (
	Go    Backend = "go"    // the course's pure-Go GoMLX backend
	XLA   Backend = "xla"   // GoMLX's XLA backend on the CPU plugin
	Torch Backend = "torch" // PyTorch on the CPU (bench/torch_reference.py)
)

// Backends lists the backends in the order the script runs them.
var Backends = []Backend{Go, XLA, Torch}

// ColumnHeader is the line between a results file's header and its runs.
const ColumnHeader = "round model backend images_per_s peak_rss_mb"

// Run is one training run: one net on one backend in one round.
type Run struct {
	Round   int
	Model   string
	Backend Backend
	// Failed is true when the run did not finish (only XLA's may fail); it then has no figures.
	Failed bool
	// ImagesPerSecond is the training throughput over the timed steps.
	ImagesPerSecond float64
	// PeakRSSMiB is the process's peak resident memory in MiB, 0 when unknown.
	PeakRSSMiB float64
}

// Results is one results file of bench/compare.sh.
type Results struct {
	// Name is the file's base name (compare-amd.txt).
	Name string
	Header
	// Torch is the version of PyTorch.
	Torch string
	// Steps is the number of timed steps of each run and Batch its images per step.
	Steps, Batch int
	// Runs are the training runs in the order they ran.
	Runs []Run
}

// ReadDir reads every results file dir/compare-*.txt, in name order; a missing dir holds none.
func ReadDir(dir string) ([]Results, error) { return readDir(dir, "compare-*.txt", Parse) }

// ReadLessonsDir reads every lessons results file dir/lessons-*.txt, in name order; a missing dir
// holds none.
func ReadLessonsDir(dir string) ([]LessonResults, error) {
	return readDir(dir, "lessons-*.txt", ParseLessons)
}

func readDir[R any](dir, pattern string, parse func(string, []byte) (R, error)) ([]R, error) {
	names, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return nil, err
	}
	var all []R
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		r, err := parse(filepath.Base(name), data)
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	return all, nil
}

// Parse reads a results file named name: its header ("key: value" lines), the line [ColumnHeader],
// then a line per run; lines starting with "#" and blank lines are ignored. Every header key must be
// present once and no other; every round must have a run of each net on "go" and "torch" (and on
// "xla" when the header names a plugin), each once, and no other runs.
func Parse(name string, data []byte) (Results, error) {
	r := Results{Name: name}
	err := scan(name, data, ColumnHeader, headerKeys, r.setHeader, func(line string) error {
		run, err := parseRun(line)
		if err != nil {
			return err
		}
		r.Runs = append(r.Runs, run)
		return nil
	})
	if err != nil {
		return Results{}, err
	}
	if err := r.checkRuns(); err != nil {
		return Results{}, fmt.Errorf("compare: %s: %w", name, err)
	}
	return r, nil
}

// headerKeys are the header's keys: the common ones, then bench/compare.sh's own.
var headerKeys = append(commonKeys[:len(commonKeys):len(commonKeys)], "torch", "steps", "batch")

func (r *Results) setHeader(key, value string) error {
	switch key {
	case "torch":
		r.Torch = value
		return nil
	case "steps":
		return positive(key, value, &r.Steps)
	case "batch":
		return positive(key, value, &r.Batch)
	}
	return r.Header.set(key, value, headerKeys)
}

func parseRun(line string) (Run, error) {
	f := strings.Fields(line)
	if len(f) != 5 {
		return Run{}, fmt.Errorf("want %d fields (%s), got %q", 5, ColumnHeader, line)
	}
	var run Run
	var err error
	if run.Round, err = strconv.Atoi(f[0]); err != nil || run.Round < 1 {
		return Run{}, fmt.Errorf("round %q: want a positive integer", f[0])
	}
	run.Model, run.Backend = f[1], Backend(f[2])
	if !slices.Contains(Backends, run.Backend) {
		return Run{}, fmt.Errorf("backend %q: want go, xla or torch", f[2])
	}
	if f[3] == "failed" {
		if run.Backend != XLA || f[4] != "-" {
			return Run{}, fmt.Errorf("only an xla run may fail, with peak_rss_mb \"-\": %q", line)
		}
		run.Failed = true
		return run, nil
	}
	if run.ImagesPerSecond, err = strconv.ParseFloat(f[3], 64); err != nil || !(run.ImagesPerSecond > 0) || math.IsInf(run.ImagesPerSecond, 0) {
		return Run{}, fmt.Errorf("images_per_s %q: want a positive number or \"failed\"", f[3])
	}
	if run.PeakRSSMiB, err = strconv.ParseFloat(f[4], 64); err != nil || !(run.PeakRSSMiB >= 0) || math.IsInf(run.PeakRSSMiB, 0) {
		return Run{}, fmt.Errorf("peak_rss_mb %q: want a number >= 0", f[4])
	}
	return run, nil
}

// checkRuns checks that every round ran every net on every backend the header says, once each.
func (r *Results) checkRuns() error {
	keys := make([]runKey, len(r.Runs))
	for i, run := range r.Runs {
		keys[i] = runKey{run.Round, run.Model, run.Backend}
	}
	backends := []Backend{Go, Torch}
	if r.XLA != "none" {
		backends = []Backend{Go, XLA, Torch}
	}
	return checkGrid(keys, r.Rounds, backends)
}

// Models returns the nets of the runs in the order they first ran.
func (r *Results) Models() []string {
	var models []string
	for _, run := range r.Runs {
		if !slices.Contains(models, run.Model) {
			models = append(models, run.Model)
		}
	}
	return models
}

// runKey identifies a run in a results file: its round, its net or lesson, and its backend.
type runKey struct {
	round   int
	item    string
	backend Backend
}

// checkGrid checks that the runs keys fill the grid of rounds 1..rounds x the items they name x
// backends, each cell once, and nothing outside it.
func checkGrid(keys []runKey, rounds int, backends []Backend) error {
	if len(keys) == 0 {
		return fmt.Errorf("no runs")
	}
	var items []string
	seen := map[runKey]bool{}
	for _, k := range keys {
		switch {
		case k.round > rounds:
			return fmt.Errorf("run %d %s %s: round over the header's %d rounds", k.round, k.item, k.backend, rounds)
		case !slices.Contains(backends, k.backend):
			return fmt.Errorf("run %d %s %s: the header says no XLA plugin was installed", k.round, k.item, k.backend)
		case seen[k]:
			return fmt.Errorf("run %d %s %s given twice", k.round, k.item, k.backend)
		}
		seen[k] = true
		if !slices.Contains(items, k.item) {
			items = append(items, k.item)
		}
	}
	for round := 1; round <= rounds; round++ {
		for _, item := range items {
			for _, b := range backends {
				if !seen[runKey{round, item, b}] {
					return fmt.Errorf("round %d has no %s run of %s", round, b, item)
				}
			}
		}
	}
	return nil
}

// Spread is the median, minimum and maximum of a backend's images per second over the rounds of
// one net; N is the number of runs that finished (0: no figures).
type Spread struct {
	Median, Min, Max float64
	N                int
}

// Summary is one net's figures over the rounds of a results file.
type Summary struct {
	Model string
	// Speed is each backend's images per second.
	Speed map[Backend]Spread
	// Ratio is, for Go and XLA, the median over the rounds of the round's images per second divided
	// by PyTorch's in the same round; NaN when no round has both.
	Ratio map[Backend]float64
	// PeakRSSMiB is each backend's largest peak resident memory over the rounds (0: unknown).
	PeakRSSMiB map[Backend]float64
}

// Summarize returns one Summary per net, in the order the nets ran.
func (r *Results) Summarize() []Summary {
	var out []Summary
	for _, m := range r.Models() {
		s := Summary{Model: m, Speed: map[Backend]Spread{}, Ratio: map[Backend]float64{}, PeakRSSMiB: map[Backend]float64{}}
		speeds := map[Backend][]float64{}
		byRound := map[Backend]map[int]float64{}
		for _, run := range r.Runs {
			if run.Model != m || run.Failed {
				continue
			}
			speeds[run.Backend] = append(speeds[run.Backend], run.ImagesPerSecond)
			if byRound[run.Backend] == nil {
				byRound[run.Backend] = map[int]float64{}
			}
			byRound[run.Backend][run.Round] = run.ImagesPerSecond
			s.PeakRSSMiB[run.Backend] = max(s.PeakRSSMiB[run.Backend], run.PeakRSSMiB)
		}
		for _, b := range Backends {
			v := speeds[b]
			if len(v) == 0 {
				continue
			}
			s.Speed[b] = Spread{Median: Median(v), Min: slices.Min(v), Max: slices.Max(v), N: len(v)}
		}
		for _, b := range []Backend{Go, XLA} {
			var ratios []float64
			for round, v := range byRound[b] {
				if t, ok := byRound[Torch][round]; ok {
					ratios = append(ratios, v/t)
				}
			}
			s.Ratio[b] = Median(ratios)
		}
		out = append(out, s)
	}
	return out
}

// Median returns the median of v (the mean of the two middle values when len(v) is even), NaN for
// none. It does not modify v.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
