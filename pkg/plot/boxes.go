package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotutil"
)

// Box is a rectangle to draw on an image, in the image's pixels: origin top-left, (X1, Y1)
// inclusive, (X2, Y2) exclusive (the course's detect.Box convention).
type Box struct {
	X1, Y1, X2, Y2 float32
	// Label is written on a filled tab above the box (inside it when the box touches the top edge).
	Label string
	// Color is the outline and tab colour; nil picks one per box index.
	Color color.Color
}

// DrawBoxes draws boxes over a copy of img enlarged scale times (nearest neighbour; scale >= 1),
// each as a 2-pixel outline with its label. Boxes may extend past the image and are clipped.
// img is not modified.
func DrawBoxes(img image.Image, boxes []Box, scale int) (*Figure, error) {
	if img == nil {
		return nil, fmt.Errorf("plot: DrawBoxes: nil image")
	}
	if scale < 1 {
		return nil, fmt.Errorf("plot: DrawBoxes: scale %d, want >= 1", scale)
	}
	for i, b := range boxes {
		if !finite32(b.X1, b.Y1, b.X2, b.Y2) || b.X2 < b.X1 || b.Y2 < b.Y1 {
			return nil, fmt.Errorf("plot: DrawBoxes: box %d (%q) is (%v, %v, %v, %v), want finite X1 <= X2, Y1 <= Y2", i, b.Label, b.X1, b.Y1, b.X2, b.Y2)
		}
	}
	bounds := img.Bounds()
	canvas := newCanvas(bounds.Dx()*scale, bounds.Dy()*scale)
	scaleNearest(canvas, 0, 0, img, scale)
	const thick = 2
	for i, b := range boxes {
		c := b.Color
		if c == nil {
			c = plotutil.Color(i)
		}
		s := float32(scale)
		r := image.Rect(int(math.Round(float64(b.X1*s))), int(math.Round(float64(b.Y1*s))),
			int(math.Round(float64(b.X2*s))), int(math.Round(float64(b.Y2*s))))
		fillRect(canvas, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+thick), c)
		fillRect(canvas, image.Rect(r.Min.X, r.Max.Y-thick, r.Max.X, r.Max.Y), c)
		fillRect(canvas, image.Rect(r.Min.X, r.Min.Y, r.Min.X+thick, r.Max.Y), c)
		fillRect(canvas, image.Rect(r.Max.X-thick, r.Min.Y, r.Max.X, r.Max.Y), c)
		if b.Label == "" {
			continue
		}
		tabH := lineHeight + 2
		tab := image.Rect(r.Min.X, r.Min.Y-tabH, r.Min.X+textWidth(b.Label)+4, r.Min.Y)
		if tab.Min.Y < 0 {
			tab = tab.Add(image.Pt(0, tabH))
		}
		fillRect(canvas, tab, c)
		drawText(canvas, tab.Min.X+2, tab.Min.Y+1, canvas.Bounds().Dx()-tab.Min.X-2, b.Label, color.White)
	}
	return &Figure{Image: canvas}, nil
}

func finite32(vs ...float32) bool {
	for _, v := range vs {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}
