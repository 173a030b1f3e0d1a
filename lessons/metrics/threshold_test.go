package metrics

import (
	"math"
	"strings"
	"testing"
)

// handReport scores six test images whose probabilities of class 6 (Shirt) are, by label:
// shirts 0.9, 0.4, 0.1; others 0.6 (a T-shirt), 0.2 (a T-shirt), 0.0 (a trouser). The rest of each
// image's probability goes to class 0.
func handReport(t *testing.T) Report {
	t.Helper()
	labels := []int{6, 6, 6, 0, 0, 1}
	p6 := []float32{0.9, 0.4, 0.1, 0.6, 0.2, 0}
	probs := make([]float32, 10*len(labels))
	for i, p := range p6 {
		probs[i*10+6], probs[i*10+0] = p, 1-p
	}
	names := []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	r := Report{TestSamples: len(labels), ClassNames: names, PositiveClass: "Shirt"}
	if err := r.score(labels, probs, 6); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestThresholdCounts(t *testing.T) {
	r := handReport(t)
	// By hand: "yes" when P(Shirt) >= t.
	tests := []struct {
		name            string
		t               float64
		tp, fp, fn, tn  int
		precision, rec  float64
		f1              float64
		predicted       int
		undefinedPrecis bool
	}{
		{"0.30: three yes, two of them shirts", 0.30, 2, 1, 1, 2, 2.0 / 3, 2.0 / 3, 2.0 / 3, 3, false},
		{"0.50: two yes, one a shirt", 0.50, 1, 1, 2, 2, 0.5, 1.0 / 3, 0.4, 2, false},
		{"0.95: nothing yes", 0.95, 0, 0, 3, 3, 0, 0, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.sweepPoint(tc.t)
			if err != nil {
				t.Fatal(err)
			}
			if s.TP != tc.tp || s.FP != tc.fp || s.FN != tc.fn || s.TN != tc.tn || s.Predicted != tc.predicted {
				t.Errorf("at %.2f: TP %d FP %d FN %d TN %d predicted %d, want %d %d %d %d %d", tc.t, s.TP, s.FP, s.FN, s.TN, s.Predicted,
					tc.tp, tc.fp, tc.fn, tc.tn, tc.predicted)
			}
			for _, v := range []struct {
				name      string
				got, want float64
			}{{"precision", s.Precision, tc.precision}, {"recall", s.Recall, tc.rec}, {"F1", s.F1, tc.f1}} {
				if math.Abs(v.got-v.want) > 1e-12 {
					t.Errorf("at %.2f: %s = %v, want %v", tc.t, v.name, v.got, v.want)
				}
			}
			text, fig, err := r.ThresholdView(tc.t)
			if err != nil {
				t.Fatal(err)
			}
			if fig == nil || fig.Bounds().Empty() {
				t.Errorf("ThresholdView(%.2f): no figure", tc.t)
			}
			if tc.undefinedPrecis != strings.Contains(text, "precision undefined") {
				t.Errorf("ThresholdView(%.2f) text:\n%s\nwant \"precision undefined\" only when nothing is predicted yes", tc.t, text)
			}
			if !strings.Contains(text, "P(Shirt) >= ") || !strings.Contains(text, "not Shirt") {
				t.Errorf("ThresholdView(%.2f) text:\n%s\nwant the rule and the matrix's rows", tc.t, text)
			}
		})
	}

	text, _, err := r.ThresholdView(0.30)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"precision 0.667 = TP / (TP + FP) = 2 / 3",
		"recall    0.667 = TP / (TP + FN) = 2 / 3",
		"F1        0.667 = 2TP / (2TP + FP + FN) = 4 / 6",
		"not Shirt           2 TN           1 FP",
		"Shirt               1 FN           2 TP",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ThresholdView(0.30) text:\n%s\nwant a line containing %q", text, want)
		}
	}

	table, err := r.ThresholdTable(0.30, 0.50)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"threshold     TP     FP     FN     TN precision  recall     F1",
		"     0.30      2      1      1      2     0.667   0.667  0.667",
		"     0.50      1      1      2      2     0.500   0.333  0.400",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("ThresholdTable(0.30, 0.50):\n%s\nwant a line %q", table, want)
		}
	}

	ts := r.Thresholds()
	if len(ts) != 19 || ts[0] != 0.05 || math.Abs(ts[18]-0.95) > 1e-9 {
		t.Errorf("Thresholds() = %v, want 0.05 to 0.95 in 19 steps", ts)
	}
}

func TestThresholdErrors(t *testing.T) {
	r := handReport(t)
	if _, _, err := r.ThresholdView(0.33); err == nil || !strings.Contains(err.Error(), "no sweep point at threshold 0.33") {
		t.Errorf("ThresholdView(0.33): %v, want an error naming the missing threshold", err)
	}
	if _, err := r.ThresholdTable(0.5, 0.42); err == nil {
		t.Error("ThresholdTable(0.5, 0.42): got nil error")
	}
	// A report without the counts (saved before they were recorded, or hand-edited).
	for i := range r.Sweep {
		r.Sweep[i].TP, r.Sweep[i].FP, r.Sweep[i].FN, r.Sweep[i].TN = 0, 0, 0, 0
	}
	if _, _, err := r.ThresholdView(0.5); err == nil || !strings.Contains(err.Error(), "run the lesson again") {
		t.Errorf("ThresholdView without counts: %v, want an error saying to run the lesson again", err)
	}
}
