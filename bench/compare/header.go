package compare

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header is what every results file's header says about the machine, the software and the run
// (bench/machine.sh writes its common lines).
type Header struct {
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
	// Go, GoMLX and XLA are the versions of the Go toolchain, GoMLX and the XLA CPU plugin ("none"
	// when no plugin was installed).
	Go, GoMLX, XLA string
	// Threads is the threads each run had (GOMAXPROCS, and as many processors), Rounds how many
	// times each run was repeated on each backend.
	Threads, Rounds int
}

// commonKeys are the keys of a Header, in the order the scripts write them.
var commonKeys = []string{"date", "cpu", "cores", "cpus", "load", "nice", "commit", "dirty", "go", "gomlx",
	"xla", "threads", "rounds"}

// set sets the field of key; keys lists every key the file may have, for the error about others.
func (h *Header) set(key, value string, keys []string) error {
	var err error
	switch key {
	case "date":
		h.Date, err = time.Parse(time.RFC3339, value)
	case "cpu":
		h.CPU = value
	case "cores":
		return positive(key, value, &h.Cores)
	case "cpus":
		h.CPUs = value
	case "load":
		h.Load = value
	case "nice":
		h.Nice, err = strconv.Atoi(value)
	case "commit":
		h.Commit = value
	case "dirty":
		h.Dirty, err = strconv.ParseBool(value)
	case "go":
		h.Go = value
	case "gomlx":
		h.GoMLX = value
	case "xla":
		h.XLA = value
	case "threads":
		return positive(key, value, &h.Threads)
	case "rounds":
		return positive(key, value, &h.Rounds)
	default:
		return fmt.Errorf("unknown header key %q, want one of %s", key, strings.Join(keys, ", "))
	}
	if err != nil {
		return fmt.Errorf("header %s: %q: %v", key, value, err)
	}
	return nil
}

// positive parses a header value that must be a positive integer into dst.
func positive(key, value string, dst *int) error {
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 {
		return fmt.Errorf("header %s: %q: want a positive integer", key, value)
	}
	*dst = n
	return nil
}

// scan reads a results file named name: lines starting with "#" and blank lines are ignored; then
// come header lines "key: value", each given to setHeader, up to the line columns; every later line
// is given to addRun. Every key in keys must be given once, with a value, and the columns line must
// be there. Errors name the file and line.
func scan(name string, data []byte, columns string, keys []string, setHeader func(key, value string) error, addRun func(line string) error) error {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("compare: %s:%d: %s", name, line, fmt.Sprintf(format, args...))
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
		case !inRuns && line == columns:
			inRuns = true
			continue
		case !inRuns:
			key, value, ok := strings.Cut(line, ":")
			if !ok {
				return fail(n, "want a \"key: value\" header line or %q, got %q", columns, line)
			}
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			if seen[key] {
				return fail(n, "header key %q given twice", key)
			}
			seen[key] = true
			if value == "" {
				return fail(n, "header %s: empty value", key)
			}
			if err := setHeader(key, value); err != nil {
				return fail(n, "%v", err)
			}
			continue
		}
		if err := addRun(line); err != nil {
			return fail(n, "%v", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("compare: %s: %w", name, err)
	}
	for _, key := range keys {
		if !seen[key] {
			return fail(n, "header key %q missing", key)
		}
	}
	if !inRuns {
		return fail(n, "no %q line", columns)
	}
	return nil
}
