package detection

import (
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestCrowdedDigitsCollide checks the weakness demonstration's premise: in the crowded images many
// more digits share a YOLO cell than in the validation split, so YOLO v1 cannot even be trained on
// them. Recall of the ground truth itself is 1, of nothing 0. The weakness itself, on trained
// detectors, is asserted by TestRunDetectorsQuick (checkCrowdedWeakness).
func TestCrowdedDigitsCollide(t *testing.T) {
	grid := YOLOQuick().Grid
	crowded, err := CrowdedDigits(30)
	if err != nil {
		t.Fatal(err)
	}
	val, err := ValidationSet(30)
	if err != nil {
		t.Fatal(err)
	}
	no, nd := CellCollisions(grid, val)
	co, cd := CellCollisions(grid, crowded)
	t.Logf("validation: %d of %d digits collide; crowded: %d of %d", nd, no, cd, co)
	if !(float64(cd)/float64(co) > 0.10 && float64(cd)/float64(co) > 3*float64(nd)/float64(no)) {
		t.Errorf("crowded: %d of %d digits collide, validation %d of %d; want over 10%% and 3 times the validation share", cd, co, nd, no)
	}
	perfect := make([][]detect.Detection, crowded.Images.N)
	for i := range perfect {
		for _, o := range Objects(crowded, i) {
			perfect[i] = append(perfect[i], detect.Detection{Box: o.Box, Class: o.Class, Score: 1})
		}
	}
	for _, c := range []struct {
		name string
		dets [][]detect.Detection
		want float64 // by hand
	}{{"ground truth", perfect, 1}, {"nothing", make([][]detect.Detection, crowded.Images.N), 0}} {
		if got := Recall(crowded, c.dets); got != c.want {
			t.Errorf("Recall(%s) = %v, want %v", c.name, got, c.want)
		}
	}
}
