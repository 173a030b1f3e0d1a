package augment

import (
	"math"
	"slices"
	"testing"
)

// bx is a short Box literal for tables.
func bx(x1, y1, x2, y2 float32) Box { return Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }

// ramp returns an h x w x c image whose values all differ, so that geometry errors show.
func ramp(h, w, c int) *Image {
	m := NewImage(h, w, c)
	for i := range m.Pix {
		m.Pix[i] = float32(i) / float32(len(m.Pix))
	}
	return m
}

func TestResizeOutputSize(t *testing.T) {
	// Expected values by hand from torchvision 0.14's _compute_resized_output_size.
	tests := []struct {
		name         string
		t            Resize
		h, w         int
		wantH, wantW int
	}{
		{"landscape 500x375 to 224", Resize{Size: 224}, 375, 500, 224, 298}, // int(224*500/375) = int(298.67)
		{"portrait 375x500 to 224", Resize{Size: 224}, 500, 375, 298, 224},
		{"square", Resize{Size: 256}, 300, 300, 256, 256},
		{"upscale short side", Resize{Size: 10}, 3, 7, 10, 23}, // int(23.33)
		{"exact size", Resize{Height: 5, Width: 9}, 30, 40, 5, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, w := tc.t.OutputSize(tc.h, tc.w)
			if h != tc.wantH || w != tc.wantW {
				t.Errorf("%+v.OutputSize(%d, %d) = %d, %d, want %d, %d", tc.t, tc.h, tc.w, h, w, tc.wantH, tc.wantW)
			}
		})
	}
}

func TestResizeInvalidPanics(t *testing.T) {
	for _, r := range []Resize{{}, {Size: 3, Height: 2, Width: 2}, {Height: 4}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v.OutputSize did not panic", r)
				}
			}()
			r.OutputSize(10, 10)
		}()
	}
}

func TestResizeBoxes(t *testing.T) {
	s := Sample{Image: ramp(10, 20, 3), Boxes: []Box{bx(2, 1, 10, 5), bx(0, 0, 20, 10)}, Classes: []int{7, 8}}
	got := Resize{Height: 5, Width: 40}.Apply(s, nil)
	// By hand: x scales by 40/20 = 2, y by 5/10 = 0.5.
	want := []Box{bx(4, 0.5, 20, 2.5), bx(0, 0, 40, 5)}
	if !slices.Equal(got.Boxes, want) || !slices.Equal(got.Classes, []int{7, 8}) {
		t.Errorf("boxes %v classes %v, want %v [7 8]", got.Boxes, got.Classes, want)
	}
	if s.Boxes[0] != (bx(2, 1, 10, 5)) {
		t.Errorf("input boxes modified: %v", s.Boxes)
	}
}

func TestResizeSameSizeIsIdentity(t *testing.T) {
	in := ramp(6, 4, 3)
	for _, interp := range []Interpolation{Bilinear, BilinearAntialias} {
		got := ResizeImage(in, 6, 4, interp)
		if err := compareImages(got, goldenImage{H: 6, W: 4, C: 3, Pix: in.Pix}, 1e-7); err != nil {
			t.Errorf("%v: %v", interp, err)
		}
	}
}

func TestResizeConstantStaysConstant(t *testing.T) {
	// Weights are normalised, so a constant image stays constant at any scale (property).
	in := NewImage(37, 23, 3)
	for i := range in.Pix {
		in.Pix[i] = 0.3
	}
	for _, size := range [][2]int{{5, 4}, {100, 7}, {37, 23}, {1, 1}} {
		for _, interp := range []Interpolation{Bilinear, BilinearAntialias} {
			out := ResizeImage(in, size[0], size[1], interp)
			for i, v := range out.Pix {
				if math.Abs(float64(v)-0.3) > 1e-6 {
					t.Fatalf("%v to %v: pixel %d = %v, want 0.3", interp, size, i, v)
				}
			}
		}
	}
}

func TestCenterCropOffsets(t *testing.T) {
	// Expected by hand from torchvision 0.14's center_crop: int(round((size-crop)/2)) with Python's
	// round (half to even), or -((crop-size)//2) after zero padding when the crop is larger.
	tests := []struct {
		name       string
		size, crop int
		want       int
	}{
		{"even margin 4", 8, 4, 2},
		{"odd margin 5 rounds 2.5 to 2", 10, 5, 2},
		{"odd margin 3 rounds 1.5 to 2", 7, 4, 2},
		{"odd margin 1 rounds 0.5 to 0", 6, 5, 0},
		{"odd margin 7 rounds 3.5 to 4", 11, 4, 4},
		{"no margin", 5, 5, 0},
		{"crop larger by 3 pads 1 before", 5, 8, -1},
		{"crop larger by 4 pads 2 before", 5, 9, -2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			top, left := CenterCrop{Height: tc.crop, Width: tc.crop}.Offsets(tc.size, tc.size)
			if top != tc.want || left != tc.want {
				t.Errorf("Offsets(%d) for crop %d = %d, %d, want %d", tc.size, tc.crop, top, left, tc.want)
			}
		})
	}
}

func TestCropOutsideIsZero(t *testing.T) {
	in := ramp(3, 3, 1)
	got := Crop(in, -1, 2, 3, 3)
	// By hand: row -1 is outside; columns 3, 4 are outside.
	want := []float32{0, 0, 0, in.At(0, 2, 0), 0, 0, in.At(1, 2, 0), 0, 0}
	if !slices.Equal(got.Pix, want) {
		t.Errorf("Crop = %v, want %v", got.Pix, want)
	}
}

func TestCenterCropBoxes(t *testing.T) {
	s := Sample{
		Image:   ramp(10, 10, 3),
		Boxes:   []Box{bx(0, 0, 4, 4), bx(0, 0, 2, 2), bx(4, 4, 6, 6), bx(8, 2, 10, 3)},
		Classes: []int{0, 1, 2, 3},
	}
	got := CenterCrop{Size: 6}.Apply(s, nil) // offsets 2, 2
	// By hand: box 0 clipped to (0,0,2,2); box 1 lies outside (dropped); box 2 moves to (2,2,4,4); box 3
	// moves to (6,0,8,1) and is clipped to (6,0,6,1), no area: dropped.
	wantBoxes := []Box{bx(0, 0, 2, 2), bx(2, 2, 4, 4)}
	if !slices.Equal(got.Boxes, wantBoxes) || !slices.Equal(got.Classes, []int{0, 2}) {
		t.Errorf("boxes %v classes %v, want %v [0 2]", got.Boxes, got.Classes, wantBoxes)
	}
}

func TestHFlipTwiceIsIdentity(t *testing.T) {
	for _, c := range []int{1, 3} {
		in := ramp(5, 7, c)
		if got := HFlip(HFlip(in)); !slices.Equal(got.Pix, in.Pix) {
			t.Errorf("%d channels: HFlip(HFlip(x)) != x", c)
		}
		if got := HFlip(in); got.At(2, 0, 0) != in.At(2, 6, 0) {
			t.Errorf("%d channels: HFlip(x)[2,0] = %v, want x[2,6] = %v", c, got.At(2, 0, 0), in.At(2, 6, 0))
		}
	}
}

func TestRandomHorizontalFlipBoxes(t *testing.T) {
	s := Sample{Image: ramp(4, 10, 3), Boxes: []Box{bx(1, 0, 3, 2), bx(0, 1, 10, 4)}}
	got := RandomHorizontalFlip{P: 1}.Apply(s, SampleRand(1, 0, 0))
	want := []Box{bx(7, 0, 9, 2), bx(0, 1, 10, 4)} // by hand: (W-X2, Y1, W-X1, Y2) with W = 10
	if !slices.Equal(got.Boxes, want) {
		t.Errorf("flipped boxes %v, want %v", got.Boxes, want)
	}
	back := RandomHorizontalFlip{P: 1}.Apply(got, SampleRand(1, 0, 1))
	if !slices.Equal(back.Boxes, s.Boxes) || !slices.Equal(back.Image.Pix, s.Image.Pix) {
		t.Errorf("flipping twice changed the sample")
	}
}

func TestRandomHorizontalFlipProbability(t *testing.T) {
	in := Sample{Image: ramp(1, 2, 1)}
	for _, p := range []float64{0, 0.3, 1} {
		flips := 0
		const n = 4000
		r := SampleRand(5, 0, 0)
		for range n {
			if out := (RandomHorizontalFlip{P: p}).Apply(in, r); out.Image != in.Image {
				flips++
			}
		}
		// Binomial(4000, p) has standard deviation <= 32 flips; allow 4 of them.
		if got := float64(flips); math.Abs(got-p*n) > 4*math.Sqrt(n*p*(1-p))+1e-9 {
			t.Errorf("P=%v: %d flips in %d, want about %v", p, flips, n, p*n)
		}
	}
}

func TestNormalizeInverse(t *testing.T) {
	in := ramp(4, 5, 3)
	n := Normalize{Mean: ImageNetMean, Std: ImageNetStd}
	out := n.Apply(Sample{Image: in}, nil)
	// By hand: pixel 0 channel 0 is 0, so (0-0.485)/0.229.
	if got, want := out.Image.Pix[0], float32((0-0.485)/0.229); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("normalised[0] = %v, want %v", got, want)
	}
	back := n.Inverse().Apply(out, nil)
	if err := compareImages(back.Image, goldenImage{H: 4, W: 5, C: 3, Pix: in.Pix}, 1e-6); err != nil {
		t.Errorf("Inverse(Normalize(x)) != x: %v", err)
	}
}

func TestComposeOrder(t *testing.T) {
	// CenterCrop then Resize differs from Resize then CenterCrop; Compose must keep the order.
	s := Sample{Image: ramp(20, 30, 3), Boxes: []Box{bx(10, 5, 20, 15)}}
	got := Compose{CenterCrop{Size: 10}, Resize{Size: 5}}.Apply(s, nil)
	// By hand: crop offsets (5, 10): box -> (0, 0, 10, 10); resize x0.5 -> (0, 0, 5, 5).
	if got.Image.Height != 5 || got.Image.Width != 5 || !slices.Equal(got.Boxes, []Box{bx(0, 0, 5, 5)}) {
		t.Errorf("got %dx%d boxes %v, want 5x5 [{0 0 5 5}]", got.Image.Height, got.Image.Width, got.Boxes)
	}
}
