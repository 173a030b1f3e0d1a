package detect

import (
	"math"
	"testing"
)

// TestRoIAlignGolden compares with torchvision 0.14's roi_align, sampling ratio 2, aligned=False
// (testdata/gen_roi.py): a region beyond the map, a point, and random regions at scales 1 and 1/4.
// The sums run in another order than torchvision's, so values agree to float32 rounding.
func TestRoIAlignGolden(t *testing.T) {
	g := loadRoIGolden(t)
	if len(g.RoIAlign) == 0 {
		t.Fatal("no roi_align cases")
	}
	for _, c := range g.RoIAlign {
		t.Run(c.Name, func(t *testing.T) {
			for k, r := range c.RoIs {
				got := RoIAlign(c.Features, c.Height, c.Width, c.Channels, Box{r[0], r[1], r[2], r[3]}, c.Scale, c.OutH, c.OutW, 2)
				for i := range got {
					if math.Abs(float64(got[i]-c.Pooled[k][i])) > 1e-5 {
						t.Errorf("RoIAlign(roi %v)[%d] = %v, torchvision %v", r, i, got[i], c.Pooled[k][i])
						break
					}
				}
			}
		})
	}
}

func TestRoIAlignWeightsByHand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		roi    Box
		wy, wx []float32 // one bin, one sample, on a 4x4 map at scale 1
	}{
		// Region (1,1)-(3,3): the sample at its centre (2, 2) sits on cell 2 along both axes.
		{"on a cell", Box{1, 1, 3, 3}, []float32{0, 0, 1, 0}, []float32{0, 0, 1, 0}},
		// Region (1,0.5)-(3,2.5): centre y = 1.5, halfway between rows 1 and 2.
		{"between rows", Box{1, 0.5, 3, 2.5}, []float32{0, 0.5, 0.5, 0}, []float32{0, 0, 1, 0}},
		// Centre beyond the last cell but within one cell: clamped onto cell 3.
		{"clamped", Box{3, 3, 4.5, 4.5}, []float32{0, 0, 0, 1}, []float32{0, 0, 0, 1}},
		// Centre more than one cell outside: the sample counts 0 (y = -1.5).
		{"outside", Box{1, -2, 3, -1}, []float32{0, 0, 0, 0}, []float32{0, 0, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wy, wx := RoIAlignWeights(4, 4, tc.roi, 1, 1, 1, 1)
			for i := range 4 {
				if wy[i] != tc.wy[i] || wx[i] != tc.wx[i] {
					t.Fatalf("weights %v, %v, want %v, %v", wy, wx, tc.wy, tc.wx)
				}
			}
		})
	}
	// Inside the map, every bin's weights sum to 1 along each axis.
	wy, _ := RoIAlignWeights(24, 24, Box{10, 12, 60, 50}, 0.25, 7, 7, 2)
	for b := range 7 {
		var sum float32
		for _, v := range wy[b*24 : (b+1)*24] {
			sum += v
		}
		if math.Abs(float64(sum-1)) > 1e-6 {
			t.Errorf("bin %d weights sum to %v, want 1", b, sum)
		}
	}
}

func TestRoIAlignPanics(t *testing.T) {
	for _, f := range []func(){
		func() { RoIAlignWeights(0, 4, Box{}, 1, 1, 1, 1) },
		func() { RoIAlignWeights(4, 4, Box{}, 1, 1, 1, 0) },
		func() { RoIAlign(make([]float32, 5), 2, 2, 1, Box{}, 1, 1, 1, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}
