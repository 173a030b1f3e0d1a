package augment

import (
	"fmt"
	"math/rand/v2"
)

// Interpolation selects how Resize and RandomResizedCrop sample the source image. Both modes are
// bilinear with PyTorch's align_corners=False pixel-centre convention.
type Interpolation int

const (
	// BilinearAntialias is PyTorch's antialias=True bilinear resampling: when shrinking, the triangle
	// filter is widened by the scale factor so that every source pixel contributes, which is what
	// PIL's Image.resize does and so what torchvision applies to PIL images (the note's recipe). It is
	// the default because it is the zero value.
	BilinearAntialias Interpolation = iota
	// Bilinear is plain bilinear interpolation between the 2x2 nearest source pixels, torchvision 0.14's
	// default for tensors (antialias=False); it aliases when shrinking by more than 2.
	Bilinear
)

// String returns the mode's name.
func (i Interpolation) String() string {
	switch i {
	case BilinearAntialias:
		return "bilinear-antialias"
	case Bilinear:
		return "bilinear"
	}
	return fmt.Sprintf("Interpolation(%d)", int(i))
}

// Resize scales images (and boxes) like torchvision's transforms.Resize with bilinear interpolation.
type Resize struct {
	// Size, when Height and Width are 0, is the length the shorter side is scaled to; the longer side
	// becomes int(Size*long/short), truncated as torchvision does.
	Size int
	// Height and Width, when both are positive, give the exact output size (Size must then be 0).
	Height, Width int
	// Interpolation is the resampling mode; the zero value is BilinearAntialias.
	Interpolation Interpolation
}

// OutputSize returns the size an image of height x width becomes. It panics when t is not a valid
// configuration.
func (t Resize) OutputSize(height, width int) (outHeight, outWidth int) {
	switch {
	case t.Height > 0 && t.Width > 0 && t.Size == 0:
		return t.Height, t.Width
	case t.Size > 0 && t.Height == 0 && t.Width == 0:
		if width <= height {
			return int(float64(t.Size) * float64(height) / float64(width)), t.Size
		}
		return t.Size, int(float64(t.Size) * float64(width) / float64(height))
	}
	panic(fmt.Sprintf("augment: Resize{Size: %d, Height: %d, Width: %d}: want Size > 0 alone or Height, Width > 0", t.Size, t.Height, t.Width))
}

// Apply resizes s.Image and scales the boxes by the same factors. An image already at the output
// size is returned as is, as torchvision does.
func (t Resize) Apply(s Sample, _ *rand.Rand) Sample {
	h, w := t.OutputSize(s.Image.Height, s.Image.Width)
	if h == s.Image.Height && w == s.Image.Width {
		return s
	}
	return resizeSample(s, 0, 0, s.Image.Height, s.Image.Width, h, w, t.Interpolation)
}

// ResizeImage returns img resized to height x width with the given interpolation, like torchvision
// 0.14's F.resize on a float tensor with size=[height, width] (antialias=True for BilinearAntialias).
func ResizeImage(img *Image, height, width int, interp Interpolation) *Image {
	return resizeRegion(img, 0, 0, img.Height, img.Width, height, width, interp)
}

// resizeSample crops the region (top, left, h, w) of s and resizes it to outH x outW, mapping boxes:
// shifted, clipped to the region (dropped when no area is left), then scaled.
func resizeSample(s Sample, top, left, h, w, outH, outW int, interp Interpolation) Sample {
	fw, fh := float32(w), float32(h)
	ow, oh := float32(outW), float32(outH)
	boxes, classes := mapBoxes(s, func(b Box) (Box, bool) {
		b = shiftBox(b, -float32(left), -float32(top))
		b = clipBox(b, fw, fh)
		if b.Area() == 0 {
			return b, false
		}
		// Multiply before dividing so that the region's edges map exactly to the output's.
		return Box{X1: b.X1 * ow / fw, Y1: b.Y1 * oh / fh, X2: b.X2 * ow / fw, Y2: b.Y2 * oh / fh}, true
	})
	return Sample{Image: resizeRegion(s.Image, top, left, h, w, outH, outW, interp), Boxes: boxes, Classes: classes}
}

// axisWeights holds, for each output index along one axis, the first source index and taps weights
// (zero-padded to taps).
type axisWeights struct {
	start []int
	size  []int
	w     []float32
	taps  int
}

// linearWeights computes resampling weights from the source span [offset, offset+in) to out samples,
// following PyTorch 1.13's upsample_bilinear2d (align_corners=False) and _upsample_bilinear2d_aa.
func linearWeights(offset, in, out int, interp Interpolation) axisWeights {
	scale := float32(in) / float32(out)
	var a axisWeights
	a.start = make([]int, out)
	a.size = make([]int, out)
	if interp == Bilinear {
		a.taps = 2
		a.w = make([]float32, 2*out)
		for i := range out {
			src := scale*(float32(i)+0.5) - 0.5
			if src < 0 {
				src = 0
			}
			i0 := int(src)
			l1 := min(max(src-float32(i0), 0), 1)
			l0 := 1 - l1
			a.start[i] = offset + i0
			if i0 < in-1 {
				a.size[i] = 2
				a.w[2*i], a.w[2*i+1] = l0, l1
			} else {
				a.size[i] = 1
				a.w[2*i] = l0 + l1
			}
		}
		return a
	}
	support := float32(1)
	invscale := float32(1)
	if scale >= 1 {
		support = scale
		invscale = 1 / scale
	}
	a.taps = int(2*support) + 2
	a.w = make([]float32, a.taps*out)
	for i := range out {
		center := scale * (float32(i) + 0.5)
		xmin := max(int(center-support+0.5), 0)
		xsize := min(int(center+support+0.5), in) - xmin
		ws := a.w[i*a.taps : (i+1)*a.taps]
		var total float32
		for j := range xsize {
			x := (float32(j+xmin) - center + 0.5) * invscale
			if x < 0 {
				x = -x
			}
			var v float32
			if x < 1 {
				v = 1 - x
			}
			ws[j] = v
			total += v
		}
		if total != 0 {
			for j := range xsize {
				ws[j] /= total
			}
		}
		a.start[i] = offset + xmin
		a.size[i] = xsize
	}
	return a
}

// resizeRegion resamples the region (top, left, h, w) of img to outH x outW: first along rows, then
// along columns.
func resizeRegion(img *Image, top, left, h, w, outH, outW int, interp Interpolation) *Image {
	if h <= 0 || w <= 0 || outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("augment: resizing a %dx%d region to %dx%d: sizes must be positive", h, w, outH, outW))
	}
	if top < 0 || left < 0 || top+h > img.Height || left+w > img.Width {
		panic(fmt.Sprintf("augment: region (top %d, left %d, %dx%d) outside a %dx%d image", top, left, h, w, img.Height, img.Width))
	}
	c := img.Channels
	xw := linearWeights(left, w, outW, interp)
	yw := linearWeights(top, h, outH, interp)
	// Horizontal pass over the h source rows.
	tmp := make([]float32, h*outW*c)
	for y := range h {
		src := img.Pix[(top+y)*img.Width*c : (top+y+1)*img.Width*c]
		dst := tmp[y*outW*c : (y+1)*outW*c]
		for x := range outW {
			ws := xw.w[x*xw.taps : x*xw.taps+xw.size[x]]
			base := xw.start[x] * c
			if c == 3 {
				var r, g, b float32
				for j, wt := range ws {
					p := src[base+3*j : base+3*j+3]
					r += wt * p[0]
					g += wt * p[1]
					b += wt * p[2]
				}
				dst[3*x], dst[3*x+1], dst[3*x+2] = r, g, b
				continue
			}
			for ch := range c {
				var acc float32
				for j, wt := range ws {
					acc += wt * src[base+j*c+ch]
				}
				dst[x*c+ch] = acc
			}
		}
	}
	// Vertical pass.
	out := NewImage(outH, outW, c)
	rowLen := outW * c
	for y := range outH {
		dst := out.Pix[y*rowLen : (y+1)*rowLen]
		ws := yw.w[y*yw.taps : y*yw.taps+yw.size[y]]
		for j, wt := range ws {
			src := tmp[(yw.start[y]-top+j)*rowLen : (yw.start[y]-top+j+1)*rowLen]
			for i, v := range src {
				dst[i] += wt * v
			}
		}
	}
	return out
}
