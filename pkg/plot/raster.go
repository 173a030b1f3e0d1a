package plot

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// face is the bitmap font of titles and box labels: 7x13 pixels, so text stays sharp at any size.
var face = basicfont.Face7x13

const (
	charWidth  = 7
	lineHeight = 13
)

// newCanvas returns a white RGBA image of the given size.
func newCanvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	return img
}

// drawText writes s with its top-left corner at (x, y), cut to at most maxWidth pixels.
func drawText(dst draw.Image, x, y, maxWidth int, s string, ink color.Color) {
	if maxWidth < charWidth {
		return
	}
	if r := []rune(s); len(r)*charWidth > maxWidth {
		s = string(r[:maxWidth/charWidth])
	}
	d := font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(ink),
		Face: face,
		Dot:  fixed.P(x, y+face.Ascent),
	}
	d.DrawString(s)
}

// textWidth is the width in pixels of s in the bitmap font.
func textWidth(s string) int { return len([]rune(s)) * charWidth }

// scaleNearest copies src into dst at (x, y), each source pixel becoming a k×k block.
func scaleNearest(dst *image.RGBA, x, y int, src image.Image, k int) {
	b := src.Bounds()
	for sy := b.Min.Y; sy < b.Max.Y; sy++ {
		for sx := b.Min.X; sx < b.Max.X; sx++ {
			c := color.RGBAModel.Convert(src.At(sx, sy)).(color.RGBA)
			dx, dy := x+(sx-b.Min.X)*k, y+(sy-b.Min.Y)*k
			for j := 0; j < k; j++ {
				for i := 0; i < k; i++ {
					dst.SetRGBA(dx+i, dy+j, c)
				}
			}
		}
	}
}

// fillRect fills r with c, clipped to dst.
func fillRect(dst *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(dst, r.Intersect(dst.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
}
