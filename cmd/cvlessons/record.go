package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/lessons/detection"
	"github.com/cvlessons/cvlessons/measurements"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// recordRun writes a lesson run to dir/LESSON.PRESET.json (atomically), with the machine, the date,
// the commit, the backend and the duration, for the README's generated tables and the lessons'
// claim tests.
//
// Paths in the report name no folder of the recording machine: those inside the run's output
// folder outDir are made relative to it, other absolute paths are shortened to ".../" and their
// last two elements (see portablePaths).
func recordRun(dir, outDir string, entry lessons.Entry, preset lessons.Preset, start time.Time, elapsed time.Duration, steps int, res lessons.Result) (string, error) {
	report, err := json.Marshal(res)
	if err != nil {
		return "", fmt.Errorf("record: encoding the report: %w", err)
	}
	report = portablePaths(report, outDir)
	pkgDir := entryPackageDir(entry)
	commit, dirty := gitState(pkgDir, buildRevision())
	r := measurements.Run{
		Lesson: entry.Name, Preset: string(preset), Date: start.UTC().Truncate(time.Second),
		Commit: commit, Dirty: dirty, Backend: backend.Choose().Config,
		Machine: measurements.Machine{CPU: cpuModel(), Cores: runtime.GOMAXPROCS(0), OS: runtime.GOOS, Arch: runtime.GOARCH,
			Go: runtime.Version(), Kernels: backend.GEMMKernels()},
		Seconds: elapsed.Seconds(), Steps: steps, Summary: res.Summary(), Report: report,
	}
	if pkgDir != r.PackageDir() {
		r.Package = pkgDir
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	path := filepath.Join(dir, measurements.FileName(entry.Name, string(preset)))
	if err := plot.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return "", fmt.Errorf("record: %w", err)
	}
	return path, nil
}

// jsonStringToken matches one JSON string token, escapes included; matched from the start of a
// document, successive matches are exactly its strings.
var jsonStringToken = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// portablePaths rewrites the absolute paths in the JSON document doc so that a committed record
// names no folder of the machine that made it: a path inside outDir becomes relative to outDir
// (figure files: "vgg/curves.png" under the run's --out), any other absolute path of a file or
// folder that exists becomes ".../" and its last two elements (a data folder:
// ".../hymenoptera_data/train"). Other strings (keys, text, relative paths, names that only look
// like paths, such as the layer scope "/stage1/block0/conv1/conv") are left alone.
func portablePaths(doc []byte, outDir string) []byte {
	abs, err := filepath.Abs(outDir)
	if err != nil {
		abs = outDir
	}
	return jsonStringToken.ReplaceAllFunc(doc, func(tok []byte) []byte {
		var p string
		if json.Unmarshal(tok, &p) != nil || !strings.HasPrefix(p, "/") || strings.Contains(p, "\n") {
			return tok
		}
		if rel, err := filepath.Rel(abs, p); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return jsonString(filepath.ToSlash(rel))
		}
		if _, err := os.Lstat(p); err != nil {
			return tok // Not a path of this machine.
		}
		parts := strings.Split(strings.Trim(p, "/"), "/")
		if len(parts) > 2 {
			parts = parts[len(parts)-2:]
		}
		return jsonString(".../" + strings.Join(parts, "/"))
	})
}

// jsonString encodes s as a JSON string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // A string always encodes.
	return b
}

// entryPackageDir returns the folder, relative to the module's root, of the package that implements
// the lesson: lessons/<Name>, except for the YOLO v1 study, a second lesson of the detection package.
func entryPackageDir(e lessons.Entry) string {
	if e.Name == detection.YOLOStudyEntry().Name {
		return "lessons/detection"
	}
	return "lessons/" + e.Name
}

// gitState returns the commit a run of the lesson in package folder pkgDir ("lessons/vgg") is
// recorded at, and whether the files the lesson is built from (measurements.LessonSources: its packages, go.mod and go.sum, without tests and test
// data) may differ from that commit. The commit is the one the running binary was built from when
// go build stamped it (rev), else the repository's HEAD; with rev, those files in the working tree
// are compared with rev, so a commit made while a long lesson ran cannot pass for the code that
// ran. "" when git or the repository is not there.
func gitState(pkgDir, rev string) (commit string, dirty bool) {
	git := func(dir string, args ...string) *exec.Cmd {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		return cmd
	}
	top, err := git("", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", true
	}
	root := strings.TrimSpace(string(top))
	paths, err := measurements.LessonSources(root, pkgDir)
	if err != nil { // No go command or no module: every folder a lesson may be built from.
		paths = []string{pkgDir, "lessons/lessons.go", "pkg", "datasets", "go.mod", "go.sum",
			":(exclude)*_test.go", ":(exclude)**/testdata/**"}
	}
	out, err := git(root, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", true
	}
	commit = strings.TrimSpace(string(out))
	st, err := git(root, append([]string{"status", "--porcelain", "--"}, paths...)...).Output()
	dirty = err != nil || len(strings.TrimSpace(string(st))) > 0
	if rev != "" && rev != commit {
		changed := git(root, append([]string{"diff", "--quiet", rev, "--"}, paths...)...).Run()
		commit, dirty = rev, dirty || changed != nil
	}
	return commit, dirty
}

// buildRevision is the commit the running binary was built from, as go build stamps it ("" when
// it did not: go run, or a build outside a repository).
func buildRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
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
