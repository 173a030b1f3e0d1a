package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/measurements"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// recordRun writes a lesson run to dir/LESSON.PRESET.json (atomically), with the machine, the date,
// the commit, the backend and the duration, for the README's generated tables and the lessons'
// claim tests.
func recordRun(dir, lesson string, preset lessons.Preset, start time.Time, elapsed time.Duration, steps int, res lessons.Result) (string, error) {
	report, err := json.Marshal(res)
	if err != nil {
		return "", fmt.Errorf("record: encoding the report: %w", err)
	}
	commit, dirty := gitState(lesson)
	r := measurements.Run{
		Lesson: lesson, Preset: string(preset), Date: start.UTC().Truncate(time.Second),
		Commit: commit, Dirty: dirty, Backend: backend.Choose().Config,
		Machine: measurements.Machine{CPU: cpuModel(), Cores: runtime.GOMAXPROCS(0), OS: runtime.GOOS, Arch: runtime.GOARCH,
			Go: runtime.Version(), Kernels: backend.GEMMKernels()},
		Seconds: elapsed.Seconds(), Steps: steps, Summary: res.Summary(), Report: report,
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	path := filepath.Join(dir, measurements.FileName(lesson, string(preset)))
	if err := plot.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	return path, nil
}

// gitState returns the repository's HEAD and whether the files a lesson is built from (its
// package, the building blocks, go.mod) have uncommitted changes; "" when git or the repository is
// not there.
func gitState(lesson string) (commit string, dirty bool) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", true
	}
	commit = strings.TrimSpace(string(out))
	st, err := exec.Command("git", "status", "--porcelain", "--", "lessons/"+lesson, "lessons/lessons.go",
		"pkg", "datasets", "go.mod", "go.sum").Output()
	return commit, err != nil || len(strings.TrimSpace(string(st))) > 0
}

// cpuModel is the first "model name" of /proc/cpuinfo, or GOARCH where there is none.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
