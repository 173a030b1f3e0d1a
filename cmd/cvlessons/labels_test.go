package main

import (
	"bytes"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// distinctLabels returns n lines "0\n1\n...", every label distinct: the 100,000-label file of
// issue 17 is distinctLabels(100000), 588,890 bytes.
func distinctLabels(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

func TestReadLabels(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // nil when an error is expected
		err      string   // substring of the error, which also names the file
	}{
		{"plain", "cat\ndog\n", []string{"cat", "dog"}, ""},
		{"no final newline", "cat\ndog", []string{"cat", "dog"}, ""},
		{"utf-8 byte-order mark", "\uFEFFcat\ndog\n", []string{"cat", "dog"}, ""},
		{"crlf", "cat\r\ndog\r\n", []string{"cat", "dog"}, ""},
		{"spaces around", "  cat \t\n\tdog  \r\n", []string{"cat", "dog"}, ""},
		{"space inside kept", "tabby cat\ndog\n", []string{"tabby cat", "dog"}, ""},
		{"trailing blank lines", "cat\ndog\n\n \n\r\n", []string{"cat", "dog"}, ""},
		{"same spelling twice", "1\n1\n01\n", nil, `line 3: label "01" is the same number as label "1" on labels.txt line 1`},
		{"different numbers", "1\n10\n100\n-1\n", []string{"1", "10", "100", "-1"}, ""},
		{"non-ascii", "chat noir\n猫\n", []string{"chat noir", "猫"}, ""},
		{"max length label", strings.Repeat("x", maxLabelBytes), []string{strings.Repeat("x", maxLabelBytes)}, ""},
		{"max distinct labels", distinctLabels(metrics.MaxLabels), nil, ""},

		{"empty file", "", nil, "labels.txt has no labels"},
		{"only blank lines", "\n\n  \n", nil, "labels.txt has no labels"},
		{"only a byte-order mark", "\uFEFF\n", nil, "labels.txt has no labels"},
		{"blank line in the middle", "cat\n\ndog\n", nil, "labels.txt line 2: blank line before the label on line 3"},
		{"spaces line in the middle", "cat\n \t\r\ndog\n", nil, "labels.txt line 2: blank line"},
		{"blank first line", "\ncat\n", nil, "labels.txt line 1: blank line before the label on line 2"},
		{"byte-order mark then blank line", "\uFEFF\ncat\n", nil, "labels.txt line 1: blank line"},
		{"utf-16 little endian", "\xFF\xFEc\x00a\x00t\x00\n\x00", nil, "labels.txt is UTF-16 text (it starts with the byte-order mark FF FE)"},
		{"utf-16 big endian", "\xFE\xFF\x00c\x00a\x00t\n", nil, "UTF-16"},
		{"latin-1", "caf\xe9\n", nil, `labels.txt line 1: label "caf\xe9" is not valid UTF-8`},
		{"tab inside", "cat\n1\t0\n", nil, `labels.txt line 2: label "1\t0" holds the control character U+0009`},
		{"carriage returns only", "cat\rdog\rpig\r", nil, "U+000D"},
		{"nul byte", "ca\x00t\n", nil, "U+0000"},
		{"byte-order mark inside", "cat\n\uFEFFdog\n", nil, `labels.txt line 2: label "\ufeffdog" holds a byte-order mark`},
		{"label too long", "cat\n" + strings.Repeat("x", maxLabelBytes+1) + "\n", nil, "labels.txt line 2: label of 1025 bytes, over the limit of 1024"},
		{"line too long", "cat\n" + strings.Repeat(" ", maxLineBytes+1) + "\n", nil, "labels.txt line 2 is longer than 65536 bytes"},
		{"leading zero", "1\n01\n", nil, `labels.txt line 2: label "01" is the same number as label "1" on labels.txt line 1`},
		{"plus sign", "1\n2\n+1\n", nil, `line 3: label "+1" is the same number as label "1" on labels.txt line 1`},
		{"one, zero-one, plus-one", "+1\n01\n1\n", nil, `line 2: label "01" is the same number as label "+1" on labels.txt line 1`},
		{"decimal point", "1\n1.0\n", nil, `label "1.0" is the same number`},
		{"exponent", "100\n1e2\n", nil, `label "1e2" is the same number as label "100"`},
		{"negative zero", "0\n-0\n", nil, `label "-0" is the same number as label "0"`},
		{"distinct labels over the limit", distinctLabels(metrics.MaxLabels + 1), nil,
			fmt.Sprintf(`labels.txt line %d: label "%d" makes %d distinct labels, over the limit of %d`, metrics.MaxLabels+1, metrics.MaxLabels, metrics.MaxLabels+1, metrics.MaxLabels)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := newLabelReader().read(strings.NewReader(tc.in), "labels.txt")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "metrics: ") {
					t.Fatalf("read error = %v, want a metrics: error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if tc.want != nil && !slices.Equal(got, tc.want) {
				t.Errorf("read = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadLabelsAcrossFiles: one run spells each number one way over both files.
func TestReadLabelsAcrossFiles(t *testing.T) {
	tests := []struct {
		name, true, pred, err string
	}{
		{"same spellings", "1\n2\n", "2\n1\n", ""},
		{"leading zero in pred", "1\n2\n", "2\n01\n", `pred.txt line 2: label "01" is the same number as label "1" on true.txt line 1`},
		{"plus sign in pred", "0\n+1\n", "1\n0\n", `pred.txt line 1: label "1" is the same number as label "+1" on true.txt line 2`},
		{"union over the limit", distinctLabels(metrics.MaxLabels), "cat\n",
			fmt.Sprintf("pred.txt line 1: label \"cat\" makes %d distinct labels, over the limit of %d", metrics.MaxLabels+1, metrics.MaxLabels)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := newLabelReader()
			_, err := lr.read(strings.NewReader(tc.true), "true.txt")
			if err != nil {
				t.Fatalf("true file: %v", err)
			}
			_, err = lr.read(strings.NewReader(tc.pred), "pred.txt")
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("pred file: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("pred file error = %v, want one containing %q", err, tc.err)
			}
		})
	}
}

func TestNumberKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool // by hand
	}{
		{"1", "01", true},
		{"1", "+1", true},
		{"1", "1.", true},
		{"1", "1.000", true},
		{"1", "1e0", true},
		{"100", "1E2", true},
		{"100", "1e+2", true},
		{"0.5", ".5", true},
		{"0.5", "5e-1", true},
		{"0", "-0", true},
		{"0", "000.000e7", true},
		{"-1", "-01", true},
		{"1", "-1", false},
		{"1", "10", false},
		{"10", "1e-1", false},
		{"0.1", "0.01", false},
		{"9007199254740993", "9007199254740992", false}, // equal as float64
		{"123456789012345678901234567890", "123456789012345678901234567891", false},
	}
	for _, tc := range tests {
		ka, oka := numberKey(tc.a)
		kb, okb := numberKey(tc.b)
		if !oka || !okb {
			t.Errorf("numberKey(%q), numberKey(%q): ok %v, %v, want both numbers", tc.a, tc.b, oka, okb)
			continue
		}
		if (ka == kb) != tc.same {
			t.Errorf("numberKey(%q) = %q, numberKey(%q) = %q; same %v, want %v", tc.a, ka, tc.b, kb, ka == kb, tc.same)
		}
	}
	for _, word := range []string{"", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1_000", "inf", "NaN", "1 0", "١", "1e99999999999"} {
		if k, ok := numberKey(word); ok {
			t.Errorf("numberKey(%q) = %q, true; want a word (false)", word, k)
		}
	}
}

// TestMetricsCommandHostile runs each label-file case of issue 17 through the command.
func TestMetricsCommandHostile(t *testing.T) {
	tests := []struct {
		name, true, pred string
		code             int
		stdout, stderr   string // substrings; the file named in stderr is given as NAME
	}{
		{"byte-order mark", "\uFEFFcat\ndog\n", "cat\ndog\n", 0, "accuracy                           1.00         2", ""},
		{"crlf and spaces", "cat \r\ndog\r\n", "cat\ndog\t\n", 0, "accuracy                           1.00         2", ""},
		{"one, zero-one, plus-one", "1\n01\n+1\n", "1\n1\n1\n", 1, "",
			`cvlessons: metrics: NAME line 2: label "01" is the same number as label "1" on NAME line 1`},
		{"blank line in the middle", "cat\n\ndog\npig\n", "cat\ndog\npig\n", 1, "", "cvlessons: metrics: NAME line 2: blank line before the label on line 3"},
		{"100,000 distinct labels", distinctLabels(100000), distinctLabels(100000), 1, "",
			fmt.Sprintf(`cvlessons: metrics: NAME line %d: label "%d" makes %d distinct labels, over the limit of %d`, metrics.MaxLabels+1, metrics.MaxLabels, metrics.MaxLabels+1, metrics.MaxLabels)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tp, pp := filepath.Join(dir, "y_true.txt"), filepath.Join(dir, "y_pred.txt")
			if err := os.WriteFile(tp, []byte(tc.true), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(pp, []byte(tc.pred), 0o600); err != nil {
				t.Fatal(err)
			}
			alloc := allocated(func() {
				code, out, errOut := runCLI("metrics", "--true", tp, "--pred", pp)
				wantErr := strings.ReplaceAll(tc.stderr, "NAME", tp)
				if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, wantErr) {
					t.Errorf("exit %d, stdout\n%s\nstderr %q\nwant exit %d, stdout containing %q, stderr containing %q", code, out, errOut, tc.code, tc.stdout, wantErr)
				}
			})
			// The 100,000-label file is 588,890 bytes; refused, it may cost a small multiple of
			// that, never the 80 GB of a dense 100000x100000 matrix.
			if limit := uint64(64 << 20); alloc > limit {
				t.Errorf("allocated %d bytes, want at most %d", alloc, limit)
			}
		})
	}
}

// allocated returns the bytes f allocates on the heap (all goroutines; the tests here run alone).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzReadLabels: any pair of files is read or refused with a metrics: error, never a panic;
// accepted labels are trimmed, non-empty, printable UTF-8 of at most maxLabelBytes, one per
// non-blank line, with at most metrics.MaxLabels distinct and one spelling per number; the
// confusion matrix of two accepted files of equal length can always be built; and memory stays
// within a multiple of the input plus the K×K matrix.
func FuzzReadLabels(f *testing.F) {
	for _, seed := range [][2]string{
		{"cat\ndog\n", "cat\ncat\n"},
		{"\uFEFF1\r\n2\r\n", "1\n2"},
		{"1\n01\n+1\n", "1\n1\n1\n"},
		{"a\n\nb\n", "a\nb\n"},
		{"\xFF\xFEa\x00", "a"},
		{"1.0\n1e0\n", "-0\n0\n"},
		{"a\tb\n", "a\rb"},
		{distinctLabels(300), distinctLabels(300)},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var yTrue, yPred []string
		var errA, errB error
		var cm *metrics.ConfusionMatrix
		alloc := allocated(func() {
			lr := newLabelReader()
			yTrue, errA = lr.read(bytes.NewReader(a), "a.txt")
			if errA == nil {
				yPred, errB = lr.read(bytes.NewReader(b), "b.txt")
			}
			if errA == nil && errB == nil && len(yTrue) == len(yPred) {
				var err error
				if cm, err = metrics.ConfusionMatrixOf(yTrue, yPred); err != nil {
					t.Errorf("ConfusionMatrixOf of accepted files: %v", err)
				}
			}
		})
		for _, err := range []error{errA, errB} {
			if err != nil && !strings.HasPrefix(err.Error(), "metrics: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		}
		k := 0
		if cm != nil {
			k = len(cm.Labels())
		}
		if limit := 256*uint64(len(a)+len(b)) + 16*uint64(k*k) + 1<<20; alloc > limit {
			t.Errorf("allocated %d bytes for %d+%d bytes of input and %d labels, want at most %d", alloc, len(a), len(b), k, limit)
		}
		numbers := make(map[string]string)
		distinct := make(map[string]bool)
		for _, labels := range [][]string{yTrue, yPred} {
			for _, l := range labels {
				checkAcceptedLabel(t, l)
				distinct[l] = true
				if key, ok := numberKey(l); ok {
					if other, seen := numbers[key]; seen && other != l {
						t.Errorf("accepted %q and %q, the same number", other, l)
					}
					numbers[key] = l
				}
			}
		}
		if len(distinct) > metrics.MaxLabels {
			t.Errorf("accepted %d distinct labels, over the limit of %d", len(distinct), metrics.MaxLabels)
		}
		if errA == nil && len(yTrue) > bytes.Count(a, []byte("\n"))+1 {
			t.Errorf("%d labels from %d lines", len(yTrue), bytes.Count(a, []byte("\n"))+1)
		}
	})
}

func checkAcceptedLabel(t *testing.T, l string) {
	t.Helper()
	if l == "" || l != strings.TrimSpace(l) || len(l) > maxLabelBytes || !utf8.ValidString(l) {
		t.Errorf("accepted label %q: want trimmed, non-empty, valid UTF-8, at most %d bytes", l, maxLabelBytes)
	}
	if strings.ContainsFunc(l, func(r rune) bool { return unicode.IsControl(r) || r == '\uFEFF' }) {
		t.Errorf("accepted label %q holds a control character or a byte-order mark", l)
	}
}

// FuzzNumberKey: two decimal spellings have the same key exactly when they are the same number,
// checked with exact rational arithmetic (math/big) on inputs with small exponents.
func FuzzNumberKey(f *testing.F) {
	for _, seed := range [][2]string{{"1", "01"}, {"+1", "1.0"}, {"1e2", "100"}, {"0", "-0.0"}, {".5", "5e-1"}, {"1", "x"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ka, oka := numberKey(a)
		kb, okb := numberKey(b)
		ra, rb := smallDecimal(a), smallDecimal(b)
		if ra == nil || rb == nil || !oka || !okb {
			return
		}
		if same := ra.Cmp(rb) == 0; (ka == kb) != same {
			t.Errorf("numberKey(%q) = %q, numberKey(%q) = %q, want equal keys exactly when the numbers are equal (%v)", a, ka, b, kb, same)
		}
	})
}

// smallDecimal parses s as a decimal number of at most 40 characters with an exponent of at most
// two digits, without fractions ("1/2") or other bases, or returns nil.
func smallDecimal(s string) *big.Rat {
	if len(s) > 40 || strings.ContainsAny(s, "/xXoObBpP_") {
		return nil
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 2 {
		return nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}
