package cnn

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
)

// Bounds FuzzPreprocessImageNet asserts, in bytes.
const (
	// decodedBytesPerPixel: the decoder's image (at most 8 bytes a pixel, 16-bit RGBA) and
	// datasets.ToRGB's 4, with room for the decoder's buffers.
	decodedBytesPerPixel = 24
	// maxFilePixelsPerByte: the most pixels a byte of an image file may declare, PNG's (its
	// 1-bit pixels deflated 1032:1; datasets.DecodeImage refuses more).
	maxFilePixelsPerByte = 8 * 1032
)

// pipelineBytes bounds what PreprocessImageNet allocates for a w x h image: float32 RGB copies of
// the image, of its resampling's intermediate (source rows by output columns) and output, and
// of the crop twice (crop, normalization), each at most once and a quarter for the resampling
// weights, plus 1 MiB.
func pipelineBytes(w, h int) uint64 {
	outH, outW := augment.Resize{Size: ImageNetResize}.OutputSize(h, w)
	px := uint64(w)*uint64(h) + uint64(h)*uint64(outW) + uint64(outW)*uint64(outH) + 2*ImageNetSize*ImageNetSize
	return 12*px*5/4 + 1<<20
}

// FuzzPreprocessImageNet feeds any bytes to what "cvlessons predict" does with an image file:
// datasets.DecodeImage, then PreprocessImageNet. It must give an error or a 224x224x3 image of
// finite values, never panic, and allocate no more than the file could encode (decoding) and
// what the decoded size implies for the resampling (preprocessing), which MaxResizedPixels
// bounds: issue 17's 1000000x1 PNG, a few hundred bytes, asked for 256000000x256 pixels.
func FuzzPreprocessImageNet(f *testing.F) {
	encode := func(format string, img image.Image) []byte {
		var buf bytes.Buffer
		switch format {
		case "png":
			png.Encode(&buf, img)
		case "gif":
			gif.Encode(&buf, img, nil)
		case "jpeg":
			jpeg.Encode(&buf, img, nil)
		}
		return buf.Bytes()
	}
	bits := func(w, h int) image.Image {
		return image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	}
	f.Add(encode("png", image.NewGray(image.Rect(0, 0, 1, 1))))
	f.Add(encode("png", image.NewRGBA(image.Rect(0, 0, ImageNetSize, ImageNetSize))))
	f.Add(encode("png", image.NewNRGBA64(image.Rect(0, 0, 30, 20))))
	f.Add(encode("gif", bits(20, 30)))
	f.Add(encode("jpeg", image.NewYCbCr(image.Rect(0, 0, 300, 200), image.YCbCrSubsampleRatio420)))
	f.Add(encode("png", bits(1_000_000, 1))) // refused: 256000000x256 pixels
	f.Add(encode("png", bits(1, 1_000_000))) // refused: 256x256000000 pixels
	f.Fuzz(func(t *testing.T, data []byte) {
		var rgb *image.RGBA
		var err error
		n := allocated(func() { rgb, err = datasets.DecodeImage(data) })
		if limit := decodedBytesPerPixel*maxFilePixelsPerByte*uint64(len(data)) + 1<<20; n > limit {
			t.Fatalf("DecodeImage of %d bytes allocated %d bytes, want at most %d", len(data), n, limit)
		}
		if err != nil {
			return
		}
		w, h := rgb.Rect.Dx(), rgb.Rect.Dy()
		var img *augment.Image
		n = allocated(func() { img, err = PreprocessImageNet(rgb) })
		limit := pipelineBytes(w, h)
		if err != nil {
			limit = 1 << 20 // refused before allocating
		}
		if n > limit {
			t.Fatalf("PreprocessImageNet of a %dx%d image allocated %d bytes, want at most %d (err %v)", w, h, n, limit, err)
		}
		if err != nil {
			return
		}
		if img.Height != ImageNetSize || img.Width != ImageNetSize || img.Channels != 3 || len(img.Pix) != 3*ImageNetSize*ImageNetSize {
			t.Fatalf("PreprocessImageNet of a %dx%d image = %dx%dx%d (%d values), want 224x224x3", w, h, img.Height, img.Width, img.Channels, len(img.Pix))
		}
		for i, v := range img.Pix {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 3 {
				t.Fatalf("value %d of a %dx%d image is %v, want a normalized pixel", i, w, h, v)
			}
		}
	})
}
