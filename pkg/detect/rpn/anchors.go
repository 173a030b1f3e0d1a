package rpn

import (
	"fmt"
	"math"
	"slices"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// MaxAnchors bounds the number of anchors [Anchors.Boxes] will lay out (2²², 64 MiB of boxes), so that a
// wrong feature-map size or stride fails with an error instead of allocating gigabytes. The paper's
// VGG-16 on a 1000x600 image has about 60·40·9 = 21,600 anchors.
const MaxAnchors = 1 << 22

// Anchors describes the reference boxes of a region proposal network: at every cell of a feature map,
// one anchor per (scale, aspect ratio) pair, centred on the cell's centre. See the package documentation
// for the anchor order and geometry.
type Anchors struct {
	// Stride is the feature map's cell size in image pixels (16 for the paper's VGG-16 conv5_3).
	Stride float32
	// Scales are the anchors' sides in pixels: an anchor of scale s has area s².
	Scales []float32
	// Ratios are the anchors' aspect ratios height / width: 2 is twice as high as wide.
	Ratios []float32
}

// PaperAnchors returns the anchors of Ren et al. 2015: stride 16, scales 128, 256 and 512, aspect ratios
// 0.5, 1 and 2 (9 anchors per cell).
func PaperAnchors() Anchors {
	return Anchors{Stride: 16, Scales: []float32{128, 256, 512}, Ratios: []float32{0.5, 1, 2}}
}

// PerCell returns the number of anchors at each cell, len(Scales)·len(Ratios): the k of the paper, and
// the number of objectness outputs per cell of the RPN head (4 times that for the deltas).
func (a Anchors) PerCell() int { return len(a.Scales) * len(a.Ratios) }

// Validate returns an error unless Stride, every scale and every ratio are finite and > 0 and there is
// at least one scale and one ratio.
func (a Anchors) Validate() error {
	if !positiveFinite(a.Stride) {
		return fmt.Errorf("rpn: anchors: stride = %v, want a finite value > 0", a.Stride)
	}
	if len(a.Scales) == 0 || len(a.Ratios) == 0 {
		return fmt.Errorf("rpn: anchors: %d scales and %d ratios, want at least one of each", len(a.Scales), len(a.Ratios))
	}
	for i, s := range a.Scales {
		if !positiveFinite(s) {
			return fmt.Errorf("rpn: anchors: Scales[%d] = %v, want a finite value > 0", i, s)
		}
	}
	for i, r := range a.Ratios {
		if !positiveFinite(r) {
			return fmt.Errorf("rpn: anchors: Ratios[%d] = %v, want a finite value > 0", i, r)
		}
	}
	return nil
}

// Boxes returns the anchors of a feature map height cells high and width cells wide, in image pixels,
// in the package's order: row, column, scale, ratio. There are height·width·[Anchors.PerCell] of them.
// The anchor of scale s and ratio r at (row, col) is centred on ((col + 0.5)·Stride, (row + 0.5)·Stride)
// and is s/√r wide and s·√r high; anchors near the border extend outside the image.
//
// It returns an error if a is not valid (see [Anchors.Validate]), if height or width is < 1, if there
// would be more than [MaxAnchors] anchors, or if a coordinate would not be a finite float32.
func (a Anchors) Boxes(height, width int) ([]detect.Box, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if height < 1 || width < 1 {
		return nil, fmt.Errorf("rpn: anchors: feature map %dx%d (height x width), want at least 1x1", height, width)
	}
	k := a.PerCell()
	if n := float64(height) * float64(width) * float64(k); n > MaxAnchors {
		return nil, fmt.Errorf("rpn: anchors: %dx%d cells x %d anchors = %.0f anchors, want at most %d (rpn.MaxAnchors)",
			height, width, k, n, MaxAnchors)
	}
	// Half-sizes of the anchors of one cell, computed once in float64 and rounded to float32.
	halfW := make([]float32, k)
	halfH := make([]float32, k)
	for s, scale := range a.Scales {
		for r, ratio := range a.Ratios {
			sq := math.Sqrt(float64(ratio))
			halfW[s*len(a.Ratios)+r] = float32(float64(scale) / sq / 2)
			halfH[s*len(a.Ratios)+r] = float32(float64(scale) * sq / 2)
			if !positiveFinite(halfW[s*len(a.Ratios)+r]) || !positiveFinite(halfH[s*len(a.Ratios)+r]) {
				return nil, fmt.Errorf("rpn: anchors: scale %v and ratio %v give a %gx%g anchor, want a finite size > 0",
					scale, ratio, 2*halfW[s*len(a.Ratios)+r], 2*halfH[s*len(a.Ratios)+r])
			}
		}
	}
	if ext := float64(a.Stride)*float64(max(height, width)) + 2*float64(slices.Max(halfW)+slices.Max(halfH)); ext > math.MaxFloat32/2 {
		return nil, fmt.Errorf("rpn: anchors: stride %v over %dx%d cells reaches %g pixels, want coordinates well inside float32's range",
			a.Stride, height, width, ext)
	}
	out := make([]detect.Box, 0, height*width*k)
	for row := range height {
		cy := float32((float64(row) + 0.5) * float64(a.Stride))
		for col := range width {
			cx := float32((float64(col) + 0.5) * float64(a.Stride))
			for j := range k {
				out = append(out, detect.Box{X1: cx - halfW[j], Y1: cy - halfH[j], X2: cx + halfW[j], Y2: cy + halfH[j]})
			}
		}
	}
	return out, nil
}

// positiveFinite reports whether v is finite and > 0 (false for NaN).
func positiveFinite(v float32) bool {
	return v > 0 && v <= math.MaxFloat32
}
