package datasets

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// tiny returns 3 images of 1x2x1 with pixels i/10, (i+5)/10 and labels 0, 1, 0.
func tiny() *Images {
	return &Images{Pixels: []float32{0, 0.5, 0.1, 0.6, 0.2, 0.7}, Labels: []int{0, 1, 0},
		N: 3, Height: 1, Width: 2, Channels: 1, ClassNames: []string{"a", "b"}}
}

func TestImagesBatch(t *testing.T) {
	tests := []struct {
		name       string
		idx        []int
		wantPixels []float32 // by hand from tiny()
		wantLabels []int
	}{
		{"empty", nil, []float32{}, []int{}},
		{"one", []int{1}, []float32{0.1, 0.6}, []int{1}},
		{"reordered with repeat", []int{2, 0, 2}, []float32{0.2, 0.7, 0, 0.5, 0.2, 0.7}, []int{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tiny()
			px, lb := d.Batch(tc.idx)
			if !slices.Equal(px, tc.wantPixels) || !slices.Equal(lb, tc.wantLabels) {
				t.Errorf("Batch(%v) = %v %v, want %v %v", tc.idx, px, lb, tc.wantPixels, tc.wantLabels)
			}
			sub := d.Subset(tc.idx)
			if sub.N != len(tc.idx) || !slices.Equal(sub.Pixels, tc.wantPixels) || sub.Check() != nil {
				t.Errorf("Subset(%v) = %+v", tc.idx, sub)
			}
			if !slices.Equal(d.Pixels, tiny().Pixels) {
				t.Error("Batch modified its receiver")
			}
		})
	}
}

func TestImagesBatchPanics(t *testing.T) {
	tests := []struct {
		name string
		call func(d *Images)
	}{
		{"index out of range", func(d *Images) { d.Batch([]int{3}) }},
		{"negative index", func(d *Images) { d.Image(-1) }},
		{"short buffer", func(d *Images) { d.BatchTo(make([]float32, 1), make([]int, 1), []int{0}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !contains(r.(string), "datasets: ") {
					t.Errorf("panic %v, want a datasets: message", r)
				}
			}()
			tc.call(tiny())
		})
	}
}

func TestImagesCheck(t *testing.T) {
	tests := []struct {
		name   string
		modify func(d *Images)
		want   string // "" for valid
	}{
		{"valid", func(*Images) {}, ""},
		{"short pixels", func(d *Images) { d.Pixels = d.Pixels[:5] }, "5 pixels, want N*H*W*C = 6"},
		{"labels", func(d *Images) { d.Labels = d.Labels[:2] }, "2 labels"},
		{"label range", func(d *Images) { d.Labels[1] = 2 }, "label 2 of image 1"},
		{"pixel range", func(d *Images) { d.Pixels[3] = 1.5 }, "pixel 3 = 1.5"},
		{"nan", func(d *Images) { d.Pixels[0] = float32(math.NaN()) }, "pixel 0 = NaN"},
		{"shape", func(d *Images) { d.Channels = 0 }, "bad shape"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tiny()
			tc.modify(d)
			err := d.Check()
			if (err == nil) != (tc.want == "") || (err != nil && !contains(err.Error(), tc.want)) {
				t.Errorf("Check() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSplitString(t *testing.T) {
	for _, tc := range []struct {
		s    Split
		want string
	}{{Train, "train"}, {Test, "test"}, {Split(5), "Split(5)"}} {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("Split(%d).String() = %q, want %q", int(tc.s), got, tc.want)
		}
	}
}
