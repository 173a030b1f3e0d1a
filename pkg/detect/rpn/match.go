package rpn

import (
	"fmt"
	"math"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// Label is an anchor's training label: the objectness target of a positive or negative anchor, or
// Ignore for an anchor that does not contribute to the loss. The values are py-faster-rcnn's (1, 0, -1),
// so a positive or negative label converts to its objectness target with float32(label).
type Label int8

// The labels of [Match].
const (
	Ignore   Label = -1 // between the thresholds, or crossing the image border: no loss
	Negative Label = 0  // background: objectness target 0
	Positive Label = 1  // object: objectness target 1, and a box-regression target
)

// String returns "ignore", "negative" or "positive".
func (l Label) String() string {
	switch l {
	case Ignore:
		return "ignore"
	case Negative:
		return "negative"
	case Positive:
		return "positive"
	}
	return fmt.Sprintf("Label(%d)", int8(l))
}

// MatchConfig holds the thresholds of [Match].
type MatchConfig struct {
	// PositiveIoU: an anchor whose IoU with some ground-truth box is >= PositiveIoU is positive.
	PositiveIoU float32
	// NegativeIoU: an anchor whose IoU with every ground-truth box is < NegativeIoU is negative,
	// unless a positive rule applies.
	NegativeIoU float32
	// AllowedBorder: an anchor that extends more than AllowedBorder pixels beyond an image edge is
	// ignored (and takes no part in the best-anchor rule). 0 is the paper's "ignore all
	// cross-boundary anchors"; +Inf keeps every anchor, as torchvision does.
	AllowedBorder float32
}

// PaperMatch returns the paper's thresholds: positive at IoU >= 0.7, negative below 0.3, cross-boundary
// anchors ignored (AllowedBorder 0, py-faster-rcnn's allowed_border).
func PaperMatch() MatchConfig {
	return MatchConfig{PositiveIoU: 0.7, NegativeIoU: 0.3, AllowedBorder: 0}
}

// Validate returns an error unless 0 <= NegativeIoU <= PositiveIoU <= 1, PositiveIoU > 0 and
// AllowedBorder is not NaN.
func (c MatchConfig) Validate() error {
	if !(c.PositiveIoU > 0 && c.PositiveIoU <= 1) {
		return fmt.Errorf("rpn: match: PositiveIoU = %v, want in (0, 1]", c.PositiveIoU)
	}
	if !(c.NegativeIoU >= 0 && c.NegativeIoU <= c.PositiveIoU) {
		return fmt.Errorf("rpn: match: NegativeIoU = %v, want in [0, PositiveIoU = %v]", c.NegativeIoU, c.PositiveIoU)
	}
	if math.IsNaN(float64(c.AllowedBorder)) {
		return fmt.Errorf("rpn: match: AllowedBorder = NaN, want a number of pixels (0 in the paper, +Inf for none)")
	}
	return nil
}

// Matching is [Match]'s result, one entry per anchor.
type Matching struct {
	// Labels are the anchors' labels.
	Labels []Label
	// Matched is the index of the ground-truth box a positive anchor regresses to, its highest-IoU box
	// (the first on ties); -1 for every anchor that is not positive.
	Matched []int
	// MaxIoU is each anchor's highest IoU with a ground-truth box (0 without boxes), computed for
	// border-crossing anchors too.
	MaxIoU []float32
}

// Counts returns the numbers of positive, negative and ignored anchors.
func (m Matching) Counts() (positive, negative, ignored int) {
	for _, l := range m.Labels {
		switch l {
		case Positive:
			positive++
		case Negative:
			negative++
		default:
			ignored++
		}
	}
	return positive, negative, ignored
}

// Match labels anchors against the ground-truth boxes truth of a width x height image by the rules of
// Ren et al. 2015, section 3.1.2, in this order:
//
//   - An anchor that extends more than cfg.AllowedBorder pixels beyond the image (X1 < -border,
//     Y1 < -border, X2 > width + border or Y2 > height + border) is [Ignore]d and skipped by the rules
//     below; an anchor exactly on the edge is inside (py-faster-rcnn's x2 < width, with its +1
//     convention).
//   - An anchor whose IoU with every box is < cfg.NegativeIoU is [Negative]; without boxes, every inside
//     anchor is negative.
//   - An anchor whose IoU with some box is >= cfg.PositiveIoU is [Positive].
//   - For each box, the inside anchors with the highest IoU with it are [Positive], all of them when
//     several tie exactly, even when that IoU is below cfg.PositiveIoU (or below cfg.NegativeIoU): this
//     gives every box at least one positive anchor. A box that no inside anchor overlaps (highest IoU 0)
//     gets none; py-faster-rcnn and torchvision would then mark every anchor with IoU 0 positive.
//   - The remaining inside anchors are [Ignore]d.
//
// A positive anchor regresses to its own highest-IoU box (the first on ties), even when the best-anchor
// rule made it positive for another box, as py-faster-rcnn and torchvision do. Empty truth boxes have
// IoU 0 with every anchor, so they never produce a positive. IoU is [detect.IoU].
//
// It returns an error if cfg is not valid or width or height is < 1.
func Match(anchors, truth []detect.Box, width, height int, cfg MatchConfig) (Matching, error) {
	if err := cfg.Validate(); err != nil {
		return Matching{}, err
	}
	if width < 1 || height < 1 {
		return Matching{}, fmt.Errorf("rpn: match: image %dx%d (width x height), want at least 1x1", width, height)
	}
	n := len(anchors)
	m := Matching{Labels: make([]Label, n), Matched: make([]int, n), MaxIoU: make([]float32, n)}
	best := make([]int, n)                    // each anchor's highest-IoU box, first on ties
	bestForBox := make([]float32, len(truth)) // each box's highest IoU over inside anchors
	w, h, border := float32(width), float32(height), cfg.AllowedBorder
	for i, a := range anchors {
		m.Matched[i] = -1
		best[i] = -1
		inside := insideImage(a, w, h, border)
		for j, t := range truth {
			v := detect.IoU(a, t)
			if best[i] < 0 || v > m.MaxIoU[i] {
				best[i], m.MaxIoU[i] = j, v
			}
			if inside && v > bestForBox[j] {
				bestForBox[j] = v
			}
		}
		switch {
		case !inside:
			m.Labels[i] = Ignore
		case len(truth) == 0 || m.MaxIoU[i] < cfg.NegativeIoU:
			m.Labels[i] = Negative
		case m.MaxIoU[i] >= cfg.PositiveIoU:
			m.Labels[i] = Positive
		default:
			m.Labels[i] = Ignore
		}
	}
	// The best-anchor rule, in a second pass once every box's highest IoU is known. IoU is recomputed
	// rather than stored, so memory stays linear in the number of anchors.
	for i, a := range anchors {
		if m.Labels[i] == Positive || !insideImage(a, w, h, border) {
			continue
		}
		for j, t := range truth {
			if bestForBox[j] > 0 && detect.IoU(a, t) == bestForBox[j] {
				m.Labels[i] = Positive
				break
			}
		}
	}
	for i, l := range m.Labels {
		if l == Positive {
			m.Matched[i] = best[i]
		}
	}
	return m, nil
}

// insideImage reports whether a extends at most border pixels beyond the w x h image on every side.
func insideImage(a detect.Box, w, h, border float32) bool {
	return a.X1 >= -border && a.Y1 >= -border && a.X2 <= w+border && a.Y2 <= h+border
}

// Targets returns the regression target of every anchor, coder.Encode(anchors[i], truth[m.Matched[i]])
// for a positive anchor and zeros for the others: the t* of the paper's loss, which multiplies the
// regression loss by the objectness target p* so only positives count. anchors and truth must be the
// arguments m was computed from; Targets panics if len(anchors) != len(m.Labels), if a matched index is
// outside truth, or if coder is not valid.
func (m Matching) Targets(anchors, truth []detect.Box, coder BoxCoder) [][4]float32 {
	if len(anchors) != len(m.Labels) || len(m.Matched) != len(m.Labels) {
		panic(fmt.Sprintf("rpn: Matching.Targets: %d anchors, %d labels and %d matched indices, want equal",
			len(anchors), len(m.Labels), len(m.Matched)))
	}
	coder.mustValidate()
	out := make([][4]float32, len(anchors))
	for i, l := range m.Labels {
		if l != Positive {
			continue
		}
		j := m.Matched[i]
		if j < 0 || j >= len(truth) {
			panic(fmt.Sprintf("rpn: Matching.Targets: anchor %d matched to box %d, want in [0, %d)", i, j, len(truth)))
		}
		d, err := coder.Encode(anchors[i], truth[j])
		if err != nil {
			// A positive anchor has IoU > 0 with its box, so both are non-empty.
			panic(fmt.Sprintf("rpn: Matching.Targets: anchor %d: %v", i, err))
		}
		out[i] = d
	}
	return out
}
