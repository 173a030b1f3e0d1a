package metrics

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestConfusionMatrixErrors(t *testing.T) {
	cases := []struct {
		name         string
		yTrue, yPred []string
		want         string // substring of the error
	}{
		{"mismatched lengths", []string{"a", "b"}, []string{"a"}, "2 true labels but 1 predicted"},
		{"empty", nil, nil, "no labels given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ConfusionMatrixOf(c.yTrue, c.yPred)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ConfusionMatrixOf error = %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := NewConfusionMatrix([]string{"a", "a"}); err == nil {
		t.Error("NewConfusionMatrix with a repeated label: got nil error")
	}
	if _, err := NewConfusionMatrix(nil); err == nil {
		t.Error("NewConfusionMatrix with no labels: got nil error")
	}
	cm, _ := NewConfusionMatrix([]string{"cat", "dog"})
	if err := cm.Add("cat", "bird"); err == nil || !strings.Contains(err.Error(), `"bird"`) {
		t.Errorf("Add with an unknown label: error %v, want one naming \"bird\"", err)
	}
	if cm.Total() != 0 {
		t.Errorf("a failed Add counted a sample: Total() = %d", cm.Total())
	}
}

// TestConfusionMatrixLabelLimit: a dense K×K matrix is refused past MaxLabels labels before it
// is allocated (issue 17: 100,000 distinct labels asked for 80 GB), and allowed exactly at it.
func TestConfusionMatrixLabelLimit(t *testing.T) {
	numbers := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strconv.Itoa(i)
		}
		return out
	}
	tests := []struct {
		name  string
		build func() (*ConfusionMatrix, error)
		want  string // substring of the error; "" for none
	}{
		{"NewConfusionMatrix at the limit", func() (*ConfusionMatrix, error) { return NewConfusionMatrix(numbers(MaxLabels)) }, ""},
		{"NewConfusionMatrix one over", func() (*ConfusionMatrix, error) { return NewConfusionMatrix(numbers(MaxLabels + 1)) },
			fmt.Sprintf("metrics: %d distinct labels, over the limit of %d (a dense confusion matrix of %dx%d counts)", MaxLabels+1, MaxLabels, MaxLabels+1, MaxLabels+1)},
		{"NewConfusionMatrix 100,000", func() (*ConfusionMatrix, error) { return NewConfusionMatrix(numbers(100000)) }, "100000 distinct labels, over the limit of 4096"},
		{"ConfusionMatrixOf 100,000", func() (*ConfusionMatrix, error) { return ConfusionMatrixOf(numbers(100000), numbers(100000)) }, "100000 distinct labels"},
		{"ConfusionMatrixOf union over", func() (*ConfusionMatrix, error) {
			yt := numbers(MaxLabels)
			yp := slices.Clone(yt)
			yp[0] = "cat"
			return ConfusionMatrixOf(yt, yp)
		}, fmt.Sprintf("%d distinct labels", MaxLabels+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cm, err := tc.build()
			runtime.ReadMemStats(&after)
			if tc.want == "" {
				if err != nil || len(cm.Labels()) != MaxLabels {
					t.Fatalf("error %v, want a %d-label matrix", err, MaxLabels)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
			// The inputs are at most 100,000 short strings; refusing costs a few MB.
			if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(64<<20); got > limit {
				t.Errorf("allocated %d bytes before refusing, want at most %d", got, limit)
			}
		})
	}
}

func TestIncrementalEqualsBatch(t *testing.T) {
	yTrue := []string{"2", "10", "10", "2", "3", "3", "10"}
	yPred := []string{"2", "10", "3", "2", "3", "10", "10"}
	batch, err := ConfusionMatrixOf(yTrue, yPred)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := NewConfusionMatrix([]string{"10", "3", "2"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range yTrue {
		if err := inc.Add(yTrue[i], yPred[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(inc.Labels(), []string{"2", "3", "10"}) {
		t.Errorf("Labels() = %q, want numeric order [2 3 10]", inc.Labels())
	}
	for i := range batch.Labels() {
		if !slices.Equal(inc.Counts()[i], batch.Counts()[i]) {
			t.Errorf("row %d: incremental %v, batch %v", i, inc.Counts()[i], batch.Counts()[i])
		}
	}
}

func TestSortLabels(t *testing.T) {
	cases := []struct {
		name     string
		in, want []string
	}{
		{"integers numerically", []string{"10", "9", "-1", "2"}, []string{"-1", "2", "9", "10"}},
		{"strings lexicographically", []string{"dog", "Cat", "cat"}, []string{"Cat", "cat", "dog"}},
		{"mixed falls back to strings", []string{"10", "9", "x"}, []string{"10", "9", "x"}},
		{"same value kept distinct", []string{"01", "1", "0"}, []string{"0", "01", "1"}},
		{"empty", []string{}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := slices.Clone(c.in)
			SortLabels(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("SortLabels(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestZeroDivisionNaN checks the scikit-learn 1.3 semantics (Debian's 1.2 has no np.nan option, so
// the expected values are worked by hand). Labels 0, 1, 2; label 1 is never predicted.
// Counts: label 0: TP 2, predicted 4, actual 2 -> P .5, R 1, F1 4/6.
// label 1: TP 0, predicted 0, actual 2 -> P NaN, R 0, F1 = 0/(0+2) = 0.
// label 2: TP 2, predicted 2, actual 2 -> P 1, R 1, F1 1.
// Macro P leaves NaN out: (.5 + 1)/2 = .75; macro R (1 + 0 + 1)/3; weighted P (2*.5 + 2*1)/4.
func TestZeroDivisionNaN(t *testing.T) {
	cm, err := ConfusionMatrixOf([]string{"0", "1", "2", "2", "1", "0"}, []string{"0", "0", "2", "2", "0", "0"})
	if err != nil {
		t.Fatal(err)
	}
	per := cm.PerClass(ZeroDivisionNaN)
	if !math.IsNaN(per[1].Precision) || per[1].Recall != 0 || per[1].F1 != 0 {
		t.Errorf("label 1 = %+v, want P NaN, R 0, F1 0", per[1])
	}
	macro := cm.Averaged(Macro, ZeroDivisionNaN)
	if math.Abs(macro.Precision-.75) > 1e-15 || math.Abs(macro.Recall-2.0/3) > 1e-15 {
		t.Errorf("macro = %+v, want P .75, R 2/3", macro)
	}
	weighted := cm.Averaged(Weighted, ZeroDivisionNaN)
	if math.Abs(weighted.Precision-.75) > 1e-15 {
		t.Errorf("weighted P = %v, want .75", weighted.Precision)
	}
	if per[1].IllDefined || macro.IllDefined {
		t.Errorf("IllDefined set under ZeroDivisionNaN; only ZeroDivisionWarn sets it")
	}
	r := NewReport(cm, ZeroDivisionNaN)
	if !strings.Contains(r.Text(2), "nan") {
		t.Errorf("report lacks nan:\n%s", r.Text(2))
	}
	b, err := r.MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"precision":null`) {
		t.Errorf("JSON = %s, %v; want NaN as null", b, err)
	}
}

// TestRarePositive is the lesson's example worked by hand: 1 positive in 100,000, a model that
// always says negative has accuracy 99,999/100,000 but recall 0 (precision is undefined: 0 with a
// warning).
func TestRarePositive(t *testing.T) {
	cm, _ := NewConfusionMatrix([]string{"0", "1"})
	for i := 0; i < 100_000; i++ {
		truth := "0"
		if i == 0 {
			truth = "1"
		}
		if err := cm.Add(truth, "0"); err != nil {
			t.Fatal(err)
		}
	}
	if got := cm.Accuracy(); got != 0.99999 {
		t.Errorf("Accuracy() = %v, want 0.99999", got)
	}
	s, err := cm.Binary("1", ZeroDivisionWarn)
	if err != nil {
		t.Fatal(err)
	}
	if s.Recall != 0 || s.Precision != 0 || !s.IllDefined || s.Support != 1 {
		t.Errorf("Binary(1) = %+v, want recall 0, precision 0 (ill-defined), support 1", s)
	}
}

func TestBinaryErrors(t *testing.T) {
	cm, _ := ConfusionMatrixOf([]string{"a", "b", "c"}, []string{"a", "b", "c"})
	if _, err := cm.Binary("a", ZeroDivisionWarn); err == nil {
		t.Error("Binary on 3 labels: got nil error")
	}
	cm2, _ := ConfusionMatrixOf([]string{"a", "b"}, []string{"a", "b"})
	if _, err := cm2.Binary("z", ZeroDivisionWarn); err == nil {
		t.Error("Binary with a positive label not among 2 labels: got nil error")
	}
}

func TestCurveErrors(t *testing.T) {
	if _, _, _, err := PrecisionRecallCurve([]bool{true}, []float64{0.1, 0.2}); err == nil {
		t.Error("PrecisionRecallCurve with mismatched lengths: got nil error")
	}
	if _, _, _, err := ROCCurve(nil, nil); err == nil {
		t.Error("ROCCurve with no samples: got nil error")
	}
	if _, _, _, err := ROCCurve([]bool{true}, []float64{math.NaN()}); err == nil {
		t.Error("ROCCurve with a NaN score: got nil error")
	}
}

func TestAUC(t *testing.T) {
	// Perfect ROC (0,0) -> (0,1) -> (1,1): area 1; the diagonal: .5 (by hand).
	if got := AUC([]float64{0, 0, 1}, []float64{0, 1, 1}); got != 1 {
		t.Errorf("AUC(perfect) = %v, want 1", got)
	}
	if got := AUC([]float64{0, 1}, []float64{0, 1}); got != .5 {
		t.Errorf("AUC(diagonal) = %v, want .5", got)
	}
	// scikit-learn docs: roc_auc of y=[1,1,2,2], scores [.1,.4,.35,.8] with pos_label 2 is 0.75.
	fpr, tpr, _, err := ROCCurve([]bool{false, false, true, true}, []float64{.1, .4, .35, .8})
	if err != nil {
		t.Fatal(err)
	}
	if got := AUC(fpr, tpr); got != .75 {
		t.Errorf("AUC(sklearn doc example) = %v, want .75", got)
	}
}
