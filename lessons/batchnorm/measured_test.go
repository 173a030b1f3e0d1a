package batchnorm

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts BatchNorm's claims on every committed run (measurements/): at the
// low learning rate BatchNorm reaches the target in fewer steps; at the high rate the plain net
// never does (steps -1) and BatchNorm does. Runs: no BN / BN at lr 0.003, then at lr 0.1.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "BN reaches the target sooner at lr 0.003", Path: "runs.0.steps_to_target", Minus: "runs.1.steps_to_target", Min: 100, Max: nan}, // recorded 900 - 680 (class and full)
		{What: "no BN at lr 0.1 never reaches the target", Path: "runs.2.steps_to_target", Min: -1, Max: -1},                                    // recorded -1 (class and full)
		{What: "BN at lr 0.1 reaches it", Path: "runs.3.steps_to_target", Min: 1, Max: 1500},                                                    // recorded 520 (class and full)
	}
	for _, f := range measurements.CheckRecorded("batchnorm", claims) {
		t.Error(f)
	}
}
