package metrics

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the lesson's claims on its committed runs (measurements/): the
// all-negative classifier of the rare positive is 99.999% accurate with recall 0, the classifier
// learns Fashion-MNIST, and for Shirt a higher threshold trades recall for precision. (Where the
// best F1 lies is not a claim: 0.30 in the class run, 0.50 in the full one.) The margins sit under
// what each run measured (noted beside each).
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "the all-negative classifier is 99.999% accurate", Path: "rare.accuracy", Min: 0.99999, Max: 0.99999}, // recorded 0.99999 (exact: 1 in 100000)
		{What: "and finds no positive", Path: "rare.recall", Min: 0, Max: 0},                                         // recorded 0
		{What: "the classifier learns Fashion-MNIST", Path: "test_accuracy", Min: 0.82, Max: nan},                    // recorded class 0.859, full 0.869
		// The precision-recall trade-off for Shirt: a threshold of 0.85 against 0.15.
		{What: "a higher threshold raises precision", Path: "sweep.16.precision", Minus: "sweep.2.precision", Min: 0.2, Max: nan}, // recorded class 0.948 - 0.533, full 0.897 - 0.456
		{What: "and lowers recall", Path: "sweep.2.recall", Minus: "sweep.16.recall", Min: 0.3, Max: nan},                         // recorded class 0.800 - 0.147, full 0.887 - 0.340
	}
	for _, f := range measurements.CheckRecorded("metrics", claims) {
		t.Error(f)
	}
}
