package detection

import (
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// SlidingWindowsFor returns the sliding windows the lesson compares against on a width x height
// image: squares and 1:2 windows of sizes 16 to 40 pixels (the digits' range), a quarter-window stride.
func SlidingWindowsFor(width, height int) []detect.Box {
	return detect.SlidingWindows(width, height, []float32{16, 24, 32, 40}, []float32{0.5, 1}, 0.25)
}

// Subsample returns n boxes spread evenly over boxes (all of them when n >= len(boxes)): sliding
// windows have no ranking, so an even spread is the fair way to cut them to a budget.
func Subsample(boxes []detect.Box, n int) []detect.Box {
	if n >= len(boxes) {
		return boxes
	}
	out := make([]detect.Box, n)
	for i := range out {
		out[i] = boxes[i*len(boxes)/n]
	}
	return out
}

// exampleProposals is one image's proposals from both methods, for the figures.
type exampleProposals struct {
	pixels          []float32
	width, height   int
	selective, grid []detect.Box
}

// runProposals compares selective search with as many sliding windows on each image.
func (r *Report) runProposals(cfg Config, val *datasets.Detection) {
	var ss, sw, gt [][]detect.Box
	total := 0
	var elapsed time.Duration
	for i := range cfg.ProposalImages {
		start := time.Now()
		p := detect.SelectiveSearch(imageOf(val, i), cfg.SelectiveSearch)
		elapsed += time.Since(start)
		windows := Subsample(SlidingWindowsFor(val.Images.Width, val.Images.Height), len(p))
		p = p[:min(len(p), len(windows))]
		var g []detect.Box
		for _, o := range val.Objects[i] {
			g = append(g, detect.Box(o.Box))
		}
		ss, sw, gt = append(ss, p), append(sw, windows), append(gt, g)
		total += len(p)
		if i == 0 {
			r.proposals = exampleProposals{pixels: val.Images.Image(i), width: val.Images.Width, height: val.Images.Height,
				selective: p, grid: windows}
		}
	}
	r.Proposals.Images = cfg.ProposalImages
	if cfg.ProposalImages == 0 {
		return
	}
	r.Proposals.PerImage = float64(total) / float64(cfg.ProposalImages)
	r.Proposals.SelectiveSearchRecall = detect.PooledProposalRecall(ss, gt, 0.5)
	r.Proposals.SlidingWindowRecall = detect.PooledProposalRecall(sw, gt, 0.5)
	r.Proposals.SelectiveSearchMillis = float64(elapsed.Microseconds()) / 1000 / float64(cfg.ProposalImages)
}
