package datasets

import (
	"math"
	"slices"
	"testing"
)

// blobSource is a one-image source: a 28x28 black image whose rows 10-17 and columns 12-15
// are white, labelled 3.
func blobSource() *Images {
	d := &Images{Pixels: make([]float32, 28*28), Labels: []int{3}, N: 1, Height: 28, Width: 28, Channels: 1, ClassNames: digitNames}
	for y := 10; y <= 17; y++ {
		for x := 12; x <= 15; x++ {
			d.Pixels[y*28+x] = 1
		}
	}
	return d
}

func TestGenerateDigitsTightBoxes(t *testing.T) {
	tests := []struct {
		name       string
		size       int
		wantW, wWH float32 // box width and height, by hand
	}{
		// Unscaled: the blob itself, 4 wide and 8 high.
		{"size 28", 28, 4, 8},
		// Scaled 2x with centres aligned: output column x samples source (x+0.5)/2-0.5, non-zero
		// for source positions strictly between 11 and 16, so x in 23..32 (10 columns); rows
		// 19..36 (18 rows).
		{"size 56", 56, 10, 18},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DigitsConfig{Width: 64, Height: 64, MinDigits: 1, MaxDigits: 1, MinSize: tc.size, MaxSize: tc.size, Seed: 7}
			det, err := GenerateDigits(blobSource(), 20, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i, objs := range det.Objects {
				if len(objs) != 1 || objs[0].Class != 3 {
					t.Fatalf("image %d objects %+v, want one of class 3", i, objs)
				}
				b := objs[0].Box
				if b.Width() != tc.wantW || b.Height() != tc.wWH {
					t.Errorf("image %d box %+v is %vx%v, want %vx%v", i, b, b.Width(), b.Height(), tc.wantW, tc.wWH)
				}
				assertTight(t, det.Images, i, b)
			}
		})
	}
}

// assertTight checks that every edge row and column of b holds a lit pixel and the box lies
// inside the canvas.
func assertTight(t *testing.T, im *Images, i int, b Box) {
	t.Helper()
	if b.X1 < 0 || b.Y1 < 0 || b.X2 > float32(im.Width) || b.Y2 > float32(im.Height) || b.Area() <= 0 {
		t.Fatalf("image %d box %+v outside the %dx%d canvas or empty", i, b, im.Width, im.Height)
	}
	px := im.Image(i)
	lit := func(x0, y0, x1, y1 int) bool {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if px[y*im.Width+x] > 0 {
					return true
				}
			}
		}
		return false
	}
	x1, y1, x2, y2 := int(b.X1), int(b.Y1), int(b.X2), int(b.Y2)
	if !lit(x1, y1, x1+1, y2) || !lit(x2-1, y1, x2, y2) || !lit(x1, y1, x2, y1+1) || !lit(x1, y2-1, x2, y2) {
		t.Errorf("image %d box %+v is not tight: an edge has no lit pixel", i, b)
	}
}

func TestGenerateDigitsProperties(t *testing.T) {
	requireEntry(t, "mnist")
	src, err := LoadMNIST(Test)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultDigitsConfig()
	cfg.Clutter = 0 // so every lit pixel belongs to a digit box (checked below)
	a, err := GenerateDigits(src, 50, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateDigits(src, 50, cfg)
	if !slices.Equal(a.Images.Pixels, b.Images.Pixels) || !slices.EqualFunc(a.Objects, b.Objects, slices.Equal) {
		t.Error("same seed gave different data")
	}
	cfg2 := cfg
	cfg2.Seed++
	c, _ := GenerateDigits(src, 50, cfg2)
	if slices.Equal(a.Images.Pixels, c.Images.Pixels) {
		t.Error("different seeds gave identical images")
	}
	total := 0
	for i, objs := range a.Objects {
		if len(objs) < cfg.MinDigits || len(objs) > cfg.MaxDigits {
			t.Errorf("image %d has %d digits, want %d..%d", i, len(objs), cfg.MinDigits, cfg.MaxDigits)
		}
		total += len(objs)
		for j, o := range objs {
			assertTight(t, a.Images, i, o.Box)
			if o.Box.Width() > float32(cfg.MaxSize) || o.Box.Height() > float32(cfg.MaxSize) {
				t.Errorf("image %d box %+v larger than MaxSize %d", i, o.Box, cfg.MaxSize)
			}
			for _, p := range objs[:j] {
				if v := iou(o.Box, p.Box); v > cfg.MaxIoU {
					t.Errorf("image %d boxes overlap with IoU %v > %v", i, v, cfg.MaxIoU)
				}
			}
		}
		// Without clutter, nothing is lit outside the boxes.
		px := a.Images.Image(i)
		for y := range a.Images.Height {
			for x := range a.Images.Width {
				if px[y*a.Images.Width+x] == 0 {
					continue
				}
				inside := false
				for _, o := range objs {
					fx, fy := float32(x), float32(y)
					inside = inside || (fx >= o.Box.X1 && fx < o.Box.X2 && fy >= o.Box.Y1 && fy < o.Box.Y2)
				}
				if !inside {
					t.Fatalf("image %d pixel (%d,%d) lit outside every box", i, x, y)
				}
			}
		}
	}
	// Mean of a uniform 1..4 is 2.5; 50 images put the mean well inside [1.8, 3.2].
	if mean := float64(total) / 50; math.Abs(mean-2.5) > 0.7 {
		t.Errorf("mean digits per image %v, want about 2.5", mean)
	}
}

func TestGenerateDigitsClutterUnlabelled(t *testing.T) {
	cfg := DigitsConfig{Width: 64, Height: 64, MinDigits: 0, MaxDigits: 0, MinSize: 28, MaxSize: 28, Clutter: 3, Seed: 1}
	det, err := GenerateDigits(blobSource(), 10, cfg)
	if err != nil {
		t.Fatal(err)
	}
	lit := 0
	for i := range det.Images.N {
		if len(det.Objects[i]) != 0 {
			t.Fatalf("image %d has objects %v with MaxDigits 0", i, det.Objects[i])
		}
		for _, v := range det.Images.Image(i) {
			if v > 0 {
				lit++
			}
		}
	}
	if lit == 0 {
		t.Error("clutter drew nothing in 10 images")
	}
}

func TestDigitsConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *DigitsConfig)
	}{
		{"zero canvas", func(c *DigitsConfig) { c.Width = 0 }},
		{"min over max digits", func(c *DigitsConfig) { c.MinDigits = 5 }},
		{"digit larger than canvas", func(c *DigitsConfig) { c.MaxSize = 200 }},
		{"tiny digits", func(c *DigitsConfig) { c.MinSize = 2 }},
		{"negative clutter", func(c *DigitsConfig) { c.Clutter = -1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultDigitsConfig()
			tc.modify(&cfg)
			if _, err := GenerateDigits(blobSource(), 1, cfg); err == nil {
				t.Errorf("GenerateDigits accepted %+v", cfg)
			}
		})
	}
	rgb := &Images{Pixels: make([]float32, 3), Labels: []int{0}, N: 1, Height: 1, Width: 1, Channels: 3}
	if _, err := GenerateDigits(rgb, 1, DefaultDigitsConfig()); err == nil {
		t.Error("GenerateDigits accepted a 3-channel source")
	}
}

func TestDigitDetectionFixedValidation(t *testing.T) {
	requireEntry(t, "mnist")
	cfg := DefaultDigitsConfig()
	train1, val1, err := DigitDetection(cfg, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 99
	train2, val2, err := DigitDetection(cfg, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(val1.Images.Pixels, val2.Images.Pixels) {
		t.Error("validation split changed with the training seed")
	}
	if slices.Equal(train1.Images.Pixels, train2.Images.Pixels) {
		t.Error("training split did not change with the seed")
	}
}

func BenchmarkGenerateDigits(b *testing.B) {
	src := blobSource()
	cfg := DefaultDigitsConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GenerateDigits(src, 100, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
