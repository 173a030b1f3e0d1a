package datasets

import (
	"fmt"
	"image"
	"math/rand/v2"
)

// DigitsConfig sets up GenerateDigits. Sizes are in pixels; counts and sizes are inclusive
// ranges drawn uniformly.
type DigitsConfig struct {
	// Width and Height are the canvas size.
	Width, Height int
	// MinDigits and MaxDigits bound the number of digits placed per image.
	MinDigits, MaxDigits int
	// MinSize and MaxSize bound the side of the square each 28x28 MNIST digit is scaled to.
	MinSize, MaxSize int
	// MaxIoU is the largest IoU allowed between two digits' boxes; a placement that would exceed
	// it is retried (up to 50 times) and the digit dropped if none fits.
	MaxIoU float32
	// Clutter is the largest number of unlabelled digit fragments (a random quarter to half of a
	// scaled digit) added per image, away from the digits' boxes. 0 adds none.
	Clutter int
	// Seed makes the generation deterministic: image i depends only on Seed, i and the source.
	Seed uint64
}

// DefaultDigitsConfig returns 96x96 canvases with 1-4 digits of 16-40 pixels, boxes
// overlapping by IoU <= 0.1, up to 2 fragments of clutter, seed 1.
func DefaultDigitsConfig() DigitsConfig {
	return DigitsConfig{Width: 96, Height: 96, MinDigits: 1, MaxDigits: 4, MinSize: 16, MaxSize: 40,
		MaxIoU: 0.1, Clutter: 2, Seed: 1}
}

// ValidationSeed is the seed of the fixed validation split DigitDetection builds.
const ValidationSeed = 20_150_320

// check reports a config that cannot generate images.
func (c DigitsConfig) check() error {
	switch {
	case c.Width <= 0 || c.Height <= 0:
		return fmt.Errorf("datasets: digits canvas %dx%d, want positive sizes", c.Width, c.Height)
	case c.MinDigits < 0 || c.MaxDigits < c.MinDigits:
		return fmt.Errorf("datasets: digits per image %d..%d, want 0 <= min <= max", c.MinDigits, c.MaxDigits)
	case c.MinSize < 4 || c.MaxSize < c.MinSize || c.MaxSize > min(c.Width, c.Height):
		return fmt.Errorf("datasets: digit size %d..%d, want 4 <= min <= max <= %d (canvas side)", c.MinSize, c.MaxSize, min(c.Width, c.Height))
	case c.Clutter < 0:
		return fmt.Errorf("datasets: clutter %d, want >= 0", c.Clutter)
	}
	return nil
}

// GenerateDigits builds n detection images by pasting digits from src (a 1-channel set such as
// LoadMNIST's) onto black canvases. Each digit is scaled to a random square size, placed at a
// random position, and composited by maximum; its ground-truth box is the tight box of the
// scaled digit's non-zero pixels (so a "1" gets a narrow box). Objects are in placement order;
// a digit's class is its label in src. The result's ClassNames are src's.
func GenerateDigits(src *Images, n int, cfg DigitsConfig) (*Detection, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if src.Channels != 1 || src.N == 0 || len(src.Labels) != src.N {
		return nil, fmt.Errorf("datasets: digit source has %d images of %d channels and %d labels, want labelled 1-channel images",
			src.N, src.Channels, len(src.Labels))
	}
	plane := cfg.Width * cfg.Height
	out := &Detection{
		Images:    &Images{Pixels: make([]float32, n*plane), N: n, Height: cfg.Height, Width: cfg.Width, Channels: 1, ClassNames: src.ClassNames},
		Objects:   make([][]Object, n),
		FileNames: make([]string, n),
	}
	for i := range n {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
		out.Objects[i] = drawDigits(out.Images.Pixels[i*plane:(i+1)*plane], src, cfg, rng)
		out.FileNames[i] = fmt.Sprintf("%06d.png", i)
	}
	return out, nil
}

// DigitDetection returns the standard digit-detection split: nTrain images from MNIST's
// training digits with cfg.Seed, and nVal validation images from MNIST's test digits with
// ValidationSeed, so the validation images are the same whatever the training seed (and no
// digit image appears in both).
func DigitDetection(cfg DigitsConfig, nTrain, nVal int) (train, val *Detection, err error) {
	trainSrc, err := LoadMNIST(Train)
	if err != nil {
		return nil, nil, err
	}
	testSrc, err := LoadMNIST(Test)
	if err != nil {
		return nil, nil, err
	}
	if train, err = GenerateDigits(trainSrc, nTrain, cfg); err != nil {
		return nil, nil, err
	}
	vcfg := cfg
	vcfg.Seed = ValidationSeed
	if val, err = GenerateDigits(testSrc, nVal, vcfg); err != nil {
		return nil, nil, err
	}
	return train, val, nil
}

// drawDigits paints one image into canvas (Height*Width values) and returns its objects.
func drawDigits(canvas []float32, src *Images, cfg DigitsConfig, rng *rand.Rand) []Object {
	count := cfg.MinDigits + rng.IntN(cfg.MaxDigits-cfg.MinDigits+1)
	var objects []Object
	for range count {
		k := rng.IntN(src.N)
		size := cfg.MinSize + rng.IntN(cfg.MaxSize-cfg.MinSize+1)
		patch := scaleBilinear(src.Image(k), src.Width, src.Height, size, size)
		tight, ok := nonzeroBox(patch, size, size)
		if !ok {
			continue
		}
		for range 50 {
			x0, y0 := rng.IntN(cfg.Width-size+1), rng.IntN(cfg.Height-size+1)
			box := Box{float32(x0 + tight.Min.X), float32(y0 + tight.Min.Y), float32(x0 + tight.Max.X), float32(y0 + tight.Max.Y)}
			if overlapsMore(box, objects, cfg.MaxIoU) {
				continue
			}
			paste(canvas, cfg.Width, cfg.Height, patch, size, size, x0, y0)
			objects = append(objects, Object{Box: box, Class: src.Labels[k]})
			break
		}
	}
	if cfg.Clutter > 0 {
		addClutter(canvas, src, cfg, objects, rng)
	}
	return objects
}

// addClutter pastes up to cfg.Clutter fragments of random digits where they touch no box.
func addClutter(canvas []float32, src *Images, cfg DigitsConfig, objects []Object, rng *rand.Rand) {
	for range rng.IntN(cfg.Clutter + 1) {
		k := rng.IntN(src.N)
		size := cfg.MinSize + rng.IntN(cfg.MaxSize-cfg.MinSize+1)
		patch := scaleBilinear(src.Image(k), src.Width, src.Height, size, size)
		fw, fh := size/4+rng.IntN(size/4+1), size/4+rng.IntN(size/4+1)
		fx, fy := rng.IntN(size-fw+1), rng.IntN(size-fh+1)
		frag := make([]float32, fw*fh)
		for y := range fh {
			copy(frag[y*fw:(y+1)*fw], patch[(fy+y)*size+fx:(fy+y)*size+fx+fw])
		}
		for range 20 {
			x0, y0 := rng.IntN(cfg.Width-fw+1), rng.IntN(cfg.Height-fh+1)
			r := Box{float32(x0), float32(y0), float32(x0 + fw), float32(y0 + fh)}
			touches := false
			for _, o := range objects {
				if (Box{max(r.X1, o.Box.X1), max(r.Y1, o.Box.Y1), min(r.X2, o.Box.X2), min(r.Y2, o.Box.Y2)}).Area() > 0 {
					touches = true
					break
				}
			}
			if !touches {
				paste(canvas, cfg.Width, cfg.Height, frag, fw, fh, x0, y0)
				break
			}
		}
	}
}

// overlapsMore reports whether b has IoU > limit with any object's box.
func overlapsMore(b Box, objects []Object, limit float32) bool {
	for _, o := range objects {
		if iou(b, o.Box) > limit {
			return true
		}
	}
	return false
}

// paste composites patch (pw x ph) into canvas (cw x ch) at (x0, y0) by per-pixel maximum.
func paste(canvas []float32, cw, ch int, patch []float32, pw, ph, x0, y0 int) {
	for y := range ph {
		if y0+y < 0 || y0+y >= ch {
			continue
		}
		for x := range pw {
			if x0+x < 0 || x0+x >= cw {
				continue
			}
			i := (y0+y)*cw + x0 + x
			canvas[i] = max(canvas[i], patch[y*pw+x])
		}
	}
}

// nonzeroBox returns the tight rectangle of pixels > 0 in a w x h plane.
func nonzeroBox(p []float32, w, h int) (image.Rectangle, bool) {
	var r image.Rectangle
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = w, h, 0, 0 // image.Rect would canonicalise
	for y := range h {
		for x := range w {
			if p[y*w+x] > 0 {
				r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
				r.Max.X, r.Max.Y = max(r.Max.X, x+1), max(r.Max.Y, y+1)
			}
		}
	}
	return r, r.Max.X > r.Min.X
}

// scaleBilinear resizes a one-channel sw x sh plane to dw x dh by bilinear interpolation with
// pixel centres aligned (align_corners=False, edges clamped), values kept in [0, 1].
func scaleBilinear(src []float32, sw, sh, dw, dh int) []float32 {
	dst := make([]float32, dw*dh)
	sx, sy := float32(sw)/float32(dw), float32(sh)/float32(dh)
	for y := range dh {
		fy := max((float32(y)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), sh-1)
		y1 := min(y0+1, sh-1)
		wy := fy - float32(y0)
		for x := range dw {
			fx := max((float32(x)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), sw-1)
			x1 := min(x0+1, sw-1)
			wx := fx - float32(x0)
			top := src[y0*sw+x0]*(1-wx) + src[y0*sw+x1]*wx
			bot := src[y1*sw+x0]*(1-wx) + src[y1*sw+x1]*wx
			dst[y*dw+x] = min(max(top*(1-wy)+bot*wy, 0), 1)
		}
	}
	return dst
}
