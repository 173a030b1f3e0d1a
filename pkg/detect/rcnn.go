package detect

import (
	"fmt"
	"math"
)

// IgnoreLabel marks a proposal that [LabelProposals] leaves out of training: its IoU with the nearest
// object is between the background and foreground thresholds.
const IgnoreLabel = -1

// LabelProposals labels region proposals for training a region classifier, as R-CNN and Fast R-CNN do:
// a proposal whose best IoU with an object is >= fgIoU takes that object's class; one whose best IoU is
// < bgIoU is background, labelled numClasses (so that classes keep their own indices 0..numClasses-1);
// the rest get [IgnoreLabel]. matched[i] is the index of proposal i's best object (-1 when there are no
// objects), for [BoxDelta] regression targets; ties go to the first object.
//
// R-CNN fine-tuning used fgIoU = bgIoU = 0.5 (every proposal labelled); Fast R-CNN used fgIoU = 0.5 and
// took background from IoU in [0.1, 0.5). It panics if an object's class is outside [0, numClasses).
func LabelProposals(proposals []Box, objects []Object, numClasses int, fgIoU, bgIoU float32) (labels, matched []int) {
	for _, o := range objects {
		if o.Class < 0 || o.Class >= numClasses {
			panic(fmt.Sprintf("detect: LabelProposals: object class %d, want in [0, %d)", o.Class, numClasses))
		}
	}
	labels = make([]int, len(proposals))
	matched = make([]int, len(proposals))
	for i, p := range proposals {
		best, bestIoU := -1, float32(0)
		for j, o := range objects {
			if v := IoU(p, o.Box); best < 0 || v > bestIoU {
				best, bestIoU = j, v
			}
		}
		matched[i] = best
		switch {
		case best >= 0 && bestIoU >= fgIoU:
			labels[i] = objects[best].Class
		case best < 0 || bestIoU < bgIoU:
			labels[i] = numClasses
		default:
			labels[i] = IgnoreLabel
		}
	}
	return labels, matched
}

// BoxDelta returns the regression target that moves proposal p onto box g, in R-CNN's parametrization
// (Girshick et al. 2014, appendix C): dx = (gx - px) / pw, dy = (gy - py) / ph, dw = ln(gw / pw),
// dh = ln(gh / ph), with (x, y) the centres and (w, h) the sizes. Both boxes must be non-empty.
func BoxDelta(p, g Box) [4]float32 {
	px, py, pw, ph := p.CXCYWH()
	gx, gy, gw, gh := g.CXCYWH()
	return [4]float32{(gx - px) / pw, (gy - py) / ph,
		float32(math.Log(float64(gw / pw))), float32(math.Log(float64(gh / ph)))}
}

// ApplyDelta moves proposal p by a regression output d, the inverse of [BoxDelta]:
// centre += d[0:2]·size, size *= exp(d[2:4]).
func ApplyDelta(p Box, d [4]float32) Box {
	px, py, pw, ph := p.CXCYWH()
	return FromCXCYWH(px+d[0]*pw, py+d[1]*ph,
		pw*float32(math.Exp(float64(d[2]))), ph*float32(math.Exp(float64(d[3]))))
}

// WarpRegion crops box b from img, with context pixels of surrounding image on every side of the
// warped result, and resizes it anisotropically to size x size by bilinear interpolation: R-CNN's
// "warp" with context padding (the paper: 227x227, 16 pixels of context). Pixels outside the image
// read as 0. It returns size·size·img.Channels values, HWC. It panics unless size > 2·context >= 0
// and b is non-empty.
func WarpRegion(img Image, b Box, size, context int) []float32 {
	if context < 0 || size <= 2*context || b.Empty() {
		panic(fmt.Sprintf("detect: WarpRegion: size %d, context %d, box %v: want size > 2·context >= 0 and a non-empty box",
			size, context, b))
	}
	ch := img.Channels
	if len(img.Pix) != img.Width*img.Height*ch {
		panic(fmt.Sprintf("detect: WarpRegion: len(Pix) = %d, want %d*%d*%d", len(img.Pix), img.Width, img.Height, ch))
	}
	// Grow b so that, after the warp, it occupies the inner size - 2·context pixels.
	inner := float32(size - 2*context)
	padX, padY := b.Width()*float32(context)/inner, b.Height()*float32(context)/inner
	src := Box{X1: b.X1 - padX, Y1: b.Y1 - padY, X2: b.X2 + padX, Y2: b.Y2 + padY}
	sx, sy := src.Width()/float32(size), src.Height()/float32(size)
	out := make([]float32, size*size*ch)
	at := func(x, y, c int) float32 {
		if x < 0 || y < 0 || x >= img.Width || y >= img.Height {
			return 0
		}
		return img.Pix[(y*img.Width+x)*ch+c]
	}
	for oy := range size {
		// Sample at the output pixel's centre, in source pixel coordinates (pixel centres at +0.5).
		fy := src.Y1 + (float32(oy)+0.5)*sy - 0.5
		y0 := int(math.Floor(float64(fy)))
		wy := fy - float32(y0)
		for ox := range size {
			fx := src.X1 + (float32(ox)+0.5)*sx - 0.5
			x0 := int(math.Floor(float64(fx)))
			wx := fx - float32(x0)
			for c := range ch {
				top := (1-wx)*at(x0, y0, c) + wx*at(x0+1, y0, c)
				bot := (1-wx)*at(x0, y0+1, c) + wx*at(x0+1, y0+1, c)
				out[(oy*size+ox)*ch+c] = (1-wy)*top + wy*bot
			}
		}
	}
	return out
}
