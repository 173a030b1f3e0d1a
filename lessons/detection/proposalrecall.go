package detection

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/detect/rpn"
)

// ProposalComparison compares a trained region proposal network with selective search on the same
// images, at equal numbers of proposals per image: Faster R-CNN's claim that learned proposals can
// replace selective search (Ren et al. 2015, section 4.1, figure 2: recall against IoU at 300, 1000
// and 2000 proposals).
type ProposalComparison struct {
	// Images is the number of images compared.
	Images int `json:"images"`
	// PerImage is the mean number of proposals per image of both methods: selective search's count on
	// each image (at most Fast R-CNN's MaxProposals), and the RPN's top boxes cut to that count.
	PerImage float64 `json:"per_image"`
	// SelectiveSearchRecall and RPNRecall are the pooled recalls at IoU 0.5 at that count.
	SelectiveSearchRecall float64 `json:"selective_search_recall50"`
	RPNRecall             float64 `json:"rpn_recall50"`
	// RPNTestRecall is the RPN's recall at IoU 0.5 with the proposals Faster R-CNN's heads get at test
	// time (FasterRCNNConfig.TestProposals), RPNTestPerImage of them per image on average.
	RPNTestRecall   float64 `json:"rpn_test_recall50"`
	RPNTestPerImage float64 `json:"rpn_test_per_image"`
}

// CompareProposals measures the region proposal network's proposals against selective search's on
// the images of val: ss and rpnBoxes hold each image's proposals, as Fast R-CNN's and Faster R-CNN's
// evaluations used them (selective search's first MaxProposals; the RPN's test proposals, highest
// objectness first).
func CompareProposals(val *datasets.Detection, ss, rpnBoxes [][]detect.Box) (*ProposalComparison, error) {
	n := val.Images.N
	if n == 0 || len(ss) != n || len(rpnBoxes) != n {
		return nil, fmt.Errorf("detection: comparing proposals on %d images: %d and %d images' proposals, want as many, at least one", n, len(ss), len(rpnBoxes))
	}
	cut := make([][]detect.Box, n) // the RPN's top boxes, as many as selective search's
	truth := make([][]detect.Box, n)
	total, testTotal := 0, 0
	for i := range n {
		cut[i] = rpnBoxes[i][:min(len(ss[i]), len(rpnBoxes[i]))]
		total += len(ss[i])
		testTotal += len(rpnBoxes[i])
		for _, o := range val.Objects[i] {
			truth[i] = append(truth[i], detect.Box(o.Box))
		}
	}
	return &ProposalComparison{Images: n, PerImage: float64(total) / float64(n),
		SelectiveSearchRecall: detect.PooledProposalRecall(ss, truth, 0.5),
		RPNRecall:             detect.PooledProposalRecall(cut, truth, 0.5),
		RPNTestRecall:         detect.PooledProposalRecall(rpnBoxes, truth, 0.5),
		RPNTestPerImage:       float64(testTotal) / float64(n)}, nil
}

// String describes the comparison in one line.
func (c *ProposalComparison) String() string {
	return fmt.Sprintf("proposals at %.0f per image: RPN recall@0.5 %.3f vs selective search %.3f; the RPN's %.0f test proposals per image: %.3f",
		c.PerImage, c.RPNRecall, c.SelectiveSearchRecall, c.RPNTestPerImage, c.RPNTestRecall)
}

// RPNProposals returns the trained Faster R-CNN's region proposals for image i of d, highest
// objectness first: with nms, the test-time proposals its heads classify (FasterRCNNConfig's
// TestProposals); without, the same number of top-scoring decoded boxes before NMS. It returns an
// error when the run did not train Faster R-CNN.
func (r *DetectorReport) RPNProposals(d *datasets.Detection, i int, nms bool) ([]rpn.Proposal, error) {
	if r.fasterCtx == nil {
		return nil, fmt.Errorf("detection: this run did not train Faster R-CNN (FasterRCNN.Steps = 0)")
	}
	if i < 0 || i >= d.Images.N {
		return nil, fmt.Errorf("detection: image %d of %d", i, d.Images.N)
	}
	cfg := r.cfg.FasterRCNN
	runner, err := newRPNRunner(r.backend, r.fasterCtx, cfg, d.Images.Height, d.Images.Width)
	if err != nil {
		return nil, err
	}
	pc := cfg.TestProposals
	if !nms {
		pc.NMSIoU = 1 // NMS suppresses only above the threshold: nothing
	}
	_, p, err := runner.run(tensors.FromFlatDataAndDimensions(d.Images.Image(i), 1, d.Images.Height, d.Images.Width, 1), 1, pc)
	if err != nil {
		return nil, err
	}
	return p[0], nil
}

// FasterRCNNDetections runs the trained Faster R-CNN on every image of d (with NMS).
func (r *DetectorReport) FasterRCNNDetections(d *datasets.Detection) ([][]detect.Detection, error) {
	if r.fasterCtx == nil {
		return nil, fmt.Errorf("detection: this run did not train Faster R-CNN (FasterRCNN.Steps = 0)")
	}
	_, dets, err := EvaluateFasterRCNN(r.backend, r.fasterCtx, r.cfg.FasterRCNN, d)
	return dets, err
}

// AnchorsAt returns the anchors of the Faster R-CNN configuration centred on the feature-map cell that
// holds pixel (x, y) of a width x height image: the k = len(Scales)·len(Ratios) reference boxes the
// RPN scores and regresses at that position.
func (c FasterRCNNConfig) AnchorsAt(x, y float32, width, height int) ([]detect.Box, error) {
	h, w := height/c.Stride(), width/c.Stride()
	all, err := c.Anchors.Boxes(h, w)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	row := min(max(int(y/c.Anchors.Stride), 0), h-1)
	col := min(max(int(x/c.Anchors.Stride), 0), w-1)
	k := c.Anchors.PerCell()
	return all[(row*w+col)*k : (row*w+col+1)*k], nil
}
