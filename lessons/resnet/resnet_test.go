package resnet

import (
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
)

// TestQuickRun runs the quick preset and checks the lesson's claims with margins, on seed 1 or on
// seeds 1 to $CVLESSONS_SEEDS (lessontest.RunSeeds): the spreads beside the assertions are seeds
// 1-5 on a 2-core AMD EPYC, pure-Go backend.
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
	if len(r.Nets) != 4 || len(r.FigurePaths) != 3 {
		t.Fatalf("got %d nets and %d figures, want 4 and 3", len(r.Nets), len(r.FigurePaths))
	}
	ps, pd := r.Net(cfg.Shallow, true), r.Net(cfg.Deep, true)
	rs, rd := r.Net(cfg.Shallow, false), r.Net(cfg.Deep, false)
	if ps.Params != rs.Params || pd.Params != rd.Params {
		t.Errorf("plain and residual twins differ in parameters: %d/%d, %d/%d", ps.Params, rs.Params, pd.Params, rd.Params)
	}
	// Degradation: the deep plain net trains worse than the shallow plain net (seeds 1-5: final train
	// loss plain-32 0.975-1.413 vs plain-8 0.626-0.666, 0.328-0.747 above it).
	if pd.FinalTrainLoss < ps.FinalTrainLoss+0.1 {
		t.Errorf("deep plain final train loss %.3f not above shallow plain %.3f + 0.1", pd.FinalTrainLoss, ps.FinalTrainLoss)
	}
	// The residual twin of the deep net does not degrade: better than the deep plain net (seeds 1-5:
	// 0.483-0.977 lower), and not clearly worse than the shallow residual net (0.136-0.184 lower).
	if rd.FinalTrainLoss > pd.FinalTrainLoss-0.1 {
		t.Errorf("deep residual final train loss %.3f not below deep plain %.3f - 0.1", rd.FinalTrainLoss, pd.FinalTrainLoss)
	}
	if rd.FinalTrainLoss > rs.FinalTrainLoss+0.05 {
		t.Errorf("deep residual final train loss %.3f above shallow residual %.3f + 0.05", rd.FinalTrainLoss, rs.FinalTrainLoss)
	}
	// Layers: stem conv, 2 per block, fc (BatchNorm dropped).
	if got, want := len(pd.GradInit), cfg.Deep; got != want {
		t.Errorf("deep plain net has %d gradient norms, want %d (one per weight layer)", got, want)
	}
	// The plain net's gradient does not vanish at initialization (BatchNorm): its first layer's
	// gradient norm is not small next to its last layer's (seeds 1-5: 5.8-29.5 vs 0.37-0.56).
	if first, last := pd.GradInit[0], pd.GradInit[len(pd.GradInit)-1]; first.Norm < 0.5*last.Norm {
		t.Errorf("deep plain net at init: first layer %s gradient norm %.3g, last %s %.3g; want first >= half of last",
			first.Scope, first.Norm, last.Scope, last.Norm)
	}
	for _, g := range pd.GradInit {
		if !(g.Norm > 0) {
			t.Errorf("gradient norm of %s at init is %g, want > 0", g.Scope, g.Norm)
		}
	}
}
