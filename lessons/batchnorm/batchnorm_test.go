package batchnorm

import (
	"math"
	"os"
	"testing"
)

// TestQuickRun runs the quick preset and checks the lesson's claims with margins.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four networks")
	}
	cfg := Quick()
	if os.Getenv("CVLESSONS_TEST_VERBOSE") != "" {
		cfg.Progress = os.Stderr
	}
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	if len(r.Runs) != 4 || len(r.FigurePaths) != 2 {
		t.Fatalf("got %d runs and %d figures, want 4 and 2", len(r.Runs), len(r.FigurePaths))
	}
	low, high := cfg.LearningRates[0], cfg.LearningRates[1]
	// At the low rate both reach the target; BatchNorm needs clearly fewer steps (measured: about
	// 160-180 vs 250-260 on seeds 1-3).
	bnLow, plainLow := r.Find(true, low), r.Find(false, low)
	if bnLow.StepsToTarget < 0 || (plainLow.StepsToTarget >= 0 && bnLow.StepsToTarget > plainLow.StepsToTarget-3*cfg.EvalEvery) {
		t.Errorf("lr %g: BN reached the target in %d steps, no BN in %d; want BN at least %d steps sooner",
			low, bnLow.StepsToTarget, plainLow.StepsToTarget, 3*cfg.EvalEvery)
	}
	// At the high rate BatchNorm still reaches it; the plain net stalls, diverges, or needs at least twice as long.
	bnHigh, plainHigh := r.Find(true, high), r.Find(false, high)
	if bnHigh.StepsToTarget < 0 {
		t.Errorf("lr %g: BN did not reach the target", high)
	} else if !plainHigh.Diverged && plainHigh.StepsToTarget >= 0 && plainHigh.StepsToTarget < 2*bnHigh.StepsToTarget {
		t.Errorf("lr %g: no BN took %d steps, BN %d; want no BN to fail or take >= 2x", high, plainHigh.StepsToTarget, bnHigh.StepsToTarget)
	}
	// After BatchNorm (training mode, scale 1, offset 0) each feature has mean ~0 and std ~1.
	for f := range r.After.Mean {
		if math.Abs(r.After.Mean[f]) > 1e-3 || math.Abs(r.After.Std[f]-1) > 1e-2 {
			t.Errorf("feature %d after BN: mean %.4f std %.4f, want 0 and 1", f, r.After.Mean[f], r.After.Std[f])
		}
	}
	spread := 0.0
	for f := range r.Before.Mean {
		spread = math.Max(spread, math.Abs(r.Before.Std[f]-1)+math.Abs(r.Before.Mean[f]))
	}
	if spread < 0.1 {
		t.Errorf("features before BN already look normalized (max |mean|+|std-1| = %.3f); the comparison shows nothing", spread)
	}
	// Evaluation mode: an image's logits do not depend on its batch; training mode: they do.
	if r.Modes.EvalModeDiff > 1e-5 || r.Modes.TrainModeDiff < 1e-3 {
		t.Errorf("same image in two batches: logits change by %g (eval) and %g (train); want ~0 and clearly > 0",
			r.Modes.EvalModeDiff, r.Modes.TrainModeDiff)
	}
}
