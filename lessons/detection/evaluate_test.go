package detection

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestEvaluate scores hand-made detections on the first validation images: the ground truth itself
// (mAP 1 at every IoU, by definition), the ground truth with every class shifted (mAP 0), and half of
// the objects found (mAP@0.5 below 1).
func TestEvaluate(t *testing.T) {
	val, err := ValidationSet(20)
	if err != nil {
		t.Fatal(err)
	}
	perfect := make([][]detect.Detection, val.Images.N)
	wrong := make([][]detect.Detection, val.Images.N)
	half := make([][]detect.Detection, val.Images.N)
	k := 0
	for i := range val.Images.N {
		for _, o := range objectsOf(val.Objects[i]) {
			d := detect.Detection{Box: o.Box, Class: o.Class, Score: 0.9}
			perfect[i] = append(perfect[i], d)
			d.Class = (d.Class + 1) % numDigits
			wrong[i] = append(wrong[i], d)
			if k%2 == 0 {
				half[i] = append(half[i], perfect[i][len(perfect[i])-1])
			}
			k++
		}
	}
	for _, c := range []struct {
		name   string
		dets   [][]detect.Detection
		lo, hi float64 // bounds on mAP@0.5, by hand
		cocoLo float64
		cocoHi float64
	}{
		{"ground truth", perfect, 1, 1, 1, 1},
		{"wrong classes", wrong, 0, 0, 0, 0},
		{"half the objects", half, 0.2, 0.8, 0.2, 0.8},
	} {
		t.Run(c.name, func(t *testing.T) {
			m50, coco, err := Evaluate(val, c.dets)
			if err != nil {
				t.Fatal(err)
			}
			if m50 < c.lo-1e-9 || m50 > c.hi+1e-9 || math.IsNaN(m50) {
				t.Errorf("mAP@0.5 = %v, want in [%v, %v]", m50, c.lo, c.hi)
			}
			if coco < c.cocoLo-1e-9 || coco > c.cocoHi+1e-9 || math.IsNaN(coco) {
				t.Errorf("COCO mAP = %v, want in [%v, %v]", coco, c.cocoLo, c.cocoHi)
			}
		})
	}
}
