package augment

import (
	"math"
	"slices"
	"testing"
)

func TestRandomResizedCropBounds(t *testing.T) {
	// Properties of torchvision's sampling: accepted regions lie inside the image and have an area
	// fraction in Scale and a width/height ratio in Ratio, up to the rounding of w and h to integers.
	tests := []struct {
		name         string
		h, w         int
		scale, ratio [2]float64
		maxFallbacks int
	}{
		// Each attempt succeeds more often than not here, so the fallback (10 failures in a row)
		// is rare: at most (1/2)^10 of 5000 draws, about 5.
		{"defaults on 375x500", 375, 500, [2]float64{}, [2]float64{}, 10},
		{"note recipe scale 0.5-1", 375, 500, [2]float64{0.5, 1}, [2]float64{}, 10},
		// A 40-pixel-wide image rarely fits w = sqrt(area*ratio): the fallback is common.
		{"wide ratio on tall image", 300, 40, [2]float64{0.1, 0.9}, [2]float64{0.5, 2}, 5000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rrc := RandomResizedCrop{Size: 8, Scale: tc.scale, Ratio: tc.ratio}
			scale, ratio := rrc.ranges()
			r := SampleRand(42, 0, 0)
			area := float64(tc.h * tc.w)
			fallbacks := 0
			for range 5000 {
				top, left, h, w, fb := rrc.Params(tc.h, tc.w, r)
				if top < 0 || left < 0 || top+h > tc.h || left+w > tc.w || h <= 0 || w <= 0 {
					t.Fatalf("region (%d, %d, %d, %d) outside %dx%d", top, left, h, w, tc.h, tc.w)
				}
				if fb {
					fallbacks++
					// By hand: the fallback keeps the width and clamps the ratio to its minimum on
					// tall images (w/h < Ratio[0]) or the height and maximum on wide ones.
					wantH, wantW := tc.h, tc.w
					if in := float64(tc.w) / float64(tc.h); in < ratio[0] {
						wantH = int(math.RoundToEven(float64(tc.w) / ratio[0]))
					} else if in > ratio[1] {
						wantW = int(math.RoundToEven(float64(tc.h) * ratio[1]))
					}
					if h != wantH || w != wantW || top != (tc.h-wantH)/2 || left != (tc.w-wantW)/2 {
						t.Fatalf("fallback (%d, %d, %d, %d), want (%d, %d, %d, %d)", top, left, h, w, (tc.h-wantH)/2, (tc.w-wantW)/2, wantH, wantW)
					}
					continue
				}
				fh, fw := float64(h), float64(w)
				slack := 0.5*(fh+fw) + 0.25 // |w*h - target| from rounding each side by <= 0.5
				if a := fh * fw; a < scale[0]*area-slack || a > scale[1]*area+slack {
					t.Fatalf("area %v outside [%v, %v]*%v", a, scale[0], scale[1], area)
				}
				if (fw+0.5)/(fh-0.5) < ratio[0] || (fw-0.5)/(fh+0.5) > ratio[1] {
					t.Fatalf("ratio %d/%d outside %v", w, h, ratio)
				}
			}
			if fallbacks > tc.maxFallbacks {
				t.Errorf("%d fallbacks in 5000 draws", fallbacks)
			}
		})
	}
}

func TestRandomResizedCropDistribution(t *testing.T) {
	// With Scale within what always fits, no attempt fails, so the area fraction is uniform on Scale
	// (mean 0.29 for [0.08, 0.5]) and log(w/h) uniform on log(Ratio), symmetric about 0.
	rrc := RandomResizedCrop{Size: 8, Scale: [2]float64{0.08, 0.5}}
	r := SampleRand(7, 0, 0)
	const n = 20000
	var sumArea, sumLog float64
	for range n {
		_, _, h, w, fb := rrc.Params(1000, 1000, r)
		if fb {
			t.Fatal("fallback taken although every attempt fits")
		}
		sumArea += float64(h*w) / 1e6
		sumLog += math.Log(float64(w) / float64(h))
	}
	// Standard errors: area 0.12/sqrt(n) = 0.0009, log ratio 0.166/sqrt(n) = 0.0012; allow ~5 of them.
	if m := sumArea / n; math.Abs(m-0.29) > 0.005 {
		t.Errorf("mean area fraction %v, want 0.29", m)
	}
	if m := sumLog / n; math.Abs(m) > 0.006 {
		t.Errorf("mean log ratio %v, want 0", m)
	}
}

func TestRandomResizedCropImpossibleFallsBack(t *testing.T) {
	// Scale 1 with ratio 2 cannot fit a square image: every attempt fails. By hand: w = 10,
	// h = round(10/2) = 5, top = (10-5)//2 = 2.
	rrc := RandomResizedCrop{Size: 4, Scale: [2]float64{1, 1}, Ratio: [2]float64{2, 2}}
	for seed := range uint64(20) {
		top, left, h, w, fb := rrc.Params(10, 10, SampleRand(seed, 0, 0))
		if !fb || top != 2 || left != 0 || h != 5 || w != 10 {
			t.Fatalf("seed %d: Params = (%d, %d, %d, %d, %v), want (2, 0, 5, 10, true)", seed, top, left, h, w, fb)
		}
	}
}

func TestRandomResizedCropBoxesAndSeed(t *testing.T) {
	s := Sample{Image: ramp(60, 80, 3), Boxes: []Box{bx(10, 10, 50, 40), bx(0, 0, 80, 60)}, Classes: []int{1, 2}}
	rrc := RandomResizedCrop{Size: 32}
	for i := range 50 {
		a := rrc.Apply(s, SampleRand(3, 0, i))
		b := rrc.Apply(s, SampleRand(3, 0, i))
		if !slices.Equal(a.Image.Pix, b.Image.Pix) || !slices.Equal(a.Boxes, b.Boxes) {
			t.Fatalf("draw %d: same seed gave different output", i)
		}
		if a.Image.Height != 32 || a.Image.Width != 32 {
			t.Fatalf("output %dx%d, want 32x32", a.Image.Height, a.Image.Width)
		}
		// The whole-image box always survives and becomes the whole output.
		if len(a.Boxes) == 0 || a.Boxes[len(a.Boxes)-1] != (bx(0, 0, 32, 32)) || a.Classes[len(a.Classes)-1] != 2 {
			t.Fatalf("draw %d: boxes %v classes %v, want last {0 0 32 32} class 2", i, a.Boxes, a.Classes)
		}
		for _, bx := range a.Boxes {
			if bx.X1 < 0 || bx.Y1 < 0 || bx.X2 > 32 || bx.Y2 > 32 || bx.Area() <= 0 {
				t.Fatalf("draw %d: box %v not inside 32x32 with area", i, bx)
			}
		}
	}
}

func TestColorJitter(t *testing.T) {
	in := Sample{Image: ramp(6, 6, 3)}
	t.Run("zero amounts leave the image", func(t *testing.T) {
		out := ColorJitter{}.Apply(in, SampleRand(1, 0, 0))
		if !slices.Equal(out.Image.Pix, in.Image.Pix) {
			t.Error("ColorJitter{} changed the image")
		}
	})
	t.Run("brightness factor within range", func(t *testing.T) {
		for i := range 200 {
			out := ColorJitter{Brightness: 0.4}.Apply(in, SampleRand(2, 0, i))
			// Pixel 1 is small enough never to clamp: out/in is the factor, in [0.6, 1.4].
			f := out.Image.Pix[1] / in.Image.Pix[1]
			if f < 0.6-1e-5 || f > 1.4+1e-5 {
				t.Fatalf("draw %d: factor %v outside [0.6, 1.4]", i, f)
			}
		}
	})
	t.Run("same seed same output, and order matters", func(t *testing.T) {
		cj := ColorJitter{Brightness: 0.5, Contrast: 0.5, Saturation: 0.5, Hue: 0.2}
		a := cj.Apply(in, SampleRand(9, 1, 2))
		b := cj.Apply(in, SampleRand(9, 1, 2))
		c := cj.Apply(in, SampleRand(9, 1, 3))
		if !slices.Equal(a.Image.Pix, b.Image.Pix) {
			t.Error("same seed gave different output")
		}
		if slices.Equal(a.Image.Pix, c.Image.Pix) {
			t.Error("different seeds gave the same output")
		}
		for _, v := range a.Image.Pix {
			if v < 0 || v > 1 {
				t.Fatalf("value %v outside [0, 1]", v)
			}
		}
	})
}

func TestBetaMoments(t *testing.T) {
	// Beta(a, b): mean a/(a+b), variance ab/((a+b)^2 (a+b+1)) (by hand).
	tests := []struct {
		name string
		a, b float64
	}{
		{"alpha 0.2 (MixUp)", 0.2, 0.2},
		{"alpha 1 (CutMix, uniform)", 1, 1},
		{"skewed", 2, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := SampleRand(11, 0, 0)
			const n = 40000
			var s, s2 float64
			for range n {
				x := Beta(r, tc.a, tc.b)
				if x < 0 || x > 1 {
					t.Fatalf("draw %v outside [0, 1]", x)
				}
				s += x
				s2 += x * x
			}
			mean, vr := s/n, s2/n-(s/n)*(s/n)
			wantMean := tc.a / (tc.a + tc.b)
			wantVar := tc.a * tc.b / ((tc.a + tc.b) * (tc.a + tc.b) * (tc.a + tc.b + 1))
			if math.Abs(mean-wantMean) > 5*math.Sqrt(wantVar/n) {
				t.Errorf("mean %v, want %v", mean, wantMean)
			}
			if math.Abs(vr-wantVar) > 0.05*wantVar {
				t.Errorf("variance %v, want %v", vr, wantVar)
			}
		})
	}
}

func TestSampleRandIndependentOfWorkers(t *testing.T) {
	samples := make([]Sample, 23)
	for i := range samples {
		samples[i] = Sample{Image: ramp(20, 30, 3), Boxes: []Box{bx(2, 2, 28, 18)}}
	}
	pipe := Compose{RandomResizedCrop{Size: 16}, RandomHorizontalFlip{P: 0.5}, ColorJitter{Brightness: 0.3}}
	one := ApplyAll(pipe, samples, 99, 3, 1)
	four := ApplyAll(pipe, samples, 99, 3, 4)
	other := ApplyAll(pipe, samples, 99, 4, 4)
	same := 0
	for i := range samples {
		if !slices.Equal(one[i].Image.Pix, four[i].Image.Pix) || !slices.Equal(one[i].Boxes, four[i].Boxes) {
			t.Fatalf("sample %d differs between 1 and 4 workers", i)
		}
		if slices.Equal(one[i].Image.Pix, other[i].Image.Pix) {
			same++
		}
	}
	if same == len(samples) {
		t.Error("epochs 3 and 4 gave identical augmentations")
	}
}

func TestRandomCrop(t *testing.T) {
	// Pad 2 then crop 28 from a 28x28 image: every shift in [-2, 2] x [-2, 2] occurs, roughly evenly
	// (25 cells, 5000 draws: 200 expected each, binomial sd about 14).
	rc := RandomCrop{Size: 28, Padding: 2}
	r := SampleRand(8, 0, 0)
	var counts [5][5]int
	for range 5000 {
		top, left := rc.Params(28, 28, r)
		if top < -2 || top > 2 || left < -2 || left > 2 {
			t.Fatalf("offset (%d, %d) outside [-2, 2]", top, left)
		}
		counts[top+2][left+2]++
	}
	for i := range counts {
		for j, c := range counts[i] {
			if c < 130 || c > 270 {
				t.Errorf("shift (%d, %d) drawn %d times, want about 200", i-2, j-2, c)
			}
		}
	}
	// Boxes and pixels move together: a box over pixel (10, 12) still covers the same value.
	in := Sample{Image: ramp(28, 28, 1), Boxes: []Box{bx(12, 10, 13, 11)}}
	for i := range 20 {
		out := rc.Apply(in, SampleRand(9, 0, i))
		b := out.Boxes[0]
		if got, want := out.Image.At(int(b.Y1), int(b.X1), 0), in.Image.At(10, 12, 0); got != want {
			t.Fatalf("draw %d: box %v covers %v, want %v", i, b, got, want)
		}
	}
}
