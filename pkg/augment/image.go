package augment

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Image is one image as float32 values in [0, 1], stored height x width x channels (HWC), row-major:
// channel c of the pixel at row y, column x is Pix[(y*Width+x)*Channels+c]. Channels is 1 (grey) or
// 3 (RGB).
type Image struct {
	Pix                     []float32
	Height, Width, Channels int
}

// NewImage returns a black image of the given size. It panics if a dimension is negative or channels
// is not 1 or 3.
func NewImage(height, width, channels int) *Image {
	if height < 0 || width < 0 {
		panic(fmt.Sprintf("augment: NewImage(%d, %d, %d): negative size", height, width, channels))
	}
	if channels != 1 && channels != 3 {
		panic(fmt.Sprintf("augment: NewImage(%d, %d, %d): channels must be 1 or 3", height, width, channels))
	}
	return &Image{Pix: make([]float32, height*width*channels), Height: height, Width: width, Channels: channels}
}

// At returns channel c of the pixel at row y, column x.
func (m *Image) At(y, x, c int) float32 {
	return m.Pix[(y*m.Width+x)*m.Channels+c]
}

// Clone returns a deep copy of m.
func (m *Image) Clone() *Image {
	c := *m
	c.Pix = append([]float32(nil), m.Pix...)
	return &c
}

// Bounds returns the image rectangle (0, 0)-(Width, Height), the box that covers the whole image.
func (m *Image) Bounds() Box {
	return Box{X2: float32(m.Width), Y2: float32(m.Height)}
}

// ToTensor converts a decoded image to float32 in [0, 1] by dividing each 8-bit value by 255, as
// torchvision's ToTensor does for a PIL image (but HWC, not CHW). Grey images (image.Gray,
// image.Gray16) give 1 channel; everything else gives 3 RGB channels with alpha dropped, like PIL's
// convert("RGB"). 16-bit values are first reduced to 8 bits. JPEG (image.YCbCr) pixels are converted
// with Go's color.YCbCrToRGB, which can differ from libjpeg's by one level.
func ToTensor(src image.Image) *Image {
	b := src.Bounds()
	h, w := b.Dy(), b.Dx()
	switch s := src.(type) {
	case *image.Gray:
		m := NewImage(h, w, 1)
		for y := 0; y < h; y++ {
			row := s.Pix[y*s.Stride : y*s.Stride+w]
			for x, v := range row {
				m.Pix[y*w+x] = float32(v) / 255
			}
		}
		return m
	case *image.Gray16:
		m := NewImage(h, w, 1)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := s.Gray16At(b.Min.X+x, b.Min.Y+y).Y >> 8
				m.Pix[y*w+x] = float32(v) / 255
			}
		}
		return m
	case *image.NRGBA:
		m := NewImage(h, w, 3)
		for y := 0; y < h; y++ {
			row := s.Pix[y*s.Stride : y*s.Stride+4*w]
			for x := 0; x < w; x++ {
				o := (y*w + x) * 3
				m.Pix[o] = float32(row[4*x]) / 255
				m.Pix[o+1] = float32(row[4*x+1]) / 255
				m.Pix[o+2] = float32(row[4*x+2]) / 255
			}
		}
		return m
	case *image.YCbCr:
		m := NewImage(h, w, 3)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi := s.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := s.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
				o := (y*w + x) * 3
				m.Pix[o] = float32(r) / 255
				m.Pix[o+1] = float32(g) / 255
				m.Pix[o+2] = float32(bl) / 255
			}
		}
		return m
	}
	m := NewImage(h, w, 3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBAModel.Convert(src.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			o := (y*w + x) * 3
			m.Pix[o] = float32(c.R) / 255
			m.Pix[o+1] = float32(c.G) / 255
			m.Pix[o+2] = float32(c.B) / 255
		}
	}
	return m
}

// ToNRGBA converts m to an 8-bit opaque image for display or PNG encoding: each value is clamped to
// [0, 1], scaled by 255 and rounded to the nearest level; a 1-channel image becomes grey RGB.
func (m *Image) ToNRGBA() *image.NRGBA {
	out := image.NewNRGBA(image.Rect(0, 0, m.Width, m.Height))
	for y := 0; y < m.Height; y++ {
		for x := 0; x < m.Width; x++ {
			o := out.PixOffset(x, y)
			p := (y*m.Width + x) * m.Channels
			for c := 0; c < 3; c++ {
				v := m.Pix[p]
				if m.Channels == 3 {
					v = m.Pix[p+c]
				}
				out.Pix[o+c] = to8(v)
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

func to8(v float32) uint8 {
	if !(v > 0) { // also NaN
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(math.Round(float64(v) * 255))
}
