//go:build ignore

// Gen writes the small image-folder fixtures under testdata/folder and testdata/badfolder; run from datasets/ with
// "go run testdata/gen.go". The expected values in imagefolder_test.go follow from it.
package main

import (
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	root := "testdata"
	write := func(name string, encode func(f *os.File) error) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			log.Fatal(err)
		}
		if err := encode(f); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
	}
	r := image.Rect(0, 0, 4, 3)
	// a/red.png: 4x3 opaque red, NRGBA.
	red := image.NewNRGBA(r)
	for i := 0; i < len(red.Pix); i += 4 {
		red.Pix[i], red.Pix[i+3] = 255, 255
	}
	write("folder/a/red.png", func(f *os.File) error { return png.Encode(f, red) })
	// a/half alpha.png: 4x3 NRGBA (0, 0, 255) with alpha 128: alpha is dropped, blue stays 255.
	blue := image.NewNRGBA(r)
	for i := 0; i < len(blue.Pix); i += 4 {
		blue.Pix[i+2], blue.Pix[i+3] = 255, 128
	}
	write("folder/a/half alpha.png", func(f *os.File) error { return png.Encode(f, blue) })
	// a/grey.png: 4x3 grey 51 (0.2 after /255).
	grey := image.NewGray(r)
	for i := range grey.Pix {
		grey.Pix[i] = 51
	}
	write("folder/a/grey.png", func(f *os.File) error { return png.Encode(f, grey) })
	// b/green.gif: 4x3 paletted, all green (0, 255, 0).
	pal := image.NewPaletted(r, color.Palette{color.RGBA{0, 0, 0, 255}, color.RGBA{0, 255, 0, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = 1
	}
	write("folder/b/green.gif", func(f *os.File) error { return gif.Encode(f, pal, nil) })
	// b/white wide.jpg: 8x3 white JPEG (a different size, for the resize test).
	white := image.NewRGBA(image.Rect(0, 0, 8, 3))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	write("folder/b/white wide.jpg", func(f *os.File) error { return jpeg.Encode(f, white, &jpeg.Options{Quality: 95}) })
	// b/notes.txt: not an image extension, ignored.
	write("folder/b/notes.txt", func(f *os.File) error { _, err := f.WriteString("not an image\n"); return err })
	// badfolder/x holds a corrupt PNG (a valid one cut after 40 bytes) beside a good one.
	write("badfolder/x/ok.png", func(f *os.File) error { return png.Encode(f, red) })
	write("badfolder/x/corrupt.png", func(f *os.File) error {
		buf := &sliceWriter{}
		if err := png.Encode(buf, red); err != nil {
			return err
		}
		_, err := f.Write(buf.b[:40])
		return err
	})
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
