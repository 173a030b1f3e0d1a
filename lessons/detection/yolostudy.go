package detection

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// YOLOStudyConfig sizes the YOLO v1 study ([RunYOLOStudy], the catalogue's "yolo" lesson): one YOLO
// trained twice on the same images from the same seed, with the paper's confidence target
// Pr(Object)·IoU and with the constant target 1, then the paper's 7x7 grid with B = 2 boxes per
// cell (C = 10 digits: a 7x7x20 output) on larger images.
type YOLOStudyConfig struct {
	// TrainImages and ValImages are the sizes of the digit-detection training set and validation
	// split, for every model.
	TrainImages, ValImages int
	// Targets is the YOLO trained with both confidence targets (its ConfidenceOne is ignored).
	Targets YOLOConfig
	// Paper is the 7x7, B = 2 model; its images are Paper.Grid.Width pixels square. Steps = 0
	// leaves it out.
	Paper YOLOConfig
	// Progress, when not nil, receives the plan and the progress.
	Progress io.Writer `json:"-"`
	// OutDir, when not empty, receives the figure.
	OutDir string `json:"-"`
	// Preset names the preset the configuration came from.
	Preset lessons.Preset `json:"preset,omitempty"`
}

// YOLOPaper returns YOLOQuick with YOLO v1's 7x7 grid and 2 boxes per cell, for the 10 digits on
// 112x112 images (16-pixel cells, as the 6x6 grid on 96x96 images): a 7x7x20 output, where the
// paper's 20 VOC classes give 7x7x30. The backbone averages the image to 56x56 and its three pooled
// stages bring it to 7x7.
func YOLOPaper() YOLOConfig {
	c := YOLOQuick()
	c.Grid = detect.YOLOGrid{S: 7, B: 2, C: 10, Width: 112, Height: 112}
	return c
}

// YOLOStudyQuick is the quick preset (tests and CI): YOLOQuick trained 3,000 steps with each target,
// the 7x7 model 2,000 steps, on 2,000 images; 100 validation images.
func YOLOStudyQuick() YOLOStudyConfig {
	c := YOLOStudyConfig{Preset: lessons.Quick, TrainImages: 2000, ValImages: 100, Targets: YOLOQuick(), Paper: YOLOPaper()}
	c.Paper.Steps = 2000
	return c
}

// YOLOStudyClass is the default preset: each model 5,000 steps with a cosine learning rate, on 8,000
// images; 200 validation images.
func YOLOStudyClass() YOLOStudyConfig {
	return studyPreset(lessons.Class, 8000, 200, 5000)
}

// YOLOStudyFull is the opt-in preset: each model 10,000 steps with a cosine learning rate, on 20,000
// images; 300 validation images.
func YOLOStudyFull() YOLOStudyConfig {
	return studyPreset(lessons.Full, 20000, 300, 10000)
}

// studyPreset trains YOLOQuick and YOLOPaper for steps each along a cosine.
func studyPreset(p lessons.Preset, trainImages, valImages, steps int) YOLOStudyConfig {
	c := YOLOStudyConfig{Preset: p, TrainImages: trainImages, ValImages: valImages, Targets: YOLOQuick(), Paper: YOLOPaper()}
	for _, m := range []*YOLOConfig{&c.Targets, &c.Paper} {
		m.Steps, m.Cosine = steps, true
	}
	return c
}

// YOLOStudyFor returns the preset's configuration (YOLOStudyClass for an unknown preset).
func YOLOStudyFor(p lessons.Preset) YOLOStudyConfig {
	switch p {
	case lessons.Quick:
		return YOLOStudyQuick()
	case lessons.Full:
		return YOLOStudyFull()
	}
	return YOLOStudyClass()
}

// YOLOVariant is what one trained YOLO of the study measured on its validation images.
type YOLOVariant struct {
	// Name says which model it is; Output is its S x S x (5B + C) layout; Target is its confidence
	// target ("IoU" or "1").
	Name   string `json:"name"`
	Output string `json:"output"`
	Target string `json:"target"`
	// Steps and TrainSeconds are its training.
	Steps        int     `json:"steps"`
	TrainSeconds float64 `json:"train_seconds"`
	// MeanAP50 and COCOMeanAP are mAP@0.5 and COCO mAP after class-wise NMS.
	MeanAP50   float64 `json:"map50"`
	COCOMeanAP float64 `json:"coco_map"`
	// Objects is the number of validation objects the rest is measured on: one per occupied cell, as
	// the training target encodes it, each with its cell's responsible predictor
	// (detect.YOLOGrid.ResponsibleConfidences).
	Objects int `json:"objects"`
	// MeanConfidence and MeanIoU are the responsible predictors' mean confidence and mean IoU with
	// the truth; Correlation is Pearson's between the two; CalibrationError is the mean
	// |confidence - IoU|, what the paper's target trains towards 0.
	MeanConfidence   float64 `json:"mean_confidence"`
	MeanIoU          float64 `json:"mean_iou"`
	Correlation      float64 `json:"correlation"`
	CalibrationError float64 `json:"calibration_error"`
	// Curve is the responsible predictors' mean confidence in each of CalibrationBins that holds
	// any, by increasing IoU.
	Curve []CalibrationPoint `json:"curve"`
}

// CalibrationPoint is the mean confidence of the responsible predictors whose IoU with the truth
// lies in [Lo, Hi) ([Lo, 1] for the last bin).
type CalibrationPoint struct {
	Lo             float64 `json:"lo"`
	Hi             float64 `json:"hi"`
	Count          int     `json:"count"`
	MeanConfidence float64 `json:"mean_confidence"`
}

// CalibrationBins are the edges of the IoU bins of YOLOVariant.Curve.
func CalibrationBins() []float64 { return []float64{0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1} }

// YOLOStudyReport is the study's result: the paper's target, the target 1 and, when trained, the 7x7
// grid, in that order.
type YOLOStudyReport struct {
	Variants    []YOLOVariant `json:"variants"`
	FigurePaths []string      `json:"figures,omitempty"`
}

// RunYOLOStudy trains and measures the study's models on the pure-Go backend (or the one $GOMLX_BACKEND
// names).
func RunYOLOStudy(cfg YOLOStudyConfig) (*YOLOStudyReport, error) {
	if cfg.TrainImages <= 0 || cfg.ValImages <= 0 || cfg.Targets.Steps <= 0 {
		return nil, fmt.Errorf("detection: YOLO study: TrainImages = %d, ValImages = %d, Targets.Steps = %d, want > 0",
			cfg.TrainImages, cfg.ValImages, cfg.Targets.Steps)
	}
	b, err := backend.New()
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	paper, one := cfg.Targets, cfg.Targets
	paper.ConfidenceOne, one.ConfidenceOne = false, true
	paper.Part, one.Part = "YOLO v1, target IoU (paper)", "YOLO v1, target 1"
	models := []YOLOConfig{paper, one}
	what := fmt.Sprintf("YOLO v1 with the paper's confidence target and with 1 (%dx%d grid)", paper.Grid.S, paper.Grid.S)
	if cfg.Paper.Steps > 0 {
		p := cfg.Paper
		p.Part = fmt.Sprintf("YOLO v1, %dx%d grid, B = %d", p.Grid.S, p.Grid.S, p.Grid.B)
		models = append(models, p)
		what += fmt.Sprintf(", then the %dx%d grid with B = %d on %.0fx%.0f images", p.Grid.S, p.Grid.S, p.Grid.B, p.Grid.Width, p.Grid.Height)
	}
	parts := make([]progress.Part, len(models))
	for i, m := range models {
		parts[i] = progress.Part{Name: m.Part, Steps: m.Steps}
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("yolo", cfg.Preset, fmt.Sprintf("%s; %d training and %d validation images each",
		what, cfg.TrainImages, cfg.ValImages), parts))
	defer progress.End(cfg.Progress)

	r := &YOLOStudyReport{}
	type split struct{ train, val *datasets.Detection }
	splits := map[[2]float32]split{} // by image size: the 7x7 model's images are larger
	for _, m := range models {
		size := [2]float32{m.Grid.Width, m.Grid.Height}
		d, ok := splits[size]
		if !ok {
			digits := datasets.DefaultDigitsConfig()
			digits.Width, digits.Height = int(m.Grid.Width), int(m.Grid.Height)
			var err error
			if d.train, d.val, err = datasets.DigitDetection(digits, cfg.TrainImages, cfg.ValImages); err != nil {
				return nil, fmt.Errorf("detection: %w", err)
			}
			splits[size] = d
		}
		v, err := trainVariant(b, m, d.train, d.val, cfg.Progress)
		if err != nil {
			return nil, err
		}
		r.Variants = append(r.Variants, v)
	}
	if cfg.OutDir != "" {
		path, err := r.saveCalibration(cfg.OutDir)
		if err != nil {
			return nil, err
		}
		r.FigurePaths = append(r.FigurePaths, path)
	}
	return r, nil
}

// trainVariant trains one YOLO, named by its Part, on trainSet and measures it on val.
func trainVariant(b backends.Backend, cfg YOLOConfig, trainSet, val *datasets.Detection, progressTo io.Writer) (YOLOVariant, error) {
	start := time.Now()
	ctx, _, err := TrainYOLO(b, cfg, trainSet, progressTo)
	if err != nil {
		return YOLOVariant{}, err
	}
	v := YOLOVariant{Name: cfg.Part, Steps: cfg.Steps, TrainSeconds: time.Since(start).Seconds(), Target: "IoU",
		Output: fmt.Sprintf("%dx%dx%d", cfg.Grid.S, cfg.Grid.S, cfg.Grid.CellLen())}
	if cfg.ConfidenceOne {
		v.Target = "1"
	}
	st, _, err := EvaluateYOLO(b, ctx, cfg, val)
	if err != nil {
		return YOLOVariant{}, err
	}
	v.MeanAP50, v.COCOMeanAP = st.MeanAP50, st.COCOMeanAP
	preds, err := PredictYOLO(b, ctx, cfg, val.Images, 50)
	if err != nil {
		return YOLOVariant{}, err
	}
	var conf, iou []float32
	for i, p := range preds {
		target, _ := cfg.Grid.Encode(objectsOf(val.Objects[i]))
		c, u := cfg.Grid.ResponsibleConfidences(p, target)
		conf, iou = append(conf, c...), append(iou, u...)
	}
	v.measureConfidences(conf, iou)
	return v, nil
}

// measureConfidences fills the confidence measurements from the responsible predictors' pairs (all
// zero when there are none; the correlation is 0 when either side is constant).
func (v *YOLOVariant) measureConfidences(conf, iou []float32) {
	v.Objects = len(conf)
	if len(conf) == 0 {
		return
	}
	n := float64(len(conf))
	var sc, su, scc, suu, scu, gap float64
	edges := CalibrationBins()
	sums, counts := make([]float64, len(edges)-1), make([]int, len(edges)-1)
	for i := range conf {
		c, u := float64(conf[i]), float64(iou[i])
		sc, su, scc, suu, scu = sc+c, su+u, scc+c*c, suu+u*u, scu+c*u
		gap += math.Abs(c - u)
		k := 0
		for k < len(sums)-1 && u >= edges[k+1] {
			k++
		}
		sums[k], counts[k] = sums[k]+c, counts[k]+1
	}
	v.MeanConfidence, v.MeanIoU, v.CalibrationError = sc/n, su/n, gap/n
	if vc, vu := scc/n-v.MeanConfidence*v.MeanConfidence, suu/n-v.MeanIoU*v.MeanIoU; vc > 0 && vu > 0 {
		v.Correlation = (scu/n - v.MeanConfidence*v.MeanIoU) / math.Sqrt(vc*vu) // else 0: a constant has no correlation
	}
	v.Curve = nil
	for k := range sums {
		if counts[k] > 0 {
			v.Curve = append(v.Curve, CalibrationPoint{Lo: edges[k], Hi: edges[k+1], Count: counts[k], MeanConfidence: sums[k] / float64(counts[k])})
		}
	}
}

// CalibrationFigure draws every variant's Curve at the bins' centres, with the line
// confidence = IoU that the paper's target aims at.
func (r *YOLOStudyReport) CalibrationFigure() (*plot.Figure, error) {
	series := []plot.Series{{Name: "confidence = IoU", X: []float64{0, 1}, Y: []float64{0, 1}}}
	for _, v := range r.Variants {
		s := plot.Series{Name: v.Name}
		for _, p := range v.Curve {
			s.X, s.Y = append(s.X, (p.Lo+p.Hi)/2), append(s.Y, p.MeanConfidence)
		}
		series = append(series, s)
	}
	fig, err := plot.Lines(plot.Labels{Title: "YOLO v1: confidence of the responsible predictor against its IoU",
		X: "IoU with the truth", Y: "mean confidence"}, series)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	return fig, nil
}

// saveCalibration writes CalibrationFigure to dir/yolo_calibration.png.
func (r *YOLOStudyReport) saveCalibration(dir string) (string, error) {
	fig, err := r.CalibrationFigure()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "yolo_calibration.png")
	if err := fig.Save(path); err != nil {
		return "", fmt.Errorf("detection: %w", err)
	}
	return path, nil
}

// Summary is the study's table.
func (r *YOLOStudyReport) Summary() string {
	var s strings.Builder
	fmt.Fprintf(&s, "YOLO v1 study on the validation digits (each object's responsible predictor):\n")
	fmt.Fprintf(&s, "%-30s %-8s %-6s %7s %8s %7s %9s %8s %11s %9s %7s\n", "model", "output", "target", "mAP@0.5",
		"COCO mAP", "objects", "mean conf", "mean IoU", "correlation", "|conf-IoU|", "train s")
	for _, v := range r.Variants {
		fmt.Fprintf(&s, "%-30s %-8s %-6s %7.3f %8.3f %7d %9.3f %8.3f %11.3f %9.3f %7.0f\n", v.Name, v.Output, v.Target,
			v.MeanAP50, v.COCOMeanAP, v.Objects, v.MeanConfidence, v.MeanIoU, v.Correlation, v.CalibrationError, v.TrainSeconds)
	}
	return s.String()
}

// Figures lists the PNG files written.
func (r *YOLOStudyReport) Figures() []string { return r.FigurePaths }

// YOLOStudyEntry is the study's line in the CLI catalogue.
func YOLOStudyEntry() lessons.Entry {
	return lessons.Entry{
		Name:     "yolo",
		Title:    "YOLO v1 as its paper: confidence target Pr(Object)·IoU against 1, the 7x7 grid with B = 2",
		Notebook: "09-yolo-v1.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := YOLOStudyFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return RunYOLOStudy(cfg)
		},
	}
}
