package detection

import (
	"os"
	"testing"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestFasterRCNNProbe trains Faster R-CNN for $CVLESSONS_FASTER_STEPS steps (skipped when unset) and
// measures it: a measurement, not a claim. $CVLESSONS_FASTER_FULL=1 starts from the full preset
// instead of the quick one; $CVLESSONS_FASTER_VAL sets the validation images (50); _COSINE (0 or 1),
// _TESTPOST (proposals kept at test) and _TRAIN (training images) override the preset.
func TestFasterRCNNProbe(t *testing.T) {
	steps := probeInt("CVLESSONS_FASTER_STEPS", 0)
	if steps == 0 {
		t.Skip("set CVLESSONS_FASTER_STEPS to run")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := FasterRCNNQuick()
	if probeInt("CVLESSONS_FASTER_FULL", 0) == 1 {
		cfg = FasterRCNNFull()
	}
	cfg.Steps = steps
	cfg.Cosine = probeInt("CVLESSONS_FASTER_COSINE", b2i(cfg.Cosine)) == 1
	cfg.TestProposals.PostNMSTopN = probeInt("CVLESSONS_FASTER_TESTPOST", cfg.TestProposals.PostNMSTopN)
	cfg.TrainImages = probeInt("CVLESSONS_FASTER_TRAIN", cfg.TrainImages)
	cfg.LearningRate = float64(probeInt("CVLESSONS_FASTER_LR100K", int(cfg.LearningRate*1e5))) / 1e5
	if c := probeInts("CVLESSONS_FASTER_CHANNELS"); c != nil {
		cfg.Channels = c
	}
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), cfg.TrainImages, probeInt("CVLESSONS_FASTER_VAL", 50))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ctx, losses, err := TrainFasterRCNN(b, cfg, trainSet, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps in %.1fs: loss %.3f -> %.3f", steps, time.Since(start).Seconds(), losses[0], losses[len(losses)-1])
	e, err := evaluateFasterRCNN(b, ctx, cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("val: %+v", e.stats)
	ss := make([][]detect.Box, val.Images.N)
	for i := range ss {
		ss[i] = Proposals(val, i, RCNNFull().MaxProposals, RCNNFull().SelectiveSearch)
	}
	pc, err := CompareProposals(val, ss, e.proposals)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", pc)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
