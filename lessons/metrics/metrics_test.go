package metrics

import (
	"encoding/json"
	"os"
	"testing"
)

func TestRarePositive(t *testing.T) {
	// By hand: 99,999 of 100,000 predictions are right; the one positive is missed; nothing is
	// predicted positive, so precision is 0/0 (reported as 0, flagged).
	r, err := RarePositive(100_000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Accuracy != 0.99999 || r.Recall != 0 || r.Precision != 0 || !r.PrecisionUndefined {
		t.Errorf("RarePositive(100000) = %+v, want accuracy 0.99999, recall 0, precision 0 (undefined)", r)
	}
	if _, err := RarePositive(1); err == nil {
		t.Error("RarePositive(1): got nil error")
	}
}

// TestRunQuick trains the quick preset and checks the lesson's claims with margins.
func TestRunQuick(t *testing.T) {
	cfg := Quick()
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	t.Log("\n" + r.ReportText)
	// A dense net on Fashion-MNIST reaches ~0.85 after an epoch (Xiao et al. report 0.87-0.88 for
	// MLPs); 300 small steps leave it lower. The claim is only that it learned.
	if r.TestAccuracy < 0.7 {
		t.Errorf("test accuracy %.3f, want >= 0.7", r.TestAccuracy)
	}
	// The confusion matrix holds every test image once; its diagonal is the accuracy.
	total, diag := 0, 0
	for i, row := range r.Confusion {
		for j, v := range row {
			total += v
			if i == j {
				diag += v
			}
		}
	}
	if total != cfg.TestSamples || float64(diag)/float64(total) != r.TestAccuracy {
		t.Errorf("confusion matrix sums to %d with diagonal %d; want %d images and accuracy %.4f", total, diag, cfg.TestSamples, r.TestAccuracy)
	}
	// Shirt is the hardest class: its F1 is below the macro average.
	if shirt := r.Classes[6]; shirt.Name != "Shirt" || !(shirt.F1 < r.MacroF1) {
		t.Errorf("class 6 = %+v, want Shirt with F1 below the macro F1 %.3f", shirt, r.MacroF1)
	}
	// The trade-off: raising the threshold lowers recall and raises precision; F1 peaks inside.
	// Compare the lowest threshold with the highest one that still predicts 10 or more shirts.
	lo, hi := r.Sweep[0], r.Sweep[0]
	for _, s := range r.Sweep {
		if s.Predicted >= 10 {
			hi = s
		}
	}
	if !(hi.Recall < lo.Recall) || !(hi.Precision > lo.Precision) {
		t.Errorf("threshold %.2f: P %.3f R %.3f; threshold %.2f: P %.3f R %.3f; want recall to fall and precision to rise",
			lo.Threshold, lo.Precision, lo.Recall, hi.Threshold, hi.Precision, hi.Recall)
	}
	for i := 1; i < len(r.Sweep); i++ {
		if r.Sweep[i].Recall > r.Sweep[i-1].Recall {
			t.Errorf("recall rose from %.3f to %.3f between thresholds %.2f and %.2f", r.Sweep[i-1].Recall, r.Sweep[i].Recall, r.Sweep[i-1].Threshold, r.Sweep[i].Threshold)
		}
	}
	if r.BestF1.F1 < lo.F1 || r.BestF1.F1 < hi.F1 {
		t.Errorf("best F1 %.3f below an end of the sweep (%.3f, %.3f)", r.BestF1.F1, lo.F1, hi.F1)
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
