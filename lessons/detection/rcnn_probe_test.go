package detection

import (
	"os"
	"testing"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
)

// TestRCNNProbe trains R-CNN for $CVLESSONS_RCNN_STEPS steps (skipped when unset) and measures it: a
// measurement, not a claim. $CVLESSONS_RCNN_TRAIN and _VAL override the image counts.
//
// $CVLESSONS_RCNN_SVM=1 then trains R-CNN's SVMs on the trained network's features (PaperSVM, with
// $CVLESSONS_RCNN_SVM_ROUNDS rounds of hard negative mining) and measures that variant too.
func TestRCNNProbe(t *testing.T) {
	steps := probeInt("CVLESSONS_RCNN_STEPS", 0)
	if steps == 0 {
		t.Skip("set CVLESSONS_RCNN_STEPS to run")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := RCNNQuick()
	if os.Getenv("CVLESSONS_RCNN_FULL") != "" {
		cfg = RCNNFull()
	}
	cfg.Steps = steps
	cfg.TrainImages = probeInt("CVLESSONS_RCNN_TRAIN", cfg.TrainImages)
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), cfg.TrainImages, probeInt("CVLESSONS_RCNN_VAL", 50))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	regions := LabelTrainingRegions(trainSet, cfg.TrainImages, cfg.MaxProposals, cfg.SelectiveSearch)
	nfg, nbg := regions.Len()
	t.Logf("labelled %d object and %d background regions (%.0f proposals/image) in %.1fs", nfg, nbg, regions.ProposalsPerImage, time.Since(start).Seconds())
	start = time.Now()
	ctx, losses, err := TrainRCNN(b, cfg, trainSet, regions, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps in %.1fs: loss %.3f -> %.3f", steps, time.Since(start).Seconds(), losses[0], losses[len(losses)-1])
	st, _, err := EvaluateRCNN(b, ctx, cfg, val, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("val: %+v", st)
	if probeInt("CVLESSONS_RCNN_SVM", 0) == 0 {
		return
	}
	svmCfg := PaperSVM()
	svmCfg.Rounds = probeInt("CVLESSONS_RCNN_SVM_ROUNDS", svmCfg.Rounds)
	start = time.Now()
	svms, err := TrainRCNNSVMs(b, ctx, cfg, svmCfg, trainSet, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SVMs trained in %.1fs", time.Since(start).Seconds())
	if st, _, err = EvaluateRCNN(b, ctx, cfg, val, svms); err != nil {
		t.Fatal(err)
	}
	t.Logf("val with SVMs: %+v", st)
}
