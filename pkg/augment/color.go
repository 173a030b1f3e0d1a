package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// These follow torchvision 0.14's functional_tensor on float images; each returns a new image.

// AdjustBrightness multiplies every value by factor and clamps to [0, 1] (F.adjust_brightness).
// factor 0 gives black, 1 the original. It panics on a negative factor.
func AdjustBrightness(img *Image, factor float64) *Image {
	checkFactor("AdjustBrightness", factor)
	out := NewImage(img.Height, img.Width, img.Channels)
	f := float32(factor)
	for i, v := range img.Pix {
		out.Pix[i] = clamp32(f*v, 0, 1)
	}
	return out
}

// AdjustContrast blends img with the mean of its grey version (one scalar per image):
// clamp(factor*img + (1-factor)*mean) (F.adjust_contrast). factor 0 gives a uniform grey image, 1 the
// original. It panics on a negative factor.
func AdjustContrast(img *Image, factor float64) *Image {
	checkFactor("AdjustContrast", factor)
	var sum float64
	if img.Channels == 3 {
		for i := 0; i < len(img.Pix); i += 3 {
			sum += float64(grey(img.Pix[i], img.Pix[i+1], img.Pix[i+2]))
		}
	} else {
		for _, v := range img.Pix {
			sum += float64(v)
		}
	}
	n := img.Height * img.Width
	mean := float32(0)
	if n > 0 {
		mean = float32(sum / float64(n))
	}
	f, g := float32(factor), float32(1-factor)
	out := NewImage(img.Height, img.Width, img.Channels)
	for i, v := range img.Pix {
		out.Pix[i] = clamp32(f*v+g*mean, 0, 1)
	}
	return out
}

// AdjustSaturation blends each pixel with its grey value: clamp(factor*rgb + (1-factor)*grey)
// (F.adjust_saturation). factor 0 gives a grey image, 1 the original, 2 doubles the saturation. A
// 1-channel image is returned unchanged. It panics on a negative factor.
func AdjustSaturation(img *Image, factor float64) *Image {
	checkFactor("AdjustSaturation", factor)
	if img.Channels == 1 {
		return img
	}
	f, g := float32(factor), float32(1-factor)
	out := NewImage(img.Height, img.Width, img.Channels)
	for i := 0; i < len(img.Pix); i += 3 {
		l := g * grey(img.Pix[i], img.Pix[i+1], img.Pix[i+2])
		out.Pix[i] = clamp32(f*img.Pix[i]+l, 0, 1)
		out.Pix[i+1] = clamp32(f*img.Pix[i+1]+l, 0, 1)
		out.Pix[i+2] = clamp32(f*img.Pix[i+2]+l, 0, 1)
	}
	return out
}

// AdjustHue rotates every pixel's hue by factor turns (factor in [-0.5, 0.5]) in HSV space, keeping
// saturation and value (F.adjust_hue, through the same RGB<->HSV formulas). A 1-channel image is
// returned unchanged. It panics when factor is outside [-0.5, 0.5].
func AdjustHue(img *Image, factor float64) *Image {
	if !(-0.5 <= factor && factor <= 0.5) {
		panic(fmt.Sprintf("augment: AdjustHue factor %g not in [-0.5, 0.5]", factor))
	}
	if img.Channels == 1 {
		return img
	}
	out := NewImage(img.Height, img.Width, img.Channels)
	f := float32(factor)
	for i := 0; i < len(img.Pix); i += 3 {
		h, s, v := rgbToHSV(img.Pix[i], img.Pix[i+1], img.Pix[i+2])
		h = pyMod1(h + f)
		out.Pix[i], out.Pix[i+1], out.Pix[i+2] = hsvToRGB(h, s, v)
	}
	return out
}

func checkFactor(name string, f float64) {
	if !(f >= 0) {
		panic(fmt.Sprintf("augment: %s factor %g is negative", name, f))
	}
}

// grey is torchvision's rgb_to_grayscale weighting (ITU-R 601 luma, as TensorFlow).
func grey(r, g, b float32) float32 {
	return 0.2989*r + 0.587*g + 0.114*b
}

// pyMod1 is Python's x % 1.0 (result in [0, 1) for finite x).
func pyMod1(x float32) float32 {
	m := float32(math.Mod(float64(x), 1))
	if m < 0 {
		m += 1
	}
	if m >= 1 {
		m = 0
	}
	return m
}

// rgbToHSV mirrors torchvision's _rgb2hsv.
func rgbToHSV(r, g, b float32) (h, s, v float32) {
	maxc := max(r, g, b)
	minc := min(r, g, b)
	cr := maxc - minc
	if maxc == minc {
		return 0, 0, maxc
	}
	s = cr / maxc
	rc := (maxc - r) / cr
	gc := (maxc - g) / cr
	bc := (maxc - b) / cr
	switch {
	case maxc == r:
		h = bc - gc
	case maxc == g:
		h = 2 + rc - bc
	default:
		h = 4 + gc - rc
	}
	h = float32(math.Mod(float64(h/6+1), 1))
	return h, s, maxc
}

// hsvToRGB mirrors torchvision's _hsv2rgb.
func hsvToRGB(h, s, v float32) (r, g, b float32) {
	fi := float32(math.Floor(float64(h * 6)))
	f := h*6 - fi
	i := ((int(fi) % 6) + 6) % 6
	p := clamp32(v*(1-s), 0, 1)
	q := clamp32(v*(1-s*f), 0, 1)
	t := clamp32(v*(1-s*(1-f)), 0, 1)
	switch i {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	default:
		return v, p, q
	}
}

// ColorJitter randomly changes brightness, contrast, saturation and hue, like torchvision's
// transforms.ColorJitter with single-number arguments: the brightness, contrast and saturation
// factors are drawn uniformly from [max(0, 1-x), 1+x], the hue factor from [-Hue, Hue]; a zero field
// leaves that property alone.
type ColorJitter struct {
	// Brightness, Contrast and Saturation are the non-negative jitter amounts.
	Brightness, Contrast, Saturation float64
	// Hue is the hue jitter in turns, in [0, 0.5].
	Hue float64
}

// Apply draws, from r and in torchvision's order, a random order of the four adjustments and then one
// factor for each enabled property, and applies them to the image in that order. Boxes are kept.
func (t ColorJitter) Apply(s Sample, r *rand.Rand) Sample {
	if t.Brightness < 0 || t.Contrast < 0 || t.Saturation < 0 || !(0 <= t.Hue && t.Hue <= 0.5) {
		panic(fmt.Sprintf("augment: ColorJitter%+v: want non-negative amounts and Hue <= 0.5", t))
	}
	order := r.Perm(4)
	uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
	var factors [4]float64
	amounts := [4]float64{t.Brightness, t.Contrast, t.Saturation, t.Hue}
	for i, a := range amounts[:3] {
		if a > 0 {
			factors[i] = uniform(max(0, 1-a), 1+a)
		}
	}
	if t.Hue > 0 {
		factors[3] = uniform(-t.Hue, t.Hue)
	}
	img := s.Image
	for _, k := range order {
		if amounts[k] == 0 {
			continue
		}
		switch k {
		case 0:
			img = AdjustBrightness(img, factors[0])
		case 1:
			img = AdjustContrast(img, factors[1])
		case 2:
			img = AdjustSaturation(img, factors[2])
		case 3:
			img = AdjustHue(img, factors[3])
		}
	}
	return Sample{Image: img, Boxes: s.Boxes, Classes: s.Classes}
}
