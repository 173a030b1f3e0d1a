package metrics

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the lesson's claims on its committed runs (measurements/): the
// all-negative classifier of the rare positive is 99.999% accurate with recall 0, the classifier
// learns Fashion-MNIST, and for Shirt a threshold below 0.5 gives a better F1 than 0.5 (the
// precision-recall trade-off). The margins sit under what each run measured (noted beside each).
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "the all-negative classifier is 99.999% accurate", Path: "rare.accuracy", Min: 0.99999, Max: 0.99999}, // recorded 0.99999 (exact: 1 in 100000)
		{What: "and finds no positive", Path: "rare.recall", Min: 0, Max: 0},                                         // recorded 0
		{What: "the classifier learns Fashion-MNIST", Path: "test_accuracy", Min: 0.82, Max: nan},                    // recorded class 0.859
		{What: "Shirt's best F1 threshold is below 0.5", Path: "best_f1.threshold", Min: nan, Max: 0.45},             // recorded class 0.30
		{What: "and beats 0.5's F1", Path: "best_f1.f1", Minus: "sweep.9.f1", Min: 0.02, Max: nan},                   // recorded class 0.672 - 0.603 (sweep.9 is 0.5)
	}
	for _, preset := range measurements.Recorded("metrics") {
		for _, f := range measurements.CheckClaims("metrics", preset, claims) {
			t.Error(f)
		}
	}
}
