package augment

import (
	"image"
	"math"
	"testing"
)

// constantBatch returns n images where image i is filled with the value i/n, labelled i mod classes.
func constantBatch(n, h, w, classes int) *Batch {
	imgs := make([]*Image, n)
	labels := make([]int, n)
	for i := range n {
		m := NewImage(h, w, 3)
		for k := range m.Pix {
			m.Pix[k] = float32(i) / float32(n)
		}
		imgs[i] = m
		labels[i] = i % classes
	}
	b, err := Stack(imgs, labels, classes)
	if err != nil {
		panic(err)
	}
	return b
}

func TestCutMixLabelsEqualKeptArea(t *testing.T) {
	// For every image, the fraction of pixels that now hold the partner's value must equal the
	// partner's label weight 1-Lambda, including boxes clipped at the border.
	const n, h, w, classes = 6, 12, 17, 6
	b := constantBatch(n, h, w, classes)
	clipped, interior := 0, 0
	for seed := range 300 {
		out, mix := CutMix(b, 1, SampleRand(uint64(seed), 0, 0))
		wantLambda := 1 - float64(mix.Box.Dx()*mix.Box.Dy())/float64(h*w)
		if math.Abs(mix.Lambda-wantLambda) > 1e-12 {
			t.Fatalf("seed %d: Lambda %v, want kept-area 1-%d/%d = %v", seed, mix.Lambda, mix.Box.Dx()*mix.Box.Dy(), h*w, wantLambda)
		}
		if !mix.Box.In(image.Rect(0, 0, w, h)) && !mix.Box.Empty() {
			t.Fatalf("seed %d: box %v outside the image", seed, mix.Box)
		}
		// Count the clipped cases: a full-size box would be int(W*sqrt(1-lam)) wide; a box at the
		// border has been clipped when its centre pixel was within half a side of the edge.
		if mix.Box.Min.X == 0 || mix.Box.Min.Y == 0 || mix.Box.Max.X == w || mix.Box.Max.Y == h {
			clipped++
		} else {
			interior++
		}
		for i, j := range mix.Partner {
			own, partner := float32(i)/n, float32(j)/n
			fromPartner := 0
			size := h * w * 3
			for _, v := range out.Pix[i*size : (i+1)*size] {
				switch {
				case i != j && v == partner:
					fromPartner++
				case v != own && v != partner:
					t.Fatalf("seed %d image %d: value %v is neither own %v nor partner %v", seed, i, v, own, partner)
				}
			}
			label := out.Label(i)
			var sum float32
			for _, p := range label {
				sum += p
			}
			if math.Abs(float64(sum)-1) > 1e-6 {
				t.Fatalf("seed %d image %d: labels sum to %v", seed, i, sum)
			}
			if i == j {
				continue
			}
			frac := float64(fromPartner) / float64(size)
			if got := float64(label[j%classes]); math.Abs(got-frac) > 1e-6 {
				t.Fatalf("seed %d image %d: partner label weight %v, pasted fraction %v", seed, i, got, frac)
			}
		}
	}
	if clipped == 0 || interior == 0 {
		t.Errorf("cases: %d at the border, %d interior; want both exercised", clipped, interior)
	}
	// The input batch is unchanged.
	if b.Pix[len(b.Pix)-1] != float32(n-1)/n || b.Labels[0] != 1 {
		t.Error("CutMix modified its input")
	}
}

func TestMixUp(t *testing.T) {
	const n, classes = 5, 3
	b := constantBatch(n, 4, 3, classes)
	for seed := range 50 {
		out, mix := MixUp(b, 0.4, SampleRand(uint64(seed), 0, 0))
		if !mix.Box.Empty() || mix.Lambda < 0 || mix.Lambda > 1 {
			t.Fatalf("seed %d: mix %+v", seed, mix)
		}
		for i, j := range mix.Partner {
			want := float32(mix.Lambda)*float32(i)/n + float32(1-mix.Lambda)*float32(j)/n
			if got := out.Image(i).Pix[5]; math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("seed %d image %d: pixel %v, want %v", seed, i, got, want)
			}
			var sum float32
			for _, p := range out.Label(i) {
				sum += p
			}
			if math.Abs(float64(sum)-1) > 1e-6 {
				t.Fatalf("seed %d image %d: labels sum to %v", seed, i, sum)
			}
			if i%classes != j%classes {
				if got := out.Label(i)[i%classes]; math.Abs(float64(got)-mix.Lambda) > 1e-6 {
					t.Fatalf("seed %d image %d: own label weight %v, want lambda %v", seed, i, got, mix.Lambda)
				}
			}
		}
	}
}

func TestStackErrors(t *testing.T) {
	a, c := NewImage(2, 2, 3), NewImage(2, 3, 3)
	tests := []struct {
		name   string
		imgs   []*Image
		labels []int
	}{
		{"sizes differ", []*Image{a, c}, []int{0, 1}},
		{"label out of range", []*Image{a, a}, []int{0, 2}},
		{"negative label", []*Image{a}, []int{-1}},
		{"counts differ", []*Image{a, a}, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Stack(tc.imgs, tc.labels, 2); err == nil {
				t.Error("Stack returned no error")
			}
		})
	}
}

// mosaicInputs returns four 32x32 samples; image k is filled with (k+1)/8 and carries a large box,
// a 2x2 box (too small to keep) and a box at its outer corner.
func mosaicInputs() [4]Sample {
	var s [4]Sample
	for k := range s {
		m := NewImage(32, 32, 3)
		for i := range m.Pix {
			m.Pix[i] = float32(k+1) / 8
		}
		s[k] = Sample{
			Image:   m,
			Boxes:   []Box{bx(8, 8, 24, 24), bx(15, 15, 17, 17), bx(0, 0, 6, 6)},
			Classes: []int{10 * k, 10*k + 1, 10*k + 2},
		}
	}
	return s
}

func TestMosaic(t *testing.T) {
	m := NewMosaic(64)
	in := mosaicInputs()
	for seed := range 200 {
		out, centre := m.Apply(in, SampleRand(uint64(seed), 0, 0))
		if centre.X < 16 || centre.X > 48 || centre.Y < 16 || centre.Y > 48 {
			t.Fatalf("seed %d: centre %v outside [16, 48]", seed, centre)
		}
		if len(out.Classes) != len(out.Boxes) {
			t.Fatalf("seed %d: %d classes for %d boxes", seed, len(out.Classes), len(out.Boxes))
		}
		for i, b := range out.Boxes {
			if b.X1 < 0 || b.Y1 < 0 || b.X2 > 64 || b.Y2 > 64 {
				t.Fatalf("seed %d: box %v outside the 64x64 canvas", seed, b)
			}
			if b.X2-b.X1 <= 2 || b.Y2-b.Y1 <= 2 {
				t.Fatalf("seed %d: box %v has a side <= MinSide 2", seed, b)
			}
			k, j := out.Classes[i]/10, out.Classes[i]%10
			if j == 1 {
				t.Fatalf("seed %d: the 2x2 box of image %d was kept", seed, k)
			}
			// The box's centre pixel shows its own image.
			cx, cy := int((b.X1+b.X2)/2), int((b.Y1+b.Y2)/2)
			if got, want := out.Image.At(cy, cx, 0), float32(k+1)/8; got != want {
				t.Fatalf("seed %d: box %v of image %d sits on value %v, want %v", seed, b, k, got, want)
			}
		}
		// Image 0's large box (8..24) is fully visible when the centre leaves room for it, and then
		// keeps its size.
		if centre.X >= 32 && centre.Y >= 32 {
			want := bx(float32(centre.X-24), float32(centre.Y-24), float32(centre.X-8), float32(centre.Y-8))
			found := false
			for i, b := range out.Boxes {
				found = found || (out.Classes[i] == 0 && b == want)
			}
			if !found {
				t.Fatalf("seed %d (centre %v): image 0's box %v missing from %v", seed, centre, want, out.Boxes)
			}
		}
	}
}

func TestMosaicDropsMostlyHiddenBoxes(t *testing.T) {
	// A box that keeps <= 10% of its area is dropped even when wide enough (YOLOv5's area_thr 0.1).
	// Image 0 is 64x64 with one box over all of it; it shows an xc x yc corner of the 64x64 canvas.
	m := NewMosaic(64)
	in := mosaicInputs()
	big := NewImage(64, 64, 3)
	in[0] = Sample{Image: big, Boxes: []Box{bx(0, 0, 64, 64)}, Classes: []int{0}}
	dropped, kept := 0, 0
	for seed := range 300 {
		out, centre := m.Apply(in, SampleRand(uint64(seed), 0, 0))
		vis := float32(centre.X*centre.Y) / (64 * 64)
		has := false
		for i := range out.Boxes {
			has = has || out.Classes[i] == 0
		}
		if has != (vis > 0.1) {
			t.Fatalf("seed %d: image 0 visible fraction %v, kept %v", seed, vis, has)
		}
		if has {
			kept++
		} else {
			dropped++
		}
	}
	if kept == 0 || dropped == 0 {
		t.Errorf("kept %d, dropped %d: want both cases exercised", kept, dropped)
	}
}
