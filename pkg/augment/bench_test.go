package augment

import (
	"fmt"
	"image"
	"testing"
)

// Per-image hot paths of the note's pipelines, on the size of a typical hymenoptera photo (500x375)
// and a larger one. Run: go test -bench . -benchmem ./pkg/augment
var benchSizes = []struct{ h, w int }{{375, 500}, {768, 1024}}

func BenchmarkResize224(b *testing.B) {
	for _, sz := range benchSizes {
		in := Sample{Image: ramp(sz.h, sz.w, 3)}
		for _, interp := range []Interpolation{BilinearAntialias, Bilinear} {
			b.Run(fmt.Sprintf("%dx%d/%v", sz.w, sz.h, interp), func(b *testing.B) {
				t := Resize{Size: 224, Interpolation: interp}
				b.ReportAllocs()
				for b.Loop() {
					t.Apply(in, nil)
				}
			})
		}
	}
}

func BenchmarkRandomResizedCrop224(b *testing.B) {
	for _, sz := range benchSizes {
		in := Sample{Image: ramp(sz.h, sz.w, 3)}
		b.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(b *testing.B) {
			t := RandomResizedCrop{Size: 224, Scale: [2]float64{0.5, 1}}
			r := SampleRand(1, 0, 0)
			b.ReportAllocs()
			for b.Loop() {
				t.Apply(in, r)
			}
		})
	}
}

func BenchmarkTrainPipeline(b *testing.B) {
	// The note's training transform after decoding: RandomResizedCrop(224, 0.5-1), flip, normalise.
	pipe := Compose{
		RandomResizedCrop{Size: 224, Scale: [2]float64{0.5, 1}},
		RandomHorizontalFlip{P: 0.5},
		Normalize{Mean: ImageNetMean, Std: ImageNetStd},
	}
	in := Sample{Image: ramp(375, 500, 3)}
	r := SampleRand(1, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		pipe.Apply(in, r)
	}
}

func BenchmarkColorJitter(b *testing.B) {
	in := Sample{Image: ramp(224, 224, 3)}
	cj := ColorJitter{Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1}
	r := SampleRand(1, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		cj.Apply(in, r)
	}
}

func BenchmarkToTensorJPEG(b *testing.B) {
	src := image.NewYCbCr(image.Rect(0, 0, 500, 375), image.YCbCrSubsampleRatio420)
	b.ReportAllocs()
	for b.Loop() {
		ToTensor(src)
	}
}
