package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
)

// Result is what a check found: how many cases it has and, unless all pass, the first that failed.
type Result struct {
	// Exercise is the exercise's name, as in the messages: "IoU", "NMS".
	Exercise string
	// Cases is the number of cases the check runs.
	Cases int
	// Passed is the number of cases passed before the first failure (Cases when all pass).
	Passed int
	// Failure describes the first failing case, "" when all pass:
	// "case 3: IoU({0 0 2 2}, {1 1 3 3}) = 0.25, want 0.142857".
	Failure string
	// Hint names a known mistake that gives the same wrong answer on the failing case, if one does
	// (never for a zero answer, which is what an unfinished stub returns).
	Hint string
}

// OK reports whether every case passed.
func (r Result) OK() bool { return r.Failure == "" }

// String returns "IoU: all 50 cases pass", or "IoU: not yet: " followed by the failure and, on a second
// line, the hint.
func (r Result) String() string {
	if r.OK() {
		return fmt.Sprintf("%s: all %d cases pass", r.Exercise, r.Cases)
	}
	s := fmt.Sprintf("%s: not yet: %s", r.Exercise, r.Failure)
	if r.Hint != "" {
		s += "\n  hint: " + r.Hint
	}
	return s
}

// spec describes one exercise: In is a case's inputs, Out the answer.
type spec[In, Out any] struct {
	name string
	// call formats a case as the student's call: "IoU({0 0 2 2}, {1 1 3 3})".
	call func(In) string
	// want is the reference answer.
	want func(In) Out
	// diff returns "" when got is right, else the rest of the message after the call:
	// " = 0.25, want 0.142857" or ".Recall = 0.5, want 0.666667".
	diff func(got, want Out) string
	// clone returns a copy of a case's inputs that the student's function may modify.
	clone func(In) In
	// mistakes are known wrong answers, each with the hint shown when the student's answer matches it.
	mistakes []mistake[In, Out]
}

// mistake is a plausible wrong answer to an exercise and the hint that explains it.
type mistake[In, Out any] struct {
	hint   string
	answer func(In) Out
}

// check runs student on every case and returns the result of the first failure, or success.
func (s spec[In, Out]) check(cases []In, student func(In) Out) Result {
	r := Result{Exercise: s.name, Cases: len(cases)}
	for i, c := range cases {
		want := s.want(s.clone(c))
		call := s.call(c)
		wrong := make([]Out, len(s.mistakes))
		for k, m := range s.mistakes {
			wrong[k] = m.answer(s.clone(c))
		}
		got, panicked := run(student, s.clone(c))
		if panicked != "" {
			r.Failure = fmt.Sprintf("case %d: %s panicked: %s", i+1, call, panicked)
			return r
		}
		d := s.diff(got, want)
		if d == "" {
			r.Passed++
			continue
		}
		r.Failure = fmt.Sprintf("case %d: %s%s", i+1, call, d)
		if reflect.ValueOf(&got).Elem().IsZero() {
			return r // an unfinished stub's zero answer: no hint
		}
		for k, m := range s.mistakes {
			if s.diff(got, wrong[k]) == "" {
				r.Hint = m.hint
				break
			}
		}
		return r
	}
	return r
}

// run calls f(in), turning a panic into its message.
func run[In, Out any](f func(In) Out, in In) (out Out, panicked string) {
	defer func() {
		if e := recover(); e != nil {
			panicked = fmt.Sprint(e)
		}
	}()
	return f(in), ""
}

// newRand returns the random source of an exercise's cases: fixed, so every run has the same cases.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// near reports whether got is within tol of want, relative to max(1, |want|). NaN is near only NaN
// (no reference answer is NaN; a known mistake's answer can be).
func near(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// diffFloat is the diff of two scalars compared with tol: " = got, want want".
func diffFloat(got, want, tol float64) string {
	if near(got, want, tol) {
		return ""
	}
	return fmt.Sprintf(" = %s, want %s", num(got), num(want))
}

// diffFloats is the diff of two vectors compared element-wise with tol.
func diffFloats[F float32 | float64](got, want []F, tol float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf(" = %s (length %d), want %s (length %d)", nums(got), len(got), nums(want), len(want))
	}
	for i := range got {
		if !near(float64(got[i]), float64(want[i]), tol) {
			return fmt.Sprintf(" = %s, want %s (element %d differs)", nums(got), nums(want), i)
		}
	}
	return ""
}

// num formats a number with 6 significant digits: 0.142857.
func num(v float64) string { return fmt.Sprintf("%.6g", v) }

// nums formats a vector with 4 significant digits per element: [0.8 0 0.2].
func nums[F float32 | float64](v []F) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.4g", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// matrix formats a matrix row by row: [[1 2] [3 4]].
func matrix[F float32 | float64](m [][]F) string {
	parts := make([]string, len(m))
	for i, row := range m {
		parts[i] = nums(row)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// cloneMatrix returns a deep copy of m.
func cloneMatrix[F any](m [][]F) [][]F {
	if m == nil {
		return nil
	}
	out := make([][]F, len(m))
	for i, row := range m {
		out[i] = append([]F(nil), row...)
	}
	return out
}
