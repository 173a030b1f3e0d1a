package detection

import (
	"slices"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestCrowdedDigitsCollide checks the weakness demonstration's premise: in the crowded images many
// more digits share a YOLO cell than in the validation split, so YOLO v1 cannot even be trained on
// them. Recall of the ground truth itself is 1, of nothing 0. The weakness itself, on trained
// detectors, is asserted by TestRunDetectorsQuick (checkWeaknesses).
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

// TestWeaknessSetsShapes checks the premise of each weakness set against the validation split: the
// small digits' boxes are smaller than any training digit (at most 12 pixels high, the training ones
// 16 to 40 before their tight box), and the stretched digits are wider than high on average where the
// validation digits are higher than wide.
func TestWeaknessSetsShapes(t *testing.T) {
	val, err := ValidationSet(30)
	if err != nil {
		t.Fatal(err)
	}
	small, err := SmallDigits(30)
	if err != nil {
		t.Fatal(err)
	}
	stretched, err := StretchedDigits(30)
	if err != nil {
		t.Fatal(err)
	}
	if stretched.Images.Width != val.Images.Width || stretched.Images.Height != val.Images.Height {
		t.Fatalf("stretched images %dx%d, want the validation images' %dx%d", stretched.Images.Width, stretched.Images.Height, val.Images.Width, val.Images.Height)
	}
	meanAspect := func(d *datasets.Detection) (aspect, maxSide float64) {
		n := 0
		for _, objs := range d.Objects {
			for _, o := range objs {
				aspect += float64(o.Box.X2-o.Box.X1) / float64(o.Box.Y2-o.Box.Y1)
				maxSide = max(maxSide, float64(o.Box.Y2-o.Box.Y1))
				n++
			}
		}
		return aspect / float64(n), maxSide
	}
	valAspect, _ := meanAspect(val)
	strAspect, _ := meanAspect(stretched)
	_, smallSide := meanAspect(small)
	t.Logf("mean width/height: validation %.2f, stretched %.2f; tallest small digit %.0f pixels", valAspect, strAspect, smallSide)
	if !(valAspect < 1 && strAspect > 1.5*valAspect) {
		t.Errorf("mean width/height %.2f (validation) and %.2f (stretched): want below 1 and over 1.5 times it", valAspect, strAspect)
	}
	if !(smallSide <= 12) {
		t.Errorf("tallest small digit %.0f pixels, want <= 12", smallSide)
	}
}

func TestStretchXByHand(t *testing.T) {
	d := &datasets.Detection{
		Images:  &datasets.Images{N: 1, Height: 1, Width: 2, Channels: 1, Pixels: []float32{0, 1}},
		Objects: [][]datasets.Object{{{Box: datasets.Box{X1: 0.5, Y1: 0, X2: 1.5, Y2: 1}, Class: 3}}},
	}
	got := stretchX(d, 2)
	// Output pixel x samples input position (x + 0.5)/2 - 0.5, clamped to [0, 1]: 0, 0.25, 0.75, 1.
	if want := []float32{0, 0.25, 0.75, 1}; !slices.Equal(got.Images.Pixels, want) {
		t.Errorf("pixels %v, want %v", got.Images.Pixels, want)
	}
	if b := got.Objects[0][0].Box; b.X1 != 1 || b.X2 != 3 || b.Y2 != 1 || got.Objects[0][0].Class != 3 {
		t.Errorf("object %+v, want box x 1..3, y 0..1, class 3", got.Objects[0][0])
	}
}
