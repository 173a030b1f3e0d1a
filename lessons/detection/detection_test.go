package detection

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func TestCountMatches(t *testing.T) {
	objects := []detect.Object{{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 1}, {Box: detect.Box{X1: 20, Y1: 20, X2: 30, Y2: 30}, Class: 2}}
	dets := []detect.Detection{
		{Box: detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}, Class: 1, Score: 0.9},   // TP
		{Box: detect.Box{X1: 1, Y1: 0, X2: 10, Y2: 10}, Class: 1, Score: 0.8},   // duplicate
		{Box: detect.Box{X1: 20, Y1: 20, X2: 30, Y2: 30}, Class: 1, Score: 0.7}, // wrong class: neither
		{Box: detect.Box{X1: 20, Y1: 20, X2: 30, Y2: 40}, Class: 2, Score: 0.6}, // IoU 0.5 exactly: TP
	}
	// By hand: 2 true positives, 1 duplicate.
	if tp, dup := countMatches(dets, objects); tp != 2 || dup != 1 {
		t.Errorf("countMatches = %d TP, %d duplicates, want 2, 1", tp, dup)
	}
}

func TestSimulateDetectorAndNMS(t *testing.T) {
	objects := []detect.Object{{Box: detect.Box{X1: 10, Y1: 10, X2: 40, Y2: 40}, Class: 3}}
	dets := SimulateDetector(rand.New(rand.NewPCG(1, 1)), objects, 4, 0.1, 0, 10, 96, 96)
	if len(dets) != 5 {
		t.Fatalf("SimulateDetector gave %d boxes, want 5 (1 + 4 duplicates)", len(dets))
	}
	// By hand: corners move by at most 3 pixels on a 30-pixel box, so any two copies overlap with
	// IoU >= (24/36)² > 0.44 and usually far more; at 0.3 NMS must leave exactly one.
	if kept := ApplyNMS(dets, 0.3); len(kept) != 1 {
		t.Errorf("NMS at 0.3 kept %d of 5 jittered copies, want 1", len(kept))
	}
}

func TestRunQuick(t *testing.T) {
	cfg := Quick()
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	// The lesson's claims, with margins. The simulated detector fires 1 + Duplicates boxes per digit,
	// so before NMS most digits have duplicates; NMS must remove nearly all of them while keeping
	// nearly all true positives, and mAP@0.5 must rise.
	if r.Before.Duplicates < r.Objects {
		t.Errorf("before NMS: %d duplicates for %d digits, want at least one per digit", r.Before.Duplicates, r.Objects)
	}
	if r.After.Duplicates > r.Before.Duplicates/10 {
		t.Errorf("after NMS: %d duplicates (before %d), want at most a tenth left", r.After.Duplicates, r.Before.Duplicates)
	}
	if r.After.TruePositives < r.Before.TruePositives*95/100 {
		t.Errorf("after NMS: %d true positives (before %d), want at least 95%% kept", r.After.TruePositives, r.Before.TruePositives)
	}
	if !(r.After.MeanAP > r.Before.MeanAP+0.05) {
		t.Errorf("mAP@0.5 %.3f -> %.3f, want NMS to raise it by more than 0.05", r.Before.MeanAP, r.After.MeanAP)
	}
	// Selective search beats sliding windows in recall at an equal number of proposals.
	p := r.Proposals
	if !(p.SelectiveSearchRecall > 0.9 && p.SelectiveSearchRecall > p.SlidingWindowRecall+0.2) {
		t.Errorf("proposal recall@0.5: selective search %.3f, sliding windows %.3f; want > 0.9 and ahead by 0.2",
			p.SelectiveSearchRecall, p.SlidingWindowRecall)
	}
	if len(r.FigurePaths) != 5 {
		t.Errorf("%d figures written, want 5: %v", len(r.FigurePaths), r.FigurePaths)
	}
	for _, f := range r.FigurePaths {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("figure %s: %v", f, err)
		}
	}
}

// TestRunWithoutProposals is the notebook's NMS cell: no proposal images, figures still written.
func TestRunWithoutProposals(t *testing.T) {
	cfg := Quick()
	cfg.Images, cfg.ProposalImages, cfg.OutDir = 5, 0, t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.FigurePaths) != 3 {
		t.Errorf("%d figures written without proposals, want 3: %v", len(r.FigurePaths), r.FigurePaths)
	}
	for _, after := range []bool{false, true} {
		rec, prec := r.PRCurve(after)
		if len(rec) == 0 || len(rec) != len(prec) || rec[len(rec)-1] < 0.9 {
			t.Errorf("PRCurve(%v): %d recall and %d precision values, final recall %v; want equal non-empty lengths reaching >= 0.9",
				after, len(rec), len(prec), rec[len(rec)-1:])
		}
	}
	if _, _, err := r.ProposalFigures(); err == nil {
		t.Error("ProposalFigures without proposals did not fail")
	}
}
