package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

func TestRarePositive(t *testing.T) {
	// By hand: 99,999 of 100,000 predictions are right; the one positive is missed; nothing is
	// predicted positive, so precision is 0/0 (reported as 0, flagged); F1 = 2TP/(2TP+FP+FN) = 0/1.
	r, err := RarePositive(100_000)
	if err != nil {
		t.Fatal(err)
	}
	want := RareResult{N: 100_000, Positives: 1, Accuracy: 0.99999, PrecisionUndefined: true}
	if r != want {
		t.Errorf("RarePositive(100000) = %+v, want %+v", r, want)
	}
	if _, err := RarePositive(1); err == nil {
		t.Error("RarePositive(1): got nil error")
	}
	// By hand: 3 positives in 10, all missed: accuracy 7/10.
	if r, err := AllNegative(10, 3); err != nil || r.Accuracy != 0.7 || r.Recall != 0 || r.F1 != 0 {
		t.Errorf("AllNegative(10, 3) = %+v, %v; want accuracy 0.7, recall 0, F1 0", r, err)
	}
	for _, c := range [][2]int{{10, 0}, {10, 10}, {1, 1}} {
		if _, err := AllNegative(c[0], c[1]); err == nil {
			t.Errorf("AllNegative(%d, %d): got nil error", c[0], c[1])
		}
	}
}

// sweepAt returns the sweep point at threshold thr.
func sweepAt(t *testing.T, r Report, thr float64) ThresholdScores {
	t.Helper()
	for _, s := range r.Sweep {
		if math.Abs(s.Threshold-thr) < 1e-9 {
			return s
		}
	}
	t.Fatalf("no sweep point at threshold %.2f in %+v", thr, r.Sweep)
	return ThresholdScores{}
}

// TestRunQuick trains the quick preset for seeds 1-5 and checks the lesson's claims with margins.
// The spread beside each assertion is what seeds 1-5 measured (`go test -run TestRunQuick -v
// ./lessons/metrics/` logs each seed's summary; the sweep points came from a throwaway test that
// logged every seed's Report; pure-Go backend "go", 2 CPU cores). A quick run takes about a second
// once the data are loaded, so all five seeds run here (-short: seed 1 only).
func TestRunQuick(t *testing.T) {
	seeds := []int64{1, 2, 3, 4, 5}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { checkQuick(t, seed) })
	}
}

func checkQuick(t *testing.T, seed int64) {
	cfg := Quick()
	cfg.Seed = seed
	if seed == 1 {
		cfg.OutDir = t.TempDir()
	}
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Backend, r.Summary())
	// A dense net on Fashion-MNIST reaches ~0.85 after an epoch (Xiao et al. report 0.87-0.88 for
	// MLPs); 300 small steps leave it lower. The claim is only that it learned (chance is 0.1).
	if r.TestAccuracy < 0.7 { // seeds 1-5: 0.798-0.833
		t.Errorf("test accuracy %.3f, want >= 0.7", r.TestAccuracy)
	}

	// F1 peaks strictly inside the sweep: at the lowest threshold (0.05) the detector says "Shirt"
	// too often (precision low), at the highest (0.95) almost never (recall near 0). The best F1
	// beats both ends by a margin, so the peak is not at an end.
	lo, hi := r.Sweep[0], r.Sweep[len(r.Sweep)-1]
	if lo.Threshold != 0.05 || math.Abs(hi.Threshold-0.95) > 1e-9 {
		t.Fatalf("sweep from %.2f to %.2f, want 0.05 to 0.95", lo.Threshold, hi.Threshold)
	}
	if m := r.BestF1.F1 - max(lo.F1, hi.F1); m < 0.08 { // seeds 1-5: 0.149-0.201 (the low end is the closer)
		t.Errorf("best F1 %.3f at threshold %.2f beats the ends (%.3f at %.2f, %.3f at %.2f) by %.3f, want >= 0.08",
			r.BestF1.F1, r.BestF1.Threshold, lo.F1, lo.Threshold, hi.F1, hi.Threshold, m)
	}

	// The precision-recall trade-off: at threshold 0.70 (still 18 or more shirts predicted on every
	// seed) precision is clearly above, and recall clearly below, their values at 0.10.
	p10, p70 := sweepAt(t, r, 0.10), sweepAt(t, r, 0.70)
	if d := p70.Precision - p10.Precision; d < 0.15 { // seeds 1-5: +0.332 to +0.474
		t.Errorf("precision %.3f at 0.70 vs %.3f at 0.10: rises by %.3f, want >= 0.15", p70.Precision, p10.Precision, d)
	}
	if d := p10.Recall - p70.Recall; d < 0.3 { // seeds 1-5: 0.546-0.741
		t.Errorf("recall %.3f at 0.10 vs %.3f at 0.70: falls by %.3f, want >= 0.3", p10.Recall, p70.Recall, d)
	}

	// The rare-positive trap, on the test images: about 1 in 10 is a shirt. The all-negative "model"
	// has a high accuracy but recall 0 and F1 0. The trained classifier (argmax, read as a yes/no
	// Shirt detector) is barely different in accuracy, even worse on one seed, while its F1 is far
	// above: accuracy cannot tell a useless model from a working one, F1 can.
	total, shirts, predicted := 0, 0, 0
	for i, row := range r.Confusion {
		for j, v := range row {
			total += v
			if i == cfg.PositiveClass {
				shirts += v
			}
			if j == cfg.PositiveClass {
				predicted += v
			}
		}
	}
	if total != cfg.TestSamples {
		t.Fatalf("confusion matrix counts %d images, want %d", total, cfg.TestSamples)
	}
	none, err := AllNegative(total, shirts)
	if err != nil {
		t.Fatal(err)
	}
	if none.Accuracy < 0.85 || none.Recall != 0 || none.F1 != 0 { // seeds 1-5: accuracy 0.896-0.909
		t.Errorf("all-negative on %d shirts of %d: %+v, want accuracy >= 0.85, recall 0, F1 0", shirts, total, none)
	}
	tp := r.Confusion[cfg.PositiveClass][cfg.PositiveClass]
	trainedAcc := float64(total-(predicted-tp)-(shirts-tp)) / float64(total)
	if d := trainedAcc - none.Accuracy; math.Abs(d) > 0.06 { // seeds 1-5: -0.028 to +0.026
		t.Errorf("yes/no Shirt accuracy: trained %.4f, all-negative %.4f, differ by %+.4f, want within 0.06", trainedAcc, none.Accuracy, d)
	}
	shirt := r.Classes[cfg.PositiveClass]
	if shirt.Name != "Shirt" || shirt.F1-none.F1 < 0.4 { // seeds 1-5: 0.523-0.596
		t.Errorf("class %d = %+v, want Shirt with F1 >= 0.4 above the all-negative model's %.3f", cfg.PositiveClass, shirt, none.F1)
	}
	// Shirt is a hard class (it looks like T-shirt, Pullover and Coat at 28x28): its F1 is clearly
	// below the macro average over the ten classes.
	if d := r.MacroF1 - shirt.F1; d < 0.1 { // seeds 1-5: 0.220-0.287
		t.Errorf("Shirt F1 %.3f is %.3f below the macro F1 %.3f, want >= 0.1", shirt.F1, d, r.MacroF1)
	}

	if seed != 1 {
		return
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("the report does not marshal to JSON: %v", err)
	}
	if len(r.FigurePaths) != 2 {
		t.Fatalf("figures %v, want confusion.png and threshold.png", r.FigurePaths)
	}
	for _, p := range r.FigurePaths {
		if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
			t.Errorf("figure %s: %v", p, err)
		}
	}
}
