package detection

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// DrawDetections draws one grey or RGB image (pixels HWC in [0, 1]) with ground-truth boxes in
// green and detections labelled "class score", enlarged scale times.
func DrawDetections(pixels []float32, width, height, channels int, objects []detect.Object, dets []detect.Detection,
	scale int) (*plot.Figure, error) {
	imgs, err := plot.TensorImages(pixels, 1, height, width, channels)
	if err != nil {
		return nil, err
	}
	var boxes []plot.Box
	for _, o := range objects {
		boxes = append(boxes, plot.Box{X1: o.Box.X1, Y1: o.Box.Y1, X2: o.Box.X2, Y2: o.Box.Y2, Color: color.RGBA{0, 200, 0, 255}})
	}
	for _, d := range dets {
		boxes = append(boxes, plot.Box{X1: d.Box.X1, Y1: d.Box.Y1, X2: d.Box.X2, Y2: d.Box.Y2,
			Label: fmt.Sprintf("%d %.2f", d.Class, d.Score), Color: color.RGBA{230, 60, 40, 255}})
	}
	return plot.DrawBoxes(imgs[0], boxes, scale)
}

// DrawProposals draws proposals on one image (pixels HWC in [0, 1]), unlabelled, enlarged scale times.
func DrawProposals(pixels []float32, width, height, channels int, proposals []detect.Box, scale int) (*plot.Figure, error) {
	imgs, err := plot.TensorImages(pixels, 1, height, width, channels)
	if err != nil {
		return nil, err
	}
	boxes := make([]plot.Box, len(proposals))
	for i, p := range proposals {
		boxes[i] = plot.Box{X1: p.X1, Y1: p.Y1, X2: p.X2, Y2: p.Y2}
	}
	return plot.DrawBoxes(imgs[0], boxes, scale)
}

// NMSFigures draws the first image's simulated detections before and after NMS, ground truth in green.
func (r Report) NMSFigures() (before, after *plot.Figure, err error) {
	e := r.example
	if e.pixels == nil {
		return nil, nil, fmt.Errorf("detection: NMSFigures: the report has no example image")
	}
	if before, err = DrawDetections(e.pixels, e.width, e.height, 1, e.objects, e.before, 4); err != nil {
		return nil, nil, err
	}
	after, err = DrawDetections(e.pixels, e.width, e.height, 1, e.objects, e.after, 4)
	return before, after, err
}

// PRFigure draws the class-agnostic precision-recall curves (IoU >= 0.5) before and after NMS.
func (r Report) PRFigure() (*plot.Figure, error) {
	return plot.Lines(plot.Labels{Title: "Precision-recall at IoU 0.5 (all digits)", X: "recall", Y: "precision"},
		[]plot.Series{
			{Name: "before NMS", X: r.curves[0][0], Y: r.curves[0][1]},
			{Name: "after NMS", X: r.curves[1][0], Y: r.curves[1][1]},
		})
}

// ProposalFigures draws the first proposal image's selective-search boxes and as many sliding windows.
func (r Report) ProposalFigures() (selective, windows *plot.Figure, err error) {
	p := r.proposals
	if p.pixels == nil {
		return nil, nil, fmt.Errorf("detection: ProposalFigures: the report has no proposal image")
	}
	if selective, err = DrawProposals(p.pixels, p.width, p.height, 1, p.selective, 4); err != nil {
		return nil, nil, err
	}
	windows, err = DrawProposals(p.pixels, p.width, p.height, 1, p.grid, 4)
	return selective, windows, err
}

// write saves the figures into dir, creating it if needed.
func (r *Report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("detection: %w", err)
	}
	before, after, err := r.NMSFigures()
	if err != nil {
		return err
	}
	pr, err := r.PRFigure()
	if err != nil {
		return err
	}
	figs := map[string]*plot.Figure{"nms_before.png": before, "nms_after.png": after, "pr_nms.png": pr}
	if r.Proposals.Images > 0 {
		ss, sw, err := r.ProposalFigures()
		if err != nil {
			return err
		}
		figs["proposals_selective.png"], figs["proposals_windows.png"] = ss, sw
	}
	for _, name := range []string{"nms_before.png", "nms_after.png", "pr_nms.png", "proposals_selective.png", "proposals_windows.png"} {
		f, ok := figs[name]
		if !ok {
			continue
		}
		path := filepath.Join(dir, name)
		if err := f.Save(path); err != nil {
			return err
		}
		r.FigurePaths = append(r.FigurePaths, path)
	}
	return nil
}

// PRCurve returns the class-agnostic precision-recall curve (IoU >= 0.5) of the simulated detections
// before or after NMS, one point per detection by decreasing score (metrics.DetectionCurve).
func (r Report) PRCurve(afterNMS bool) (recall, precision []float64) {
	i := 0
	if afterNMS {
		i = 1
	}
	return r.curves[i][0], r.curves[i][1]
}
