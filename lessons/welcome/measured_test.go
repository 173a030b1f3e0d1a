package welcome

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the lesson's claim on its committed runs (measurements/): the dense net
// separates the two moons, its loss falling from about log 2 to near 0.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "the net separates the moons", Path: "test_accuracy", Min: 0.97, Max: nan}, // recorded class 1.000
		{What: "the first loss is about log 2", Path: "loss.0", Min: 0.6, Max: 0.9},       // recorded class 0.774
		{What: "the loss falls near 0", Path: "loss.-1", Min: nan, Max: 0.05},             // recorded class 9.4e-5
	}
	for _, f := range measurements.CheckRecorded("welcome", claims) {
		t.Error(f)
	}
}
