package augment

import (
	"fmt"
	"image"
	"math/rand/v2"
)

// Mosaic combines four detection samples into one square canvas around a random centre, the YOLOv4
// augmentation (Bochkovskiy et al. 2020), with the placement and box filter of Ultralytics YOLOv5's
// load_mosaic: image 0 has its bottom-right corner at the centre, image 1 its bottom-left, image 2 its
// top-right and image 3 its top-left; parts falling outside the canvas are cut off and uncovered
// canvas is Fill. Images are placed at their own size, so resize them first (YOLOv5 scales each so its
// longer side is half the canvas).
type Mosaic struct {
	// Size is the side of the square output canvas, in pixels.
	Size int
	// Fill is the value of canvas pixels no image covers (YOLOv5: 114/255).
	Fill float32
	// MinSide: a box is kept only when its clipped width and height are both strictly greater than
	// MinSide pixels (YOLOv5's box_candidates: wh_thr = 2).
	MinSide float32
	// MinVisible: a box is kept only when its clipped area is strictly greater than MinVisible times
	// its area before clipping (YOLOv5: area_thr = 0.1).
	MinVisible float32
}

// NewMosaic returns a Mosaic with a size x size canvas and YOLOv5's defaults: Fill 114/255,
// MinSide 2, MinVisible 0.1.
func NewMosaic(size int) Mosaic {
	return Mosaic{Size: size, Fill: 114.0 / 255, MinSide: 2, MinVisible: 0.1}
}

// Apply draws the centre (xc, yc), each coordinate uniform over the integers in
// [Size/4, 3*Size/4] (YOLOv5's range on its 2s canvas, scaled to ours), pastes the four samples and
// returns the mosaic with the surviving boxes (classes kept in step; when some samples have Classes,
// the boxes of those without get class -1) and the centre. The samples must
// share a channel count; it panics otherwise.
func (m Mosaic) Apply(samples [4]Sample, r *rand.Rand) (Sample, image.Point) {
	if m.Size <= 0 {
		panic(fmt.Sprintf("augment: Mosaic.Size %d must be positive", m.Size))
	}
	c := samples[0].Image.Channels
	s := m.Size
	lo, hi := s/4, 3*s/4
	centre := image.Pt(lo+r.IntN(hi-lo+1), lo+r.IntN(hi-lo+1))
	xc, yc := centre.X, centre.Y
	canvas := NewImage(s, s, c)
	for i := range canvas.Pix {
		canvas.Pix[i] = m.Fill
	}
	out := Sample{Image: canvas, Boxes: []Box{}}
	withClasses := false
	for _, sm := range samples {
		withClasses = withClasses || sm.Classes != nil
	}
	if withClasses {
		out.Classes = []int{}
	}
	for k, sm := range samples {
		img := sm.Image
		if img.Channels != c {
			panic(fmt.Sprintf("augment: Mosaic sample %d has %d channels, sample 0 has %d", k, img.Channels, c))
		}
		h, w := img.Height, img.Width
		// a: region on the canvas; b: matching region of the image.
		var a, b image.Rectangle
		switch k {
		case 0:
			a = image.Rect(max(xc-w, 0), max(yc-h, 0), xc, yc)
			b = image.Rect(w-a.Dx(), h-a.Dy(), w, h)
		case 1:
			a = image.Rect(xc, max(yc-h, 0), min(xc+w, s), yc)
			b = image.Rect(0, h-a.Dy(), min(w, a.Dx()), h)
		case 2:
			a = image.Rect(max(xc-w, 0), yc, xc, min(s, yc+h))
			b = image.Rect(w-a.Dx(), 0, w, min(a.Dy(), h))
		case 3:
			a = image.Rect(xc, yc, min(xc+w, s), min(s, yc+h))
			b = image.Rect(0, 0, min(w, a.Dx()), min(a.Dy(), h))
		}
		for y := 0; y < a.Dy(); y++ {
			dst := canvas.Pix[((a.Min.Y+y)*s+a.Min.X)*c : ((a.Min.Y+y)*s+a.Max.X)*c]
			copy(dst, img.Pix[((b.Min.Y+y)*w+b.Min.X)*c:((b.Min.Y+y)*w+b.Max.X)*c])
		}
		dx, dy := float32(a.Min.X-b.Min.X), float32(a.Min.Y-b.Min.Y)
		// Clip to the pasted region: image k is only visible there.
		boxes, classes := mapBoxes(sm, func(bx Box) (Box, bool) {
			moved := shiftBox(bx, dx, dy)
			x1, y1, x2, y2 := float32(a.Min.X), float32(a.Min.Y), float32(a.Max.X), float32(a.Max.Y)
			cl := Box{
				X1: clamp32(moved.X1, x1, x2), Y1: clamp32(moved.Y1, y1, y2),
				X2: clamp32(moved.X2, x1, x2), Y2: clamp32(moved.Y2, y1, y2),
			}
			return cl, m.keep(bx, cl)
		})
		out.Boxes = append(out.Boxes, boxes...)
		if withClasses {
			if classes == nil {
				classes = make([]int, len(boxes))
				for i := range classes {
					classes[i] = -1
				}
			}
			out.Classes = append(out.Classes, classes...)
		}
	}
	return out, centre
}

// keep is YOLOv5's box_candidates without its aspect-ratio test.
func (m Mosaic) keep(before, after Box) bool {
	w, h := after.X2-after.X1, after.Y2-after.Y1
	return w > m.MinSide && h > m.MinSide && after.Area() > m.MinVisible*before.Area()
}
