package detection

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the detection lesson's claims on every committed run
// (measurements/): NMS removes duplicates and raises mAP; YOLO is at least 10x faster per image than
// R-CNN and Fast R-CNN's network faster than R-CNN's (speed claims, so they are checked on the
// recorded run, not timed in a test); both learn.
// Models: YOLO v1, R-CNN, Fast R-CNN.
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "YOLO is at least 10x faster per image than R-CNN", Path: "detectors.yolo_speedup", Min: 10, Max: nan},                                      // recorded 81x and 84x (two class runs)
		{What: "Fast R-CNN's network is faster than R-CNN's (selective search left out)", Path: "detectors.fast_rcnn_network_speedup", Min: 1.1, Max: nan}, // recorded 1.31x and 1.24x
		{What: "YOLO learns", Path: "detectors.models.0.map50", Min: 0.7, Max: nan},                                                                        // recorded 0.801
		{What: "R-CNN learns", Path: "detectors.models.1.map50", Min: 0.8, Max: nan},                                                                       // recorded 0.875
		{What: "NMS raises YOLO's mAP@0.5", Path: "detectors.yolo_after_nms.map50", Minus: "detectors.yolo_before_nms.map50", Min: 0.01, Max: nan},         // recorded +0.041
	}
	for _, f := range measurements.CheckRecorded("detection", claims) {
		t.Error(f)
	}
	// The targets, on the full preset (one recorded run).
	for _, f := range measurements.CheckClaims("detection", "full", []measurements.Claim{
		{What: "YOLO reaches mAP@0.5 0.90", Path: "detectors.models.0.map50", Min: 0.90, Max: nan},  // recorded 0.921
		{What: "R-CNN reaches mAP@0.5 0.85", Path: "detectors.models.1.map50", Min: 0.85, Max: nan}, // recorded 0.924
	}) {
		t.Error(f)
	}
}
