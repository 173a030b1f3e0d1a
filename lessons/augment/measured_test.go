package augment

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts on every committed run (measurements/) that random shifts raise
// validation accuracy over the same number of steps on the originals.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "augmentation helps", Path: "gain", Min: 0.01, Max: nan},                                             // recorded class +0.029, full +0.031
		{What: "the baseline over-fits its 500 images", Path: "baseline.final_train_accuracy", Min: 0.99, Max: nan}, // recorded 1.000 (class and full)
	}
	for _, f := range measurements.CheckRecorded("augment", claims) {
		t.Error(f)
	}
}
