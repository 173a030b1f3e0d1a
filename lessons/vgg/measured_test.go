package vgg

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the lesson's claim on every committed run (measurements/): the
// deeper nets beat the shallowest on the test set. Its margins are set well under
// what it measured (noted beside each) and the quick test's seed spread (vgg_test.go).
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "VGG-11 learns Fashion-MNIST", Path: "depths.2.test_accuracy", Min: 0.85, Max: nan},                          // recorded: class 0.891, full 0.921
		{What: "VGG-11 beats VGG-5", Path: "depths.2.test_accuracy", Minus: "depths.0.test_accuracy", Min: 0.005, Max: nan}, // recorded: class +0.013, full +0.015
		{What: "VGG-8 beats VGG-5", Path: "depths.1.test_accuracy", Minus: "depths.0.test_accuracy", Min: 0.003, Max: nan},  // recorded: class +0.010, full +0.011
	}
	for _, f := range measurements.CheckRecorded("vgg", claims) {
		t.Error(f)
	}
}
