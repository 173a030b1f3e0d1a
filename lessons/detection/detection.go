package detection

import (
	"fmt"
	"io"
	"time"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the simulated detector and the proposal ranking. The images are the fixed
	// validation split of the digit-detection data (datasets.DigitDetection).
	Seed uint64
	// Images is the number of validation images the NMS part uses.
	Images int
	// Duplicates is how many extra boxes the simulated detector fires per object.
	Duplicates int
	// Jitter is the largest shift of a simulated box's corner, as a fraction of the object's size.
	Jitter float32
	// FalsePositives is the number of random boxes per image the simulated detector adds.
	FalsePositives int
	// NMSThreshold is NMS's IoU threshold (suppress when IoU > it).
	NMSThreshold float32
	// ProposalImages is the number of validation images the proposal part uses.
	ProposalImages int
	// SelectiveSearch configures the proposals.
	SelectiveSearch detect.SelectiveSearchConfig
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives progress lines.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from.
	Preset lessons.Preset `json:"preset,omitempty"`
}

// selectiveSearchForDigits is the paper's fast mode with a minimum region of 20 pixels: the
// authors' default (k pixels) swallows the thin strokes of 16-40 pixel digits.
func selectiveSearchForDigits(seed uint64) detect.SelectiveSearchConfig {
	c := detect.SelectiveSearchFast()
	c.MinSize = 20
	c.Seed = seed
	return c
}

// Quick is the preset for tests and CI: seconds on two CPU cores.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, Images: 40, Duplicates: 3, Jitter: 0.1, FalsePositives: 2, NMSThreshold: 0.5,
		ProposalImages: 12, SelectiveSearch: selectiveSearchForDigits(1)}
}

// Class is the default preset: NMS on 300 images, proposals on 100.
func Class() Config {
	c := Quick()
	c.Preset, c.Images, c.ProposalImages = lessons.Class, 300, 100
	return c
}

// Full is the opt-in preset: as Class (the demonstrations take seconds).
func Full() Config {
	c := Class()
	c.Preset = lessons.Full
	return c
}

// ConfigFor returns the preset's configuration (Class for an unknown preset).
func ConfigFor(p lessons.Preset) Config {
	switch p {
	case lessons.Quick:
		return Quick()
	case lessons.Full:
		return Full()
	}
	return Class()
}

// Report holds what a run measured.
type Report struct {
	// Images and Objects count the validation images and digits of the NMS part.
	Images  int `json:"images"`
	Objects int `json:"objects"`
	// Before and After describe the simulated detections before and after NMS.
	Before DetectionStats `json:"before_nms"`
	After  DetectionStats `json:"after_nms"`
	// NMSThreshold repeats the configuration.
	NMSThreshold float32 `json:"nms_threshold"`
	// Proposals compares selective search with sliding windows.
	Proposals ProposalStats `json:"proposals"`
	// FigurePaths lists the PNG files written to Config.OutDir.
	FigurePaths []string `json:"figures,omitempty"`
	// Detectors holds the trained YOLO and R-CNN (RunDetectors); nil when the run left them out.
	Detectors *DetectorReport `json:"detectors,omitempty"`

	// curves (class-agnostic precision-recall before and after NMS) and the first image's
	// detections, for the figures.
	curves    [2][2][]float64
	example   exampleImage
	proposals exampleProposals
}

// DetectionStats summarises one set of detections against the ground truth.
type DetectionStats struct {
	// Detections is the number of boxes.
	Detections int `json:"detections"`
	// TruePositives match a distinct object (same class, IoU >= 0.5).
	TruePositives int `json:"true_positives"`
	// Duplicates would match an object already matched by a higher-scoring box: the false positives
	// NMS is for.
	Duplicates int `json:"duplicates"`
	// MeanAP is mAP@0.5 (VOC all-point) over the digit classes.
	MeanAP float64 `json:"map50"`
}

// ProposalStats compares proposal methods at an equal number of boxes per image.
type ProposalStats struct {
	// Images is the number of validation images used.
	Images int `json:"images"`
	// PerImage is the mean number of proposals per image, the same for both methods.
	PerImage float64 `json:"per_image"`
	// SelectiveSearchRecall and SlidingWindowRecall are the pooled recalls at IoU 0.5.
	SelectiveSearchRecall float64 `json:"selective_search_recall50"`
	SlidingWindowRecall   float64 `json:"sliding_window_recall50"`
	// SelectiveSearchMillis is the mean selective-search time per image.
	SelectiveSearchMillis float64 `json:"selective_search_ms_per_image"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	return fmt.Sprintf("detection: %d images, %d digits; simulated detector %d boxes (%d duplicates, mAP@0.5 %.3f) "+
		"-> after NMS at IoU > %.2f: %d boxes (%d duplicates, mAP@0.5 %.3f); proposals at %.0f per image: "+
		"selective search recall@0.5 %.3f vs sliding windows %.3f (%.0f ms/image)",
		r.Images, r.Objects, r.Before.Detections, r.Before.Duplicates, r.Before.MeanAP, r.NMSThreshold,
		r.After.Detections, r.After.Duplicates, r.After.MeanAP, r.Proposals.PerImage,
		r.Proposals.SelectiveSearchRecall, r.Proposals.SlidingWindowRecall, r.Proposals.SelectiveSearchMillis) + r.detectorSummary()
}

func (r Report) detectorSummary() string {
	if r.Detectors == nil {
		return ""
	}
	return "\ntrained detectors on the validation split:\n" + r.Detectors.String()
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "detection",
		Title:    "boxes, IoU, NMS, region proposals; R-CNN, Fast and Faster R-CNN vs YOLO v1 trained on digit detection",
		Notebook: "07-detection-basics.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			r, err := Run(cfg)
			if err != nil {
				return nil, err
			}
			dc := DetectorsFor(opts.Preset)
			dc.Progress = opts.Progress
			if r.Detectors, err = RunDetectors(dc); err != nil {
				return nil, err
			}
			return r, nil
		},
	}
}

// ValidationSet returns the first n images of the digit-detection validation split.
func ValidationSet(n int) (*datasets.Detection, error) {
	_, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), 0, n)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	return val, nil
}

// Run runs the lesson.
func Run(cfg Config) (Report, error) {
	if cfg.Images <= 0 || cfg.ProposalImages < 0 {
		return Report{}, fmt.Errorf("detection: Images = %d, ProposalImages = %d, want > 0 and >= 0", cfg.Images, cfg.ProposalImages)
	}
	val, err := ValidationSet(max(cfg.Images, cfg.ProposalImages))
	if err != nil {
		return Report{}, err
	}
	r := Report{Images: cfg.Images, NMSThreshold: cfg.NMSThreshold}
	say(cfg, "detection: NMS on %d images", cfg.Images)
	if err := r.runNMS(cfg, val); err != nil {
		return Report{}, err
	}
	say(cfg, "detection: proposals on %d images", cfg.ProposalImages)
	start := time.Now()
	r.runProposals(cfg, val)
	say(cfg, "detection: proposals took %.1fs", time.Since(start).Seconds())
	if cfg.OutDir != "" {
		if err := r.write(cfg.OutDir); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

func say(cfg Config, format string, args ...any) {
	if cfg.Progress != nil {
		fmt.Fprintf(cfg.Progress, format+"\n", args...)
	}
}

// objectsOf converts an image's objects to detect's types.
func objectsOf(objs []datasets.Object) []detect.Object {
	out := make([]detect.Object, len(objs))
	for i, o := range objs {
		out[i] = detect.Object{Box: detect.Box(o.Box), Class: o.Class}
	}
	return out
}

// imageOf returns validation image i as a detect.Image.
func imageOf(val *datasets.Detection, i int) detect.Image {
	return detect.Image{Pix: val.Images.Image(i), Width: val.Images.Width, Height: val.Images.Height, Channels: val.Images.Channels}
}
