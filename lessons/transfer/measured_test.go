package transfer

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts on the committed class run (measurements/) that fine-tuning the
// pretrained network beats training from scratch, on average over the labelled-set sizes.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	for _, f := range measurements.CheckClaims("transfer", "class", []measurements.Claim{
		{What: "pretraining learnt the source classes", Path: "part_a.source_accuracy", Min: 0.88, Max: nan},                // recorded 0.927
		{What: "fine-tuning beats scratch over the curve", Path: "part_a.fine_tune_overall_gain.mean", Min: 0.01, Max: nan}, // recorded +0.026
		{What: "fine-tuning beats scratch at 5 per class", Path: "part_a.curve.1.fine_tune_gain.mean", Min: 0.02, Max: nan}, // recorded +0.047
	}) {
		t.Error(f)
	}
}
