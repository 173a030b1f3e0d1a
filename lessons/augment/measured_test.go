package augment

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts on the committed class run (measurements/) that random shifts raise
// validation accuracy over the same number of steps on the originals.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	for _, f := range measurements.CheckClaims("augment", "class", []measurements.Claim{
		{What: "augmentation helps", Path: "gain", Min: 0.01, Max: nan},                                             // recorded +0.029
		{What: "the baseline over-fits its 500 images", Path: "baseline.final_train_accuracy", Min: 0.99, Max: nan}, // recorded 1.000
	}) {
		t.Error(f)
	}
}
