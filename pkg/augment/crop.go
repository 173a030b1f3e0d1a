package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Crop returns the height x width region of img whose top-left pixel is (top, left). Parts of the
// region outside img are zero (black), like torchvision's F.crop on a tensor.
func Crop(img *Image, top, left, height, width int) *Image {
	out := NewImage(height, width, img.Channels)
	c := img.Channels
	for y := range height {
		sy := top + y
		if sy < 0 || sy >= img.Height {
			continue
		}
		x0 := max(0, -left)
		x1 := min(width, img.Width-left)
		if x0 >= x1 {
			continue
		}
		copy(out.Pix[(y*width+x0)*c:(y*width+x1)*c], img.Pix[(sy*img.Width+left+x0)*c:(sy*img.Width+left+x1)*c])
	}
	return out
}

// cropSample crops s with Crop and moves its boxes: shifted, clipped to the crop, and dropped when
// no area is left.
func cropSample(s Sample, top, left, height, width int) Sample {
	boxes, classes := mapBoxes(s, func(b Box) (Box, bool) {
		b = shiftBox(b, -float32(left), -float32(top))
		b = clipBox(b, float32(width), float32(height))
		return b, b.Area() > 0
	})
	return Sample{Image: Crop(s.Image, top, left, height, width), Boxes: boxes, Classes: classes}
}

// CenterCrop cuts the central region of an image, like torchvision's transforms.CenterCrop.
type CenterCrop struct {
	// Size, when Height and Width are 0, is the side of a square crop.
	Size int
	// Height and Width, when both are positive, give a rectangular crop (Size must then be 0).
	Height, Width int
}

func (t CenterCrop) size() (int, int) { return cropSize("CenterCrop", t.Size, t.Height, t.Width) }

// cropSize returns the output size of a transform configured with a square Size or Height and Width.
func cropSize(kind string, size, height, width int) (int, int) {
	switch {
	case height > 0 && width > 0 && size == 0:
		return height, width
	case size > 0 && height == 0 && width == 0:
		return size, size
	}
	panic(fmt.Sprintf("augment: %s{Size: %d, Height: %d, Width: %d}: want Size > 0 alone or Height, Width > 0", kind, size, height, width))
}

// Offsets returns the top-left corner of the crop in an image of height x width. Along an axis where
// the crop fits, the offset is round((size-crop)/2) with Python's round (half to even), so a 5-pixel
// margin gives 2, a 3-pixel margin 2 and a 1-pixel margin 0. Along an axis where the crop is larger,
// torchvision first pads (crop-size)//2 zeros before the image, so the offset is -((crop-size)/2).
func (t CenterCrop) Offsets(height, width int) (top, left int) {
	ch, cw := t.size()
	return centerOffset(height, ch), centerOffset(width, cw)
}

func centerOffset(size, crop int) int {
	if crop > size {
		return -((crop - size) / 2)
	}
	return int(math.RoundToEven(float64(size-crop) / 2))
}

// Apply crops the centre of s.Image and moves the boxes with it.
func (t CenterCrop) Apply(s Sample, _ *rand.Rand) Sample {
	ch, cw := t.size()
	if ch == s.Image.Height && cw == s.Image.Width {
		return s
	}
	top, left := t.Offsets(s.Image.Height, s.Image.Width)
	return cropSample(s, top, left, ch, cw)
}

// RandomResizedCrop crops a random region and resizes it, like torchvision's
// transforms.RandomResizedCrop: the region covers a fraction of the image area drawn uniformly from
// Scale and has an aspect ratio (width/height) drawn log-uniformly from Ratio.
type RandomResizedCrop struct {
	// Size, when Height and Width are 0, is the side of the square output.
	Size int
	// Height and Width, when both are positive, give a rectangular output (Size must then be 0).
	Height, Width int
	// Scale is the range of the region's area as a fraction of the image area; the zero value means
	// torchvision's default {0.08, 1}.
	Scale [2]float64
	// Ratio is the range of the region's width/height; the zero value means torchvision's default
	// {3/4, 4/3}.
	Ratio [2]float64
	// Interpolation is the resampling mode; the zero value is BilinearAntialias.
	Interpolation Interpolation
}

func (t RandomResizedCrop) ranges() (scale, ratio [2]float64) {
	scale, ratio = t.Scale, t.Ratio
	if scale == [2]float64{} {
		scale = [2]float64{0.08, 1}
	}
	if ratio == [2]float64{} {
		ratio = [2]float64{3.0 / 4.0, 4.0 / 3.0}
	}
	if !(0 < scale[0] && scale[0] <= scale[1]) || !(0 < ratio[0] && ratio[0] <= ratio[1]) {
		panic(fmt.Sprintf("augment: RandomResizedCrop with Scale %v, Ratio %v: want 0 < min <= max", t.Scale, t.Ratio))
	}
	return scale, ratio
}

// Params draws the region (top, left, h, w) for an image of height x width exactly as torchvision
// 0.14's RandomResizedCrop.get_params: up to 10 attempts, each with area = height*width*U(scale) and
// ratio = exp(U(log ratio)), w = round(sqrt(area*ratio)), h = round(sqrt(area/ratio)) (Python's
// round), accepted when 0 < w <= width and 0 < h <= height, with top and left then uniform over the
// valid positions. After 10 failures it falls back to a central crop whose ratio is clamped to the
// range: the full width and h = round(width/min ratio) when the image is too tall, the full height
// and w = round(height*max ratio) when too wide, the whole image otherwise. fallback reports that
// the fallback was taken.
func (t RandomResizedCrop) Params(height, width int, r *rand.Rand) (top, left, h, w int, fallback bool) {
	scale, ratio := t.ranges()
	area := float64(height * width)
	logLo, logHi := math.Log(ratio[0]), math.Log(ratio[1])
	for range 10 {
		target := area * (scale[0] + (scale[1]-scale[0])*r.Float64())
		aspect := math.Exp(logLo + (logHi-logLo)*r.Float64())
		w := int(math.RoundToEven(math.Sqrt(target * aspect)))
		h := int(math.RoundToEven(math.Sqrt(target / aspect)))
		if 0 < w && w <= width && 0 < h && h <= height {
			return r.IntN(height - h + 1), r.IntN(width - w + 1), h, w, false
		}
	}
	inRatio := float64(width) / float64(height)
	switch {
	case inRatio < ratio[0]:
		w = width
		h = int(math.RoundToEven(float64(w) / ratio[0]))
	case inRatio > ratio[1]:
		h = height
		w = int(math.RoundToEven(float64(h) * ratio[1]))
	default:
		w, h = width, height
	}
	return (height - h) / 2, (width - w) / 2, h, w, true
}

// Apply crops a random region of s.Image, resizes it to the output size and maps the boxes (shifted,
// clipped to the region, dropped when no area is left, then scaled).
func (t RandomResizedCrop) Apply(s Sample, r *rand.Rand) Sample {
	oh, ow := cropSize("RandomResizedCrop", t.Size, t.Height, t.Width)
	top, left, h, w, _ := t.Params(s.Image.Height, s.Image.Width, r)
	return resizeSample(s, top, left, h, w, oh, ow, t.Interpolation)
}
