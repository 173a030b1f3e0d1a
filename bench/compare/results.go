package compare

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
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
	// Date is when the first round started (UTC).
	Date time.Time
	// CPU is the processor's model name (/proc/cpuinfo) and Cores the cores the machine has (nproc).
	CPU   string
	Cores int
	// CPUs is the list of processors the runs were pinned to (taskset -c).
	CPUs string
	// Load is the machine's load average (1, 5, 15 minutes) before the first round, and Nice the
	// script's niceness: a run worth committing has a low load and niceness 0.
	Load string
	Nice int
	// Commit is the repository's commit the script ran at, Dirty whether tracked files differed from it.
	Commit string
	Dirty  bool
	// Go, GoMLX, Torch and XLA are the versions of the Go toolchain, GoMLX, PyTorch and the XLA CPU
	// plugin ("none" when no plugin was installed).
	Go, GoMLX, Torch, XLA string
	// Steps is the number of timed steps of each run, Batch its images per step, Threads the threads
	// each trainer had (GOMAXPROCS, torch.set_num_threads, and as many processors), Rounds how many
	// times each net ran on each backend.
	Steps, Batch, Threads, Rounds int
	// Runs are the training runs in the order they ran.
	Runs []Run
}

// ReadDir reads every results file dir/compare-*.txt, in name order; a missing dir holds none.
func ReadDir(dir string) ([]Results, error) {
	names, err := filepath.Glob(filepath.Join(dir, "compare-*.txt"))
	if err != nil {
		return nil, err
	}
	var all []Results
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		r, err := Parse(filepath.Base(name), data)
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	return all, nil
}

// Parse reads a results file named name. Lines starting with "#" and blank lines are ignored. Every
// header key must be present once and no other; every round must have a run of each net on "go" and
// "torch" (and on "xla" when the header names a plugin), each once, and no other runs.
func Parse(name string, data []byte) (Results, error) {
	r := Results{Name: name}
	fail := func(line int, format string, args ...any) (Results, error) {
		return Results{}, fmt.Errorf("compare: %s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	seen := map[string]bool{}
	inRuns := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case !inRuns && line == ColumnHeader:
			inRuns = true
			continue
		case !inRuns:
			key, value, ok := strings.Cut(line, ":")
			if !ok {
				return fail(n, "want a \"key: value\" header line or %q, got %q", ColumnHeader, line)
			}
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			if seen[key] {
				return fail(n, "header key %q given twice", key)
			}
			seen[key] = true
			if err := r.setHeader(key, value); err != nil {
				return fail(n, "%v", err)
			}
			continue
		}
		run, err := parseRun(line)
		if err != nil {
			return fail(n, "%v", err)
		}
		r.Runs = append(r.Runs, run)
	}
	if err := sc.Err(); err != nil {
		return Results{}, fmt.Errorf("compare: %s: %w", name, err)
	}
	for _, key := range headerKeys {
		if !seen[key] {
			return fail(n, "header key %q missing", key)
		}
	}
	if !inRuns {
		return fail(n, "no %q line", ColumnHeader)
	}
	if err := r.checkRuns(); err != nil {
		return Results{}, fmt.Errorf("compare: %s: %w", name, err)
	}
	return r, nil
}

// headerKeys are the header's keys, in the order bench/compare.sh writes them.
var headerKeys = []string{"date", "cpu", "cores", "cpus", "load", "nice", "commit", "dirty", "go", "gomlx",
	"torch", "xla", "steps", "batch", "threads", "rounds"}

func (r *Results) setHeader(key, value string) error {
	var err error
	positive := func(dst *int) {
		if *dst, err = strconv.Atoi(value); err == nil && *dst < 1 {
			err = fmt.Errorf("want a positive integer")
		}
	}
	switch key {
	case "date":
		r.Date, err = time.Parse(time.RFC3339, value)
	case "cpu":
		r.CPU = value
	case "cores":
		positive(&r.Cores)
	case "cpus":
		r.CPUs = value
	case "load":
		r.Load = value
	case "nice":
		r.Nice, err = strconv.Atoi(value)
	case "commit":
		r.Commit = value
	case "dirty":
		r.Dirty, err = strconv.ParseBool(value)
	case "go":
		r.Go = value
	case "gomlx":
		r.GoMLX = value
	case "torch":
		r.Torch = value
	case "xla":
		r.XLA = value
	case "steps":
		positive(&r.Steps)
	case "batch":
		positive(&r.Batch)
	case "threads":
		positive(&r.Threads)
	case "rounds":
		positive(&r.Rounds)
	default:
		return fmt.Errorf("unknown header key %q, want one of %s", key, strings.Join(headerKeys, ", "))
	}
	if err == nil && value == "" {
		err = fmt.Errorf("empty value")
	}
	if err != nil {
		return fmt.Errorf("header %s: %q: %v", key, value, err)
	}
	return nil
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
	models := r.Models()
	if len(models) == 0 {
		return fmt.Errorf("no runs")
	}
	backends := []Backend{Go, Torch}
	if r.XLA != "none" {
		backends = []Backend{Go, XLA, Torch}
	}
	type key struct {
		round   int
		model   string
		backend Backend
	}
	seen := map[key]bool{}
	for _, run := range r.Runs {
		k := key{run.Round, run.Model, run.Backend}
		switch {
		case run.Round > r.Rounds:
			return fmt.Errorf("run %d %s %s: round over the header's %d rounds", run.Round, run.Model, run.Backend, r.Rounds)
		case !slices.Contains(backends, run.Backend):
			return fmt.Errorf("run %d %s %s: the header says no XLA plugin was installed", run.Round, run.Model, run.Backend)
		case seen[k]:
			return fmt.Errorf("run %d %s %s given twice", run.Round, run.Model, run.Backend)
		}
		seen[k] = true
	}
	for round := 1; round <= r.Rounds; round++ {
		for _, m := range models {
			for _, b := range backends {
				if !seen[key{round, m, b}] {
					return fmt.Errorf("round %d has no %s run of %s", round, b, m)
				}
			}
		}
	}
	return nil
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
