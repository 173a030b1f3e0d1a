package augment

import "github.com/cvlessons/cvlessons/pkg/detect"

// Box is the course's box type, detect.Box: (X1, Y1, X2, Y2) in pixels, origin at the top-left
// corner of the image, X2 and Y2 the right and bottom edges (no +1 convention; PASCAL VOC's files use
// +1). The alias lets augmented boxes go straight to pkg/detect.
type Box = detect.Box

// clipBox returns b clipped to [0, w] x [0, h].
func clipBox(b Box, w, h float32) Box {
	return Box{X1: clamp32(b.X1, 0, w), Y1: clamp32(b.Y1, 0, h), X2: clamp32(b.X2, 0, w), Y2: clamp32(b.Y2, 0, h)}
}

// shiftBox returns b moved by (dx, dy).
func shiftBox(b Box, dx, dy float32) Box {
	return Box{X1: b.X1 + dx, Y1: b.Y1 + dy, X2: b.X2 + dx, Y2: b.Y2 + dy}
}

func clamp32(v, lo, hi float32) float32 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// mapBoxes applies f to every box of s and keeps only those for which f returns true, keeping
// s.Classes in step. It returns new slices and leaves s untouched.
func mapBoxes(s Sample, f func(Box) (Box, bool)) ([]Box, []int) {
	if s.Boxes == nil {
		return nil, nil
	}
	if s.Classes != nil && len(s.Classes) != len(s.Boxes) {
		panic("augment: Sample has len(Classes) != len(Boxes)")
	}
	boxes := make([]Box, 0, len(s.Boxes))
	var classes []int
	if s.Classes != nil {
		classes = make([]int, 0, len(s.Classes))
	}
	for i, b := range s.Boxes {
		nb, ok := f(b)
		if !ok {
			continue
		}
		boxes = append(boxes, nb)
		if classes != nil {
			classes = append(classes, s.Classes[i])
		}
	}
	return boxes, classes
}
