package detection

import (
	"os"
	"testing"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
)

// TestFastRCNNProbe trains Fast R-CNN for $CVLESSONS_FRCNN_STEPS steps (skipped when unset) and
// measures it: a measurement, not a claim. $CVLESSONS_FRCNN_FULL=1 starts from the full preset
// instead of the quick one; $CVLESSONS_FRCNN_CHANNELS ("16,32,64") and _POOLSTAGES override its
// backbone.
func TestFastRCNNProbe(t *testing.T) {
	steps := probeInt("CVLESSONS_FRCNN_STEPS", 0)
	if steps == 0 {
		t.Skip("set CVLESSONS_FRCNN_STEPS to run")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := FastRCNNQuick()
	if probeInt("CVLESSONS_FRCNN_FULL", 0) == 1 {
		cfg = FastRCNNFull()
	}
	cfg.Steps = steps
	cfg.PoolStages = probeInt("CVLESSONS_FRCNN_POOLSTAGES", cfg.PoolStages)
	if c := probeInts("CVLESSONS_FRCNN_CHANNELS"); c != nil {
		cfg.Channels = c
	}
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), cfg.TrainImages, probeInt("CVLESSONS_FRCNN_VAL", 50))
	if err != nil {
		t.Fatal(err)
	}
	regions := LabelTrainingRegions(trainSet, cfg.TrainImages, cfg.MaxProposals, cfg.SelectiveSearch)
	start := time.Now()
	ctx, losses, err := TrainFastRCNN(b, cfg, trainSet, regions, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps in %.1fs: loss %.3f -> %.3f", steps, time.Since(start).Seconds(), losses[0], losses[len(losses)-1])
	st, _, err := EvaluateFastRCNN(b, ctx, cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("val: %+v", st)
}
