package augment

import (
	"image"
	"image/color"
	"testing"
)

func TestToTensorTypes(t *testing.T) {
	// Expected values by hand: 8-bit level / 255.
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	nrgba.SetNRGBA(1, 0, color.NRGBA{R: 255, G: 51, B: 0, A: 10}) // alpha dropped, not premultiplied
	gray := image.NewGray(image.Rect(0, 0, 2, 1))
	gray.SetGray(1, 0, color.Gray{Y: 102})
	rgba := image.NewRGBA(image.Rect(0, 0, 2, 1)) // generic path through color.NRGBAModel
	rgba.SetRGBA(1, 0, color.RGBA{R: 255, G: 51, B: 0, A: 255})
	ycc := image.NewYCbCr(image.Rect(0, 0, 2, 1), image.YCbCrSubsampleRatio444)
	ycc.Cb[0], ycc.Cr[0] = 128, 128                // black
	ycc.Y[1], ycc.Cb[1], ycc.Cr[1] = 128, 128, 128 // neutral grey 128
	sub := nrgba.SubImage(image.Rect(1, 0, 2, 1))
	tests := []struct {
		name string
		img  image.Image
		want []float32
	}{
		{"NRGBA", nrgba, []float32{0, 0, 0, 1, 0.2, 0}},
		{"Gray", gray, []float32{0, 0.4}},
		{"RGBA", rgba, []float32{0, 0, 0, 1, 0.2, 0}},
		{"YCbCr", ycc, []float32{0, 0, 0, 128.0 / 255, 128.0 / 255, 128.0 / 255}},
		{"sub-image", sub, []float32{1, 0.2, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ToTensor(tc.img)
			if len(got.Pix) != len(tc.want) {
				t.Fatalf("ToTensor gave %d values, want %d", len(got.Pix), len(tc.want))
			}
			for i := range tc.want {
				if got.Pix[i] != tc.want[i] {
					t.Errorf("ToTensor[%d] = %v, want %v", i, got.Pix[i], tc.want[i])
				}
			}
		})
	}
}

func TestToNRGBARoundTrip(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
		if i%4 == 3 {
			src.Pix[i] = 255
		}
	}
	back := ToTensor(src).ToNRGBA()
	for i := range src.Pix {
		if back.Pix[i] != src.Pix[i] {
			t.Fatalf("byte %d: %d after round trip, want %d", i, back.Pix[i], src.Pix[i])
		}
	}
	// Out-of-range values clamp.
	m := &Image{Pix: []float32{-0.5, 1.5, 0.5}, Height: 1, Width: 1, Channels: 3}
	if p := m.ToNRGBA().Pix; p[0] != 0 || p[1] != 255 || p[2] != 128 {
		t.Errorf("clamped pixel %v, want [0 255 128 255]", p)
	}
}
