package batchnorm

import (
	"math"
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
)

// TestQuickRun runs the quick preset and checks the lesson's claims with margins, on seed 1 or on
// seeds 1 to $CVLESSONS_SEEDS (lessontest.RunSeeds).
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four networks")
	}
	lessontest.RunSeeds(t, func(t *testing.T, seed int) { checkQuick(t, int64(seed)) })
}

func checkQuick(t *testing.T, seed int64) {
	cfg := Quick()
	cfg.Seed = seed
	if os.Getenv("CVLESSONS_TEST_VERBOSE") != "" {
		cfg.Progress = os.Stderr
	}
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	if len(r.Runs) != 4 || len(r.FigurePaths) != 3 {
		t.Fatalf("got %d runs and %d figures, want 4 and 3", len(r.Runs), len(r.FigurePaths))
	}
	low, high := cfg.LearningRates[0], cfg.LearningRates[1]
	// Steps to the target, measured on seeds 1-5 (2-core AMD EPYC, pure-Go backend):
	//   no BN, low lr:  250, 220, 270, 310, never      BN, low lr:  180, 230, 170, 170, 260
	//   no BN, high lr: never, never, 450, never, never  BN, high lr: 120, 150,  80, 100, 190
	// At the low rate BatchNorm is usually but not always faster (seed 2: 230 vs 220), so the test
	// only asks that it gets there; the robust claims are the high rate's and the fastest runs'.
	bnLow := r.Find(true, low)
	if bnLow.StepsToTarget < 0 {
		t.Errorf("lr %g: BN did not reach the target", low)
	}
	// At the high rate BatchNorm still reaches it; the plain net stalls, diverges, or needs at least twice as long.
	bnHigh, plainHigh := r.Find(true, high), r.Find(false, high)
	if bnHigh.StepsToTarget < 0 {
		t.Errorf("lr %g: BN did not reach the target", high)
	} else if !plainHigh.Diverged && plainHigh.StepsToTarget >= 0 && plainHigh.StepsToTarget < 2*bnHigh.StepsToTarget {
		t.Errorf("lr %g: no BN took %d steps, BN %d; want no BN to fail or take >= 2x", high, plainHigh.StepsToTarget, bnHigh.StepsToTarget)
	}
	// The paper's recipe: BatchNorm plus a higher learning rate beats the best plain run (measured:
	// 80-190 steps vs 220-310 or never), here by at least 3 evaluation intervals.
	bnBest, plainBest := r.Fastest(true), r.Fastest(false)
	if bnBest.StepsToTarget < 0 || (plainBest.StepsToTarget >= 0 && bnBest.StepsToTarget > plainBest.StepsToTarget-3*cfg.EvalEvery) {
		t.Errorf("fastest runs: BN %d steps (lr %g), no BN %d steps (lr %g); want BN at least %d steps sooner",
			bnBest.StepsToTarget, bnBest.LearningRate, plainBest.StepsToTarget, plainBest.LearningRate, 3*cfg.EvalEvery)
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
	checkTrainedLayer(t, r.Trained)
	// Evaluation mode: an image's logits do not depend on its batch; training mode: they do.
	if r.Modes.EvalModeDiff > 1e-5 || r.Modes.TrainModeDiff < 1e-3 {
		t.Errorf("same image in two batches: logits change by %g (eval) and %g (train); want ~0 and clearly > 0",
			r.Modes.EvalModeDiff, r.Modes.TrainModeDiff)
	}
}

// checkTrainedLayer checks the trained network's statistics (Report.Trained): in training mode x̂
// has mean 0 and std 1 on the batch (by definition of BatchNorm, up to ε = 1e-5); in evaluation
// mode, normalized with the running averages instead, it is close to but measurably off 0 and 1
// (seed 1: |mean| + |std - 1| at most 0.18); and the running mean tracks the batch mean (seed 1:
// within 0.05 batch standard deviations). Seeds 1-5 all passed these bounds.
func checkTrainedLayer(t *testing.T, l TrainedLayer) {
	t.Helper()
	if len(l.Features) != statsFeatures {
		t.Fatalf("trained layer: %d features measured, want %d", len(l.Features), statsFeatures)
	}
	evalOff := 0.0
	for _, f := range l.Features {
		if math.Abs(f.Scale) < 0.05 {
			continue // x̂ = (y - β) / γ is too noisy to recover
		}
		if math.Abs(f.MeanNormalized) > 1e-2 || math.Abs(f.StdNormalized-1) > 1e-2 {
			t.Errorf("feature %d, training mode: x̂ mean %.4f std %.4f, want 0 and 1 within 0.01", f.Feature, f.MeanNormalized, f.StdNormalized)
		}
		if math.Abs(f.RunningMean-f.MeanBefore) > 0.5*f.StdBefore {
			t.Errorf("feature %d: running mean %.3f is more than half a std (%.3f) from the batch mean %.3f",
				f.Feature, f.RunningMean, f.StdBefore, f.MeanBefore)
		}
		evalOff = math.Max(evalOff, math.Abs(f.MeanNormalizedEval)+math.Abs(f.StdNormalizedEval-1))
	}
	if evalOff < 0.02 || evalOff > 1 {
		t.Errorf("evaluation mode: x̂ is off mean 0 / std 1 by at most %.3f, want between 0.02 (running averages differ from "+
			"the batch's statistics) and 1 (but approximate them)", evalOff)
	}
}
