package datasets

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"

	xdraw "golang.org/x/image/draw"
)

// maxPixelsPerByte bounds, for each format, the pixels one byte of a file can decode to with any
// encoder, so that a header declaring more than its file could hold is refused before the decoder
// allocates the image (Go's decoders allocate it from the header, before reading any pixel data: a
// truncated or hostile 60-byte PNG claiming 10000x10000 pixels would cost 400 MB).
//   - png: a pixel takes at least 1 bit (bit depth 1) before deflate, which expands at most
//     1032:1 (RFC 1951: a 258-byte match in 2 bits), so 8 x 1032 = 8256. Go's encoder at
//     png.BestCompression reaches 8164 on a black 10000x10000 1-bit image.
//   - gif: an LZW code stands for at most 4096 pixels, and the codes that long have 12 bits, so
//     under 2731; the bound is 4096 (Go's encoder: 1477 on a black 10000x10000 image).
//   - jpeg: an encoder spends at least one bit on every 8x8 block (its DC code), so 512 pixels a
//     byte; the bound is 4096, 8 times that (Go's encoder at quality 1: 85 on a black grey
//     image). A hand-made progressive file with only AC scans could claim more; it is refused.
//
// A format not listed gets png's bound.
var maxPixelsPerByte = map[string]int64{"png": 8256, "gif": 4096, "jpeg": 4096}

// maxImageFileBytes bounds what DecodeImageFile reads from a file that is not a regular file (a
// pipe), which it must hold in memory: a 100-megapixel 16-bit RGBA PNG, stored uncompressed, has
// 800 MB. Regular files are read as the decoder needs them, never held whole.
const maxImageFileBytes = 1 << 30

// DecodeImageFile decodes a JPEG, PNG or GIF (first frame) file and converts it to opaque RGB
// with ToRGB, refusing, before allocating, an image whose header declares more than
// MaxImagePixels pixels or more than its file could hold (see DecodeImage). A regular file is
// read as the decoder goes, never held whole, so its size costs no memory. Errors name the file.
func DecodeImageFile(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var img *image.RGBA
	if st.Mode().IsRegular() {
		img, err = decodeImage(f, st.Size())
	} else {
		var data []byte
		data, err = io.ReadAll(io.LimitReader(f, maxImageFileBytes+1))
		switch {
		case err != nil:
		case len(data) > maxImageFileBytes:
			err = fmt.Errorf("more than the %d bytes read from a file that is not a regular file", maxImageFileBytes)
		default:
			img, err = DecodeImage(data)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("datasets: decoding %s: %w", path, err)
	}
	return img, nil
}

// DecodeImage decodes JPEG, PNG or GIF bytes (recognised by content) into opaque RGB. Before the
// decoder allocates anything, it refuses a header that declares more than MaxImagePixels pixels,
// or more pixels than data could encode (its length times a per-format bound: 8256 a byte for
// PNG, 4096 for GIF and JPEG, above what any encoder reaches), so the memory a hostile or
// truncated file costs is bounded by its size.
func DecodeImage(data []byte) (*image.RGBA, error) {
	return decodeImage(bytes.NewReader(data), int64(len(data)))
}

// decodeImage is DecodeImage over the size bytes of r.
func decodeImage(r io.ReaderAt, size int64) (*image.RGBA, error) {
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if cfg.Width <= 0 || cfg.Height <= 0 || pixels > MaxImagePixels {
		return nil, fmt.Errorf("%s image is %dx%d, want 1 to %d pixels", format, cfg.Width, cfg.Height, MaxImagePixels)
	}
	perByte, ok := maxPixelsPerByte[format]
	if !ok {
		perByte = maxPixelsPerByte["png"]
	}
	if pixels > perByte*size {
		return nil, fmt.Errorf("%s image is %dx%d (%d pixels), more than a %d-byte file can hold (%d pixels a byte): truncated or damaged",
			format, cfg.Width, cfg.Height, pixels, size, perByte)
	}
	img, _, err := image.Decode(io.NewSectionReader(r, 0, size))
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
