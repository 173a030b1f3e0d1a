package detect

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// ImageFrom converts a standard-library image to an RGB [Image] with values in [0, 1].
func ImageFrom(m image.Image) Image {
	r := m.Bounds()
	img := Image{Width: r.Dx(), Height: r.Dy(), Channels: 3, Pix: make([]float32, 3*r.Dx()*r.Dy())}
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBA64Model.Convert(m.At(x, y)).(color.RGBA64)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = float32(c.R)/0xffff, float32(c.G)/0xffff, float32(c.B)/0xffff
			i += 3
		}
	}
	return img
}

// ColourSpace is a colour space in which selective search segments and compares colours.
type ColourSpace int

// The colour spaces of Uijlings et al. 2013 that this package implements.
const (
	RGB ColourSpace = iota + 1
	// HSV is hue, saturation, value: hue does not change under shadows and highlights.
	HSV
	// Lab is CIE L*a*b* (D65 white, sRGB input), scaled to [0, 1] per channel.
	Lab
)

// String returns "RGB", "HSV" or "Lab".
func (c ColourSpace) String() string {
	switch c {
	case RGB:
		return "RGB"
	case HSV:
		return "HSV"
	case Lab:
		return "Lab"
	}
	return fmt.Sprintf("ColourSpace(%d)", int(c))
}

// convert returns img in colour space c, each channel in [0, 1].
func (c ColourSpace) convert(img rgbImage) rgbImage {
	if c == RGB {
		return img
	}
	out := rgbImage{img.width, img.height, make([]float32, len(img.pix))}
	for i := 0; i < len(img.pix); i += 3 {
		r, g, b := img.pix[i], img.pix[i+1], img.pix[i+2]
		var p, q, s float32
		switch c {
		case HSV:
			p, q, s = hsv(r, g, b)
		case Lab:
			p, q, s = lab(r, g, b)
		default:
			panic(fmt.Sprintf("detect: unknown colour space %v", c))
		}
		out.pix[i], out.pix[i+1], out.pix[i+2] = p, q, s
	}
	return out
}

// hsv returns hue (in turns, [0, 1)), saturation and value.
func hsv(r, g, b float32) (h, s, v float32) {
	v = max(r, g, b)
	d := v - min(r, g, b)
	if v > 0 {
		s = d / v
	}
	if d == 0 {
		return 0, s, v
	}
	switch v {
	case r:
		h = (g - b) / d
	case g:
		h = 2 + (b-r)/d
	default:
		h = 4 + (r-g)/d
	}
	h /= 6
	if h < 0 {
		h++
	}
	return h, s, v
}

// lab returns CIE L*a*b* of an sRGB colour with L/100, (a+128)/255 and (b+128)/255, clamped to [0, 1].
func lab(r, g, b float32) (l, a, bb float32) {
	lin := func(c float32) float64 {
		if c <= 0.04045 {
			return float64(c) / 12.92
		}
		return math.Pow((float64(c)+0.055)/1.055, 2.4)
	}
	R, G, B := lin(r), lin(g), lin(b)
	x := (0.4124*R + 0.3576*G + 0.1805*B) / 0.95047
	y := 0.2126*R + 0.7152*G + 0.0722*B
	z := (0.0193*R + 0.1192*G + 0.9505*B) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x), f(y), f(z)
	clamp := func(v float64) float32 { return float32(min(max(v, 0), 1)) }
	return clamp((116*fy - 16) / 100), clamp((500*(fx-fy) + 128) / 255), clamp((200*(fy-fz) + 128) / 255)
}

// Histogram sizes of Uijlings et al. 2013, section 3.2: 25 colour bins per channel; 8 orientations
// times 10 bins per channel for texture.
const (
	colourBins   = 25
	orientations = 8
	textureBins  = 10
	colourLen    = 3 * colourBins
	textureLen   = 3 * orientations * textureBins
)

// pixelBins returns, for each pixel, its colour bin per channel (colourLen-indexed) and its texture
// bin per channel and orientation (textureLen-indexed).
//
// Texture follows the paper's SIFT-like measure: Gaussian derivatives (sigma 1) in 8 orientations per
// channel, each response max(0, cos θ·∂x + sin θ·∂y) binned into 10 bins up to the channel's largest
// response.
func pixelBins(img rgbImage) (colour []uint8, texture []uint8) {
	n := img.width * img.height
	colour = make([]uint8, 3*n)
	for i, v := range img.pix {
		colour[i] = uint8(min(max(int(v*colourBins), 0), colourBins-1))
	}
	texture = make([]uint8, 3*orientations*n)
	sm := gaussianBlur(img.pix, img.width, img.height, 3, 1)
	w, h := img.width, img.height
	at := func(x, y, c int) float32 {
		x, y = min(max(x, 0), w-1), min(max(y, 0), h-1)
		return sm[(y*w+x)*3+c]
	}
	var cos, sin [orientations]float32
	for o := range orientations {
		th := 2 * math.Pi * float64(o) / orientations
		cos[o], sin[o] = float32(math.Cos(th)), float32(math.Sin(th))
	}
	resp := make([]float32, 3*orientations*n)
	var peak [3]float32
	for y := range h {
		for x := range w {
			for c := range 3 {
				gx := 0.5 * (at(x+1, y, c) - at(x-1, y, c))
				gy := 0.5 * (at(x, y+1, c) - at(x, y-1, c))
				for o := range orientations {
					r := max(0, cos[o]*gx+sin[o]*gy)
					resp[((y*w+x)*3+c)*orientations+o] = r
					peak[c] = max(peak[c], r)
				}
			}
		}
	}
	for i, r := range resp {
		c := (i / orientations) % 3
		if peak[c] > 0 {
			texture[i] = uint8(min(int(textureBins*r/peak[c]), textureBins-1))
		}
	}
	return colour, texture
}
