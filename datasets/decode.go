package datasets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"

	xdraw "golang.org/x/image/draw"
)

// DecodeImageFile decodes a JPEG, PNG or GIF (first frame) file and converts it to opaque RGB
// with ToRGB. It refuses images whose header declares more than MaxImagePixels pixels. Errors
// name the file.
func DecodeImageFile(path string) (*image.RGBA, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	img, err := DecodeImage(data)
	if err != nil {
		return nil, fmt.Errorf("datasets: decoding %s: %w", path, err)
	}
	return img, nil
}

// DecodeImage decodes JPEG, PNG or GIF bytes (recognised by content) into opaque RGB,
// refusing headers that declare more than MaxImagePixels pixels.
func DecodeImage(data []byte) (*image.RGBA, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, fmt.Errorf("%s image is %dx%d, want 1 to %d pixels", format, cfg.Width, cfg.Height, MaxImagePixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return ToRGB(img), nil
}

// ToRGB returns img as an opaque *image.RGBA with bounds starting at (0, 0), converting as PIL's
// Image.convert("RGB"): grey and paletted images are expanded, CMYK and YCbCr converted with the
// standard library's formulas, and alpha is dropped: a non-premultiplied (NRGBA) pixel keeps its
// colour as PIL does, a premultiplied one is un-premultiplied first (so where alpha is 0 it
// becomes black, as do transparent GIF pixels). An opaque *image.RGBA at the origin is returned
// as is.
func ToRGB(img image.Image) *image.RGBA {
	b := img.Bounds()
	if rgba, ok := img.(*image.RGBA); ok && b.Min == (image.Point{}) && rgba.Opaque() {
		return rgba
	}
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch src := img.(type) {
	case *image.YCbCr, *image.Gray, *image.Gray16:
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src) // opaque sources: exact
	case *image.NRGBA:
		for y := 0; y < b.Dy(); y++ {
			s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			d := dst.Pix[y*dst.Stride:]
			for x := 0; x < b.Dx(); x++ {
				d[4*x], d[4*x+1], d[4*x+2], d[4*x+3] = s[4*x], s[4*x+1], s[4*x+2], 0xff
			}
		}
	default:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				dst.SetRGBA(x, y, color.RGBA{c.R, c.G, c.B, 0xff})
			}
		}
	}
	return dst
}

// ResizeBilinear returns img scaled to exactly width x height with golang.org/x/image/draw's
// BiLinear kernel (a triangle filter widened when shrinking, as PIL's BILINEAR resize), as
// opaque RGB.
func ResizeBilinear(img image.Image, width, height int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	xdraw.BiLinear.Scale(dst, dst.Bounds(), ToRGB(img), img.Bounds().Sub(img.Bounds().Min), xdraw.Src, nil)
	return dst
}

// RGBFloat32To writes img's pixels into dst as height x width x 3 float32 values in [0, 1]
// (byte/255), row-major, after converting with ToRGB. It panics if len(dst) is not
// 3*width*height.
func RGBFloat32To(dst []float32, img image.Image) {
	rgb := ToRGB(img)
	w, h := rgb.Rect.Dx(), rgb.Rect.Dy()
	if len(dst) != w*h*3 {
		panic(fmt.Sprintf("datasets: RGBFloat32To: dst holds %d values, want %d for a %dx%d image", len(dst), w*h*3, w, h))
	}
	for y := range h {
		row := rgb.Pix[y*rgb.Stride:]
		out := dst[y*w*3:]
		for x := range w {
			out[3*x] = float32(row[4*x]) / 255
			out[3*x+1] = float32(row[4*x+1]) / 255
			out[3*x+2] = float32(row[4*x+2]) / 255
		}
	}
}
