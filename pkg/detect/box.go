package detect

import "fmt"

// Box is an axis-aligned box given by its top-left corner (X1, Y1) and bottom-right corner (X2, Y2), in
// pixels, with no +1: the width is X2 - X1. See the package documentation for the conventions.
type Box struct {
	X1, Y1, X2, Y2 float32
}

// FromCXCYWH returns the box with centre (cx, cy), width w and height h.
func FromCXCYWH(cx, cy, w, h float32) Box {
	hw, hh := float32(0.5*w), float32(0.5*h)
	return Box{X1: cx - hw, Y1: cy - hh, X2: cx + hw, Y2: cy + hh}
}

// FromXYWH returns the box with top-left corner (x, y), width w and height h: COCO's bbox format.
func FromXYWH(x, y, w, h float32) Box {
	return Box{X1: x, Y1: y, X2: x + w, Y2: y + h}
}

// CXCYWH returns b's centre, width and height.
func (b Box) CXCYWH() (cx, cy, w, h float32) {
	w, h = b.X2-b.X1, b.Y2-b.Y1
	return float32(b.X1 + float32(0.5*w)), float32(b.Y1 + float32(0.5*h)), w, h
}

// XYWH returns b's top-left corner, width and height: COCO's bbox format.
func (b Box) XYWH() (x, y, w, h float32) {
	return b.X1, b.Y1, b.X2 - b.X1, b.Y2 - b.Y1
}

// Width returns X2 - X1, which is negative for an inverted box.
func (b Box) Width() float32 { return b.X2 - b.X1 }

// Height returns Y2 - Y1, which is negative for an inverted box.
func (b Box) Height() float32 { return b.Y2 - b.Y1 }

// Empty reports whether b has no area: X2 <= X1, Y2 <= Y1, or a NaN coordinate.
func (b Box) Empty() bool {
	return !(b.X2 > b.X1 && b.Y2 > b.Y1)
}

// Area returns (X2 - X1) * (Y2 - Y1), or 0 when b is empty.
func (b Box) Area() float32 {
	if b.Empty() {
		return 0
	}
	// The conversion rounds the product, so that it is never fused with a later addition.
	return float32((b.X2 - b.X1) * (b.Y2 - b.Y1))
}

// Intersect returns the largest box contained in both a and b. The result is empty when they do not
// overlap (touching edges included); its coordinates are then unspecified beyond that.
func (b Box) Intersect(o Box) Box {
	return Box{X1: max(b.X1, o.X1), Y1: max(b.Y1, o.Y1), X2: min(b.X2, o.X2), Y2: min(b.Y2, o.Y2)}
}

// Enclose returns the smallest box that contains both b and o (the "C" of GIoU).
func (b Box) Enclose(o Box) Box {
	return Box{X1: min(b.X1, o.X1), Y1: min(b.Y1, o.Y1), X2: max(b.X2, o.X2), Y2: max(b.Y2, o.Y2)}
}

// Clip returns b with its coordinates clamped to [0, width] x [0, height], as
// torchvision.ops.clip_boxes_to_image does. A box entirely outside the image becomes empty.
func (b Box) Clip(width, height float32) Box {
	return Box{
		X1: min(max(b.X1, 0), width), Y1: min(max(b.Y1, 0), height),
		X2: min(max(b.X2, 0), width), Y2: min(max(b.Y2, 0), height),
	}
}

// Scale returns b with its X coordinates multiplied by sx and its Y coordinates by sy, for example to
// map a box from a resized image back to the original.
func (b Box) Scale(sx, sy float32) Box {
	return Box{X1: b.X1 * sx, Y1: b.Y1 * sy, X2: b.X2 * sx, Y2: b.Y2 * sy}
}

// String formats b as "(x1,y1)-(x2,y2)" with up to 4 significant digits.
func (b Box) String() string {
	return fmt.Sprintf("(%.4g,%.4g)-(%.4g,%.4g)", b.X1, b.Y1, b.X2, b.Y2)
}
