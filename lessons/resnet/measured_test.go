package resnet

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the degradation problem on every committed run (measurements/):
// the deep plain net ends with a higher training loss than the shallow one, the deep residual net
// with a lower one. Nets in the report: plain-shallow, plain-deep, residual-shallow, residual-deep.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "deep plain trains worse than shallow plain", Path: "nets.1.final_train_loss", Minus: "nets.0.final_train_loss", Min: 0.05, Max: nan},      // recorded +0.130
		{What: "deep residual trains at least as well as shallow", Path: "nets.3.final_train_loss", Minus: "nets.2.final_train_loss", Min: nan, Max: 0.0}, // recorded -0.073
		{What: "deep residual beats deep plain", Path: "nets.1.final_train_loss", Minus: "nets.3.final_train_loss", Min: 0.08, Max: nan},                  // recorded +0.187
	}
	for _, f := range measurements.CheckRecorded("resnet", claims) {
		t.Error(f)
	}
}
