package rpn

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// ProposalConfig holds the knobs of [Proposals].
type ProposalConfig struct {
	// PreNMSTopN is how many of the highest-scoring boxes, after the size filter, go into NMS (>= 1).
	PreNMSTopN int
	// PostNMSTopN is how many boxes NMS keeps at most, the highest-scoring first (>= 1).
	PostNMSTopN int
	// NMSIoU is the NMS threshold: a box whose IoU with a higher-scoring kept box is > NMSIoU is
	// suppressed. In [0, 1].
	NMSIoU float32
	// MinSize is the smallest width and height, in pixels of the image the anchors are laid on, that
	// a clipped proposal may have (>= 0). py-faster-rcnn's 16 is in pixels of the original image and
	// is multiplied by the image's rescale factor; pass the product.
	MinSize float32
	// Coder decodes the deltas.
	Coder BoxCoder
}

// PaperTrainProposals returns the settings for the proposals the detector trains on: the top 12000 boxes
// into NMS at IoU 0.7, 2000 kept, 16-pixel minimum side (py-faster-rcnn's TRAIN settings; the paper's
// 0.7 and 2000) and [DefaultBoxCoder].
func PaperTrainProposals() ProposalConfig {
	return ProposalConfig{PreNMSTopN: 12000, PostNMSTopN: 2000, NMSIoU: 0.7, MinSize: 16, Coder: DefaultBoxCoder()}
}

// PaperTestProposals returns the settings for evaluation: the top 6000 boxes into NMS at IoU 0.7, 300 kept,
// 16-pixel minimum side (py-faster-rcnn's TEST settings; the paper's 0.7 and 300) and [DefaultBoxCoder].
func PaperTestProposals() ProposalConfig {
	return ProposalConfig{PreNMSTopN: 6000, PostNMSTopN: 300, NMSIoU: 0.7, MinSize: 16, Coder: DefaultBoxCoder()}
}

// Validate returns an error unless PreNMSTopN and PostNMSTopN are >= 1, NMSIoU is in [0, 1], MinSize is
// finite and >= 0, and Coder is valid.
func (c ProposalConfig) Validate() error {
	if c.PreNMSTopN < 1 || c.PostNMSTopN < 1 {
		return fmt.Errorf("rpn: proposals: PreNMSTopN = %d and PostNMSTopN = %d, want both >= 1", c.PreNMSTopN, c.PostNMSTopN)
	}
	if !(c.NMSIoU >= 0 && c.NMSIoU <= 1) {
		return fmt.Errorf("rpn: proposals: NMSIoU = %v, want in [0, 1]", c.NMSIoU)
	}
	if !(c.MinSize >= 0 && c.MinSize <= math.MaxFloat32) {
		return fmt.Errorf("rpn: proposals: MinSize = %v, want a finite value >= 0", c.MinSize)
	}
	return c.Coder.Validate()
}

// Proposal is a region proposal: a box in image pixels, the objectness score it was ranked by, and the
// index of the anchor it was decoded from.
type Proposal struct {
	Box    detect.Box
	Score  float32
	Anchor int
}

// Proposals turns the RPN's outputs for one image into region proposals, as the paper's test-time
// procedure and py-faster-rcnn's proposal layer do: each anchor's deltas are decoded
// (cfg.Coder.Decode(anchors[i], deltas[i])), the box is clipped to the width x height image
// ([detect.Box.Clip]), boxes narrower or lower than cfg.MinSize are dropped, the cfg.PreNMSTopN
// highest-scoring boxes go through [detect.NMS] at cfg.NMSIoU (suppression when IoU > cfg.NMSIoU), and
// the first cfg.PostNMSTopN survivors are returned, by decreasing score.
//
// scores[i] is anchor i's objectness, as a logit or a probability (only the order matters, and the
// returned Score is the value given). Equal scores keep anchor order, at every step. A box that is empty
// after clipping (entirely outside the image, or NaN from a NaN delta) is dropped even when cfg.MinSize
// is 0, and so is an anchor whose score is NaN, since it cannot be ranked. torchvision takes its pre-NMS
// top N before clipping and the size filter, so it can return fewer boxes than this order does.
//
// It returns an error if cfg is not valid or width or height is < 1, and panics unless anchors, scores
// and deltas have equal lengths. The result is empty, not nil, when no box survives.
func Proposals(anchors []detect.Box, scores []float32, deltas [][4]float32, width, height int, cfg ProposalConfig) ([]Proposal, error) {
	if len(anchors) != len(scores) || len(anchors) != len(deltas) {
		panic(fmt.Sprintf("rpn: Proposals: %d anchors, %d scores and %d deltas, want equal",
			len(anchors), len(scores), len(deltas)))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if width < 1 || height < 1 {
		return nil, fmt.Errorf("rpn: proposals: image %dx%d (width x height), want at least 1x1", width, height)
	}
	w, h := float32(width), float32(height)
	boxes := make([]detect.Box, len(anchors))
	candidates := make([]int, 0, len(anchors))
	for i, a := range anchors {
		if math.IsNaN(float64(scores[i])) {
			continue
		}
		b := cfg.Coder.decode(a, deltas[i]).Clip(w, h)
		if b.Empty() || !(b.Width() >= cfg.MinSize && b.Height() >= cfg.MinSize) {
			continue
		}
		boxes[i] = b
		candidates = append(candidates, i)
	}
	slices.SortStableFunc(candidates, func(i, j int) int { return cmp.Compare(scores[j], scores[i]) })
	candidates = candidates[:min(len(candidates), cfg.PreNMSTopN)]

	ranked := make([]detect.Box, len(candidates))
	rankedScores := make([]float32, len(candidates))
	for r, i := range candidates {
		ranked[r], rankedScores[r] = boxes[i], scores[i]
	}
	// NMS sorts stably by score, so equal scores stay in anchor order.
	keep := detect.NMS(ranked, rankedScores, cfg.NMSIoU)
	keep = keep[:min(len(keep), cfg.PostNMSTopN)]
	out := make([]Proposal, len(keep))
	for k, r := range keep {
		out[k] = Proposal{Box: ranked[r], Score: rankedScores[r], Anchor: candidates[r]}
	}
	return out, nil
}
