package detect

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestLabelProposals(t *testing.T) {
	objects := []Object{{Box{0, 0, 10, 10}, 3}, {Box{20, 0, 30, 10}, 7}}
	proposals := []Box{
		{0, 0, 10, 10},   // IoU 1 with object 0
		{0, 0, 10, 20},   // IoU 0.5 exactly: foreground
		{20, 0, 30, 25},  // IoU 0.4 with object 1: ignored between 0.3 and 0.5
		{50, 50, 60, 60}, // IoU 0: background
		{5, 0, 25, 10},   // IoU 0.25 with both: background, first object on the tie
	}
	// By hand.
	wantLabels := []int{3, 3, IgnoreLabel, 10, 10}
	wantMatched := []int{0, 0, 1, 0, 0}
	labels, matched := LabelProposals(proposals, objects, 10, 0.5, 0.3)
	if !slices.Equal(labels, wantLabels) || !slices.Equal(matched, wantMatched) {
		t.Errorf("LabelProposals = %v, %v, want %v, %v", labels, matched, wantLabels, wantMatched)
	}
	labels, matched = LabelProposals(proposals[:2], nil, 10, 0.5, 0.3)
	if !slices.Equal(labels, []int{10, 10}) || !slices.Equal(matched, []int{-1, -1}) {
		t.Errorf("LabelProposals without objects = %v, %v, want background and -1", labels, matched)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "class 10") {
			t.Errorf("recovered %v, want a panic about class 10", r)
		}
	}()
	LabelProposals(proposals, []Object{{Box{0, 0, 1, 1}, 10}}, 10, 0.5, 0.3)
}

type roiCase struct {
	Name                    string
	Height, Width, Channels int
	Scale                   float32
	OutH                    int `json:"out_h"`
	OutW                    int `json:"out_w"`
	Features                []float32
	RoIs                    [][4]float32
	Pooled                  [][]float32
}

type roiGolden struct {
	RoIPool  []roiCase `json:"roi_pool"`
	RoIAlign []roiCase `json:"roi_align"`
	BoxCoder struct {
		Proposals, Targets, Deltas, Decoded [][4]float32
	} `json:"box_coder"`
}

func loadRoIGolden(t *testing.T) *roiGolden {
	t.Helper()
	data, err := os.ReadFile("testdata/roi_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g roiGolden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("testdata/roi_golden.json: %v", err)
	}
	return &g
}

// TestRoIPoolGolden compares with torchvision 0.14's roi_pool (testdata/gen_roi.py): max pooling
// selects input values, so the comparison is exact.
func TestRoIPoolGolden(t *testing.T) {
	g := loadRoIGolden(t)
	if len(g.RoIPool) == 0 {
		t.Fatal("no roi_pool cases")
	}
	for _, c := range g.RoIPool {
		t.Run(c.Name, func(t *testing.T) {
			for k, r := range c.RoIs {
				got := RoIPool(c.Features, c.Height, c.Width, c.Channels, Box{r[0], r[1], r[2], r[3]}, c.Scale, c.OutH, c.OutW)
				if !slices.Equal(got, c.Pooled[k]) {
					t.Errorf("RoIPool(roi %v) = %v, torchvision %v", r, got, c.Pooled[k])
				}
			}
		})
	}
}

func TestRoIPoolByHand(t *testing.T) {
	// A 4x4 single-channel map with values 0..15, row-major; the whole map pooled 2x2 takes each
	// quadrant's maximum (by hand): the roi (0,0)-(3,3) rounds to cells 0..3 inclusive.
	feat := make([]float32, 16)
	for i := range feat {
		feat[i] = float32(i)
	}
	got := RoIPool(feat, 4, 4, 1, Box{0, 0, 3, 3}, 1, 2, 2)
	if want := []float32{5, 7, 13, 15}; !slices.Equal(got, want) {
		t.Errorf("RoIPool = %v, want %v", got, want)
	}
}

func TestBoxDeltaGolden(t *testing.T) {
	g := loadRoIGolden(t).BoxCoder
	if len(g.Proposals) == 0 {
		t.Fatal("no box_coder cases")
	}
	for i := range g.Proposals {
		p, gt := toBoxes(g.Proposals[i : i+1])[0], toBoxes(g.Targets[i : i+1])[0]
		d := BoxDelta(p, gt)
		for k := range 4 {
			if math.Abs(float64(d[k]-g.Deltas[i][k])) > 1e-5 {
				t.Errorf("BoxDelta(%v, %v) = %v, torchvision BoxCoder %v", p, gt, d, g.Deltas[i])
				break
			}
		}
		back := ApplyDelta(p, g.Deltas[i])
		want := toBoxes(g.Decoded[i : i+1])[0]
		if math.Abs(float64(back.X1-want.X1))+math.Abs(float64(back.Y1-want.Y1))+
			math.Abs(float64(back.X2-want.X2))+math.Abs(float64(back.Y2-want.Y2)) > 1e-3 {
			t.Errorf("ApplyDelta(%v, %v) = %v, torchvision %v", p, g.Deltas[i], back, want)
		}
	}
}

func TestBoxDeltaRoundTrip(t *testing.T) {
	p, g := Box{10, 20, 30, 60}, Box{12, 18, 40, 50}
	// By hand: centres (20, 40) and (26, 34), sizes 20x40 and 28x32: (0.3, -0.15, ln 1.4, ln 0.8).
	want := [4]float32{0.3, -0.15, float32(math.Log(1.4)), float32(math.Log(0.8))}
	d := BoxDelta(p, g)
	for k := range 4 {
		if math.Abs(float64(d[k]-want[k])) > 1e-6 {
			t.Fatalf("BoxDelta = %v, want %v", d, want)
		}
	}
	if back := ApplyDelta(p, d); IoU(back, g) < 0.9999 {
		t.Errorf("ApplyDelta(BoxDelta) = %v, want %v", back, g)
	}
}

func TestWarpRegion(t *testing.T) {
	// A 4x4 grey image, value = column / 3. Warping the whole image to 4x4 without context returns it
	// (by hand: output pixel centres land on input pixel centres).
	img := Image{Width: 4, Height: 4, Channels: 1, Pix: make([]float32, 16)}
	for i := range img.Pix {
		img.Pix[i] = float32(i%4) / 3
	}
	got := WarpRegion(img, Box{0, 0, 4, 4}, 4, 0)
	for i := range got {
		if math.Abs(float64(got[i]-img.Pix[i])) > 1e-6 {
			t.Fatalf("WarpRegion identity = %v, want %v", got, img.Pix)
		}
	}
	// The right half, 2 columns wide, stretched to 4: samples at columns 1.75, 2.25, 2.75, 3.25 of the
	// image, i.e. values 1.75/3 .. and beyond the last column blends with the zero outside (by hand).
	got = WarpRegion(img, Box{2, 0, 4, 4}, 4, 0)
	want := []float32{1.75 / 3, 2.25 / 3, 2.75 / 3, 0.75 * 1}
	for k := range want {
		if math.Abs(float64(got[k]-want[k])) > 1e-6 {
			t.Fatalf("WarpRegion right half row 0 = %v, want %v", got[:4], want)
		}
	}
	// Context: with size 8 and context 2 the box fills the inner 4x4; the border samples outside
	// the 4x4 image read 0.
	got = WarpRegion(img, Box{0, 0, 4, 4}, 8, 2)
	if got[0] != 0 || got[8*8-1] != 0 {
		t.Errorf("WarpRegion with context: corners %v and %v, want 0 (outside the image)", got[0], got[63])
	}
	defer func() {
		if recover() == nil {
			t.Error("WarpRegion with context 2 at size 4 did not panic")
		}
	}()
	WarpRegion(img, Box{0, 0, 4, 4}, 4, 2)
}
