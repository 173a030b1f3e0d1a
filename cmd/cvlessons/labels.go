package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// Limits of a label file. A label longer than maxLabelBytes widens every row of the text report,
// so it is refused rather than printed 4096 times; a line longer than maxLineBytes is refused
// before it is held in memory.
const (
	maxLabelBytes = 1024
	maxLineBytes  = 64 << 10
)

// utf8BOM is the byte-order mark some editors (Notepad, Excel's "CSV UTF-8") write at the start of
// a UTF-8 file.
const utf8BOM = "\uFEFF"

// labelReader reads the label files of one metrics run, one label per line. Lines end in "\n" or
// "\r\n"; a UTF-8 byte-order mark at the start of a file and spaces around a label are dropped.
// It refuses, naming the file and line: a blank line followed by a label (it would shift every
// later label against the other file; blank lines at the end are ignored), a file with no label,
// text that is not UTF-8 or holds control characters or a byte-order mark inside a label, a label
// over maxLabelBytes, more than metrics.MaxLabels distinct labels over all files of the run, and
// two spellings of one number ("1", "01", "+1", "1.0") anywhere in the run, which would otherwise
// be counted as different classes.
type labelReader struct {
	// numbers maps the canonical form of each numeric label (see numberKey) to where it was first
	// seen.
	numbers map[string]labelSite
	// distinct holds every distinct label read so far, at most metrics.MaxLabels of them.
	distinct map[string]bool
}

// labelSite is where a label was read: file name and line number, counted from 1.
type labelSite struct {
	file  string
	line  int
	label string
}

func newLabelReader() *labelReader {
	return &labelReader{numbers: make(map[string]labelSite), distinct: make(map[string]bool)}
}

// readFile opens path and reads its labels; errors name the path.
func (lr *labelReader) readFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer f.Close()
	return lr.read(f, path)
}

// read reads one label per line from r; name is the file's name in errors. See labelReader for
// what it accepts. Memory is proportional to the input: one string per line, and the run's
// distinct labels, at most metrics.MaxLabels.
func (lr *labelReader) read(r io.Reader, name string) ([]string, error) {
	var labels []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	line, firstBlank := 0, 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
				return nil, fmt.Errorf("metrics: %s is UTF-16 text (it starts with the byte-order mark % X), want UTF-8", name, b[:2])
			}
			b = bytes.TrimPrefix(b, []byte(utf8BOM))
		}
		label := string(bytes.TrimSpace(b))
		if label == "" {
			if firstBlank == 0 {
				firstBlank = line
			}
			continue
		}
		if firstBlank != 0 {
			return nil, fmt.Errorf("metrics: %s line %d: blank line before the label on line %d, want one label on every line (a skipped line would pair every later label with the wrong sample)", name, firstBlank, line)
		}
		if err := lr.add(label, labelSite{file: name, line: line, label: label}); err != nil {
			return nil, fmt.Errorf("metrics: %s line %d: %w", name, line, err)
		}
		labels = append(labels, label)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("metrics: %s line %d is longer than %d bytes, want one label per line", name, line+1, maxLineBytes)
		}
		return nil, fmt.Errorf("metrics: reading %s: %w", name, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("metrics: %s has no labels, want one label per line", name)
	}
	return labels, nil
}

// add checks one trimmed, non-empty label read at site and records it.
func (lr *labelReader) add(label string, site labelSite) error {
	if len(label) > maxLabelBytes {
		return fmt.Errorf("label of %d bytes, over the limit of %d", len(label), maxLabelBytes)
	}
	if !utf8.ValidString(label) {
		return fmt.Errorf("label %q is not valid UTF-8, want UTF-8 text", label)
	}
	for _, r := range label {
		switch {
		case r == '\uFEFF':
			return fmt.Errorf("label %q holds a byte-order mark (U+FEFF), want none inside a label", label)
		case unicode.IsControl(r):
			return fmt.Errorf("label %q holds the control character %U, want one label per line and no tabs or other control characters", label, r)
		}
	}
	if key, ok := numberKey(label); ok {
		if first, seen := lr.numbers[key]; !seen {
			lr.numbers[key] = site
		} else if first.label != label {
			return fmt.Errorf("label %q is the same number as label %q on %s line %d, want one spelling per class (they would count as two classes)", label, first.label, first.file, first.line)
		}
	}
	if !lr.distinct[label] {
		if len(lr.distinct) == metrics.MaxLabels {
			return fmt.Errorf("label %q makes %d distinct labels, over the limit of %d (the confusion matrix is dense: K×K counts for K labels)", label, metrics.MaxLabels+1, metrics.MaxLabels)
		}
		lr.distinct[label] = true
	}
	return nil
}

// numberKey returns a canonical form of a label written as a decimal number (an optional sign,
// digits with an optional point, an optional exponent: "1", "01", "+1", "1.0", "1e0", ".5"), equal
// for two labels exactly when they are the same number; ok is false for any other label. It
// works on the digits, never on a float64, so that 9007199254740993 and 9007199254740992 differ.
func numberKey(s string) (key string, ok bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp10 := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e := s[i+1:]
		if len(e) > 0 && (e[0] == '+' || e[0] == '-') {
			if !allDigits(e[1:]) {
				return "", false
			}
		} else if !allDigits(e) {
			return "", false
		}
		v, err := strconv.ParseInt(e, 10, 32)
		if err != nil {
			return "", false // an exponent beyond ±2³¹: treated as a word
		}
		exp10 = v
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart+frac == "" || (intPart != "" && !allDigits(intPart)) || (frac != "" && !allDigits(frac)) {
		return "", false
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp10 -= int64(len(frac))
	trimmed := strings.TrimRight(digits, "0")
	exp10 += int64(len(digits) - len(trimmed))
	if trimmed == "" {
		return "0", true // 0, -0, +0.0 and 0e5 are one number
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + strconv.FormatInt(exp10, 10), true
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
