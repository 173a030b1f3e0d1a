package detection

import (
	"fmt"
	"io"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// DetectorConfig sizes the lesson's second part: YOLO v1, R-CNN, Fast R-CNN and Faster R-CNN trained
// on the same digit images and measured on the same validation images.
type DetectorConfig struct {
	// TrainImages and ValImages are the sizes of the training set (seed 1) and of the fixed validation
	// split (datasets.DigitDetection).
	TrainImages, ValImages int
	// YOLO, RCNN, FastRCNN and FasterRCNN size the four models; Steps = 0 leaves Fast R-CNN or
	// Faster R-CNN out. Faster R-CNN trains on the first FasterRCNN.TrainImages of the training set.
	YOLO       YOLOConfig
	RCNN       RCNNConfig
	FastRCNN   FastRCNNConfig
	FasterRCNN FasterRCNNConfig
	// WeaknessImages is the number of images of each WeaknessSet every model's recall is measured
	// on (0: none).
	WeaknessImages int
	// SVM trains R-CNN's per-class SVMs on the trained R-CNN's features, measured as a second R-CNN
	// row; SVM.Epochs = 0 leaves them out.
	SVM SVMConfig
	// Progress, when not nil, receives the plan and the progress.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from.
	Preset lessons.Preset `json:"preset,omitempty"`
}

// DetectorsQuick is the quick preset, for tests and CI.
func DetectorsQuick() DetectorConfig {
	return DetectorConfig{Preset: lessons.Quick, TrainImages: 2000, ValImages: 100, YOLO: YOLOQuick(), RCNN: RCNNQuick(),
		FastRCNN: FastRCNNQuick(), FasterRCNN: FasterRCNNQuick(), SVM: PaperSVM(), WeaknessImages: 40}
}

// DetectorsClass is the default preset: YOLO on a 12x12 grid for 5,000 steps on 8,000 images; R-CNN
// (and its SVMs) and Fast R-CNN on 300 of them with up to 200 proposals each; Faster R-CNN 1,000 steps
// on all 8,000; measured on 200 validation images and 40 of each weakness set.
func DetectorsClass() DetectorConfig {
	c := DetectorConfig{Preset: lessons.Class, TrainImages: 8000, ValImages: 200, YOLO: YOLOQuick(), RCNN: RCNNQuick(),
		FastRCNN: FastRCNNQuick(), FasterRCNN: FasterRCNNQuick(), SVM: PaperSVM(), WeaknessImages: 40}
	c.YOLO.Grid.S, c.YOLO.PoolStages, c.YOLO.Steps, c.YOLO.Cosine = 12, 2, 5000, true
	c.RCNN.TrainImages, c.RCNN.MaxProposals, c.RCNN.Steps = 300, 200, 800
	c.FastRCNN.TrainImages, c.FastRCNN.MaxProposals, c.FastRCNN.Steps = 300, 200, 1000
	c.FasterRCNN.TrainImages, c.FasterRCNN.Steps = 8000, 1000
	return c
}

// DetectorsFull is the opt-in preset. YOLO trains on all 20,000 generated images; R-CNN and Fast
// R-CNN on the first 600 of them (each image depends only on its index, so they are the same images
// as with any larger TrainImages).
func DetectorsFull() DetectorConfig {
	return DetectorConfig{Preset: lessons.Full, TrainImages: 20000, ValImages: 300, YOLO: YOLOFull(), RCNN: RCNNFull(),
		FastRCNN: FastRCNNFull(), FasterRCNN: FasterRCNNFull(), SVM: PaperSVM(), WeaknessImages: 30}
}

// DetectorsFor returns the preset's configuration (DetectorsClass for an unknown preset).
func DetectorsFor(p lessons.Preset) DetectorConfig {
	switch p {
	case lessons.Quick:
		return DetectorsQuick()
	case lessons.Full:
		return DetectorsFull()
	}
	return DetectorsClass()
}

// DetectorReport holds what the trained detectors measured.
type DetectorReport struct {
	// Models are the table's rows: YOLO v1, R-CNN, then R-CNN with SVMs, Fast R-CNN and Faster R-CNN
	// when trained.
	Models []ModelStats `json:"models"`
	// Speedup is R-CNN's time per image divided by YOLO's.
	Speedup float64 `json:"yolo_speedup"`
	// FastRCNNNetworkSpeedup is R-CNN's network time per image divided by Fast R-CNN's, selective
	// search left out of both (0 when Fast R-CNN is not trained): Fast R-CNN runs its backbone once
	// per image, R-CNN once per proposal.
	FastRCNNNetworkSpeedup float64 `json:"fast_rcnn_network_speedup"`
	// FastRCNNSpeedup is R-CNN's time per image divided by Fast R-CNN's, selective search included;
	// FasterRCNNSpeedup is Fast R-CNN's divided by Faster R-CNN's, which has no selective search (0 when
	// a model is not trained).
	FastRCNNSpeedup   float64 `json:"fast_rcnn_speedup"`
	FasterRCNNSpeedup float64 `json:"faster_rcnn_speedup"`
	// Proposals compares the trained RPN's proposals with selective search's on the validation
	// images (nil unless both Fast R-CNN and Faster R-CNN are trained).
	Proposals *ProposalComparison `json:"rpn_vs_selective_search,omitempty"`
	// Weaknesses is every model's recall@0.5 on the validation images and on each WeaknessSet (nil
	// when WeaknessImages is 0).
	Weaknesses []WeaknessRecall `json:"weaknesses,omitempty"`
	// YOLOBeforeNMS and YOLOAfterNMS count the trained YOLO's validation detections (class score
	// above YOLOScoreThreshold) before and after class-wise NMS at YOLONMSThreshold.
	YOLOBeforeNMS DetectionStats `json:"yolo_before_nms"`
	YOLOAfterNMS  DetectionStats `json:"yolo_after_nms"`
	// Objects is the number of validation digits.
	Objects int `json:"objects"`
	// YOLOLosses and RCNNLosses are the training losses per step.
	YOLOLosses     []float64 `json:"-"`
	RCNNLosses     []float64 `json:"-"`
	FastRCNNLosses []float64 `json:"-"`
	// FasterRCNNLosses are Faster R-CNN's training losses per step (RPN and heads together).
	FasterRCNNLosses []float64 `json:"-"`

	cfg              DetectorConfig
	backend          backends.Backend
	yoloCtx, rcnnCtx *context.Context
	fastCtx          *context.Context
	fasterCtx        *context.Context
	svms             *ClassSVMs
	valDets          [][][]detect.Detection // each model's detections on val, in Models' order
	val              *datasets.Detection
}

// String prints the accuracy/speed table.
func (r *DetectorReport) String() string {
	s := fmt.Sprintf("%-12s %8s %9s %10s %9s %8s %10s %8s\n", "model", "mAP@0.5", "COCO mAP", "images/s", "ms/image", "(SS ms)", "proposals", "train s")
	for _, m := range r.Models {
		s += fmt.Sprintf("%-12s %8.3f %9.3f %10.1f %9.1f %8.1f %10.0f %8.0f\n", m.Model, m.MeanAP50, m.COCOMeanAP, m.ImagesPerSecond,
			m.MillisPerImage(), m.ProposalMillis, m.ProposalsPerImage, m.TrainSeconds)
	}
	s += fmt.Sprintf("YOLO is %.0fx faster per image than R-CNN; YOLO before NMS: %d boxes (%d duplicates, mAP@0.5 %.3f), "+
		"after: %d boxes (%d duplicates, mAP@0.5 %.3f)\n",
		r.Speedup, r.YOLOBeforeNMS.Detections, r.YOLOBeforeNMS.Duplicates, r.YOLOBeforeNMS.MeanAP,
		r.YOLOAfterNMS.Detections, r.YOLOAfterNMS.Duplicates, r.YOLOAfterNMS.MeanAP)
	if r.Proposals != nil {
		s += r.Proposals.String() + "\n"
	}
	return s + r.WeaknessTable()
}

// RunDetectors trains the detection family cfg describes (YOLO v1, R-CNN with its softmax and its
// SVMs, Fast R-CNN, Faster R-CNN), measures each on the validation images and on the weakness sets,
// and compares the RPN's proposals with selective search's.
func RunDetectors(cfg DetectorConfig) (*DetectorReport, error) {
	if cfg.TrainImages <= 0 || cfg.ValImages <= 0 {
		return nil, fmt.Errorf("detection: TrainImages = %d, ValImages = %d, want > 0", cfg.TrainImages, cfg.ValImages)
	}
	b, err := backend.New()
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), cfg.TrainImages, cfg.ValImages)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	r := &DetectorReport{cfg: cfg, backend: b, val: val}
	for i := range val.Images.N {
		r.Objects += len(val.Objects[i])
	}

	parts := []progress.Part{{Name: "YOLO", Steps: cfg.YOLO.Steps}, {Name: "R-CNN", Steps: cfg.RCNN.Steps}}
	if cfg.FastRCNN.Steps > 0 {
		parts = append(parts, progress.Part{Name: "Fast R-CNN", Steps: cfg.FastRCNN.Steps})
	}
	if cfg.FasterRCNN.Steps > 0 {
		parts = append(parts, progress.Part{Name: "Faster R-CNN", Steps: cfg.FasterRCNN.Steps})
	}
	progress.Begin(cfg.Progress, lessons.NewPlan("detection", cfg.Preset, fmt.Sprintf(
		"YOLO v1 (%dx%d grid), R-CNN, Fast R-CNN and Faster R-CNN on generated digit images (%d for YOLO, %d for R-CNN and Fast R-CNN, %d for Faster R-CNN); measured on %d validation images",
		cfg.YOLO.Grid.S, cfg.YOLO.Grid.S, cfg.TrainImages, cfg.RCNN.TrainImages, min(cfg.FasterRCNN.TrainImages, cfg.TrainImages), cfg.ValImages), parts))
	defer progress.End(cfg.Progress)
	start := time.Now()
	if r.yoloCtx, r.YOLOLosses, err = TrainYOLO(b, cfg.YOLO, trainSet, cfg.Progress); err != nil {
		return nil, err
	}
	yoloTrain := time.Since(start).Seconds()
	yolo, yoloDets, err := EvaluateYOLO(b, r.yoloCtx, cfg.YOLO, val)
	if err != nil {
		return nil, err
	}
	yolo.TrainSeconds = yoloTrain
	if err := r.countYOLONMS(yoloDets); err != nil {
		return nil, err
	}

	start = time.Now()
	say(Config{Progress: cfg.Progress}, "detection: selective search on %d training images", cfg.RCNN.TrainImages)
	regions := LabelTrainingRegions(trainSet, cfg.RCNN.TrainImages, cfg.RCNN.MaxProposals, cfg.RCNN.SelectiveSearch)
	if r.rcnnCtx, r.RCNNLosses, err = TrainRCNN(b, cfg.RCNN, trainSet, regions, cfg.Progress); err != nil {
		return nil, err
	}
	rcnnTrain := time.Since(start).Seconds()
	rcnn, rcnnDets, err := EvaluateRCNN(b, r.rcnnCtx, cfg.RCNN, val, nil)
	if err != nil {
		return nil, err
	}
	rcnn.TrainSeconds = rcnnTrain
	r.Models = []ModelStats{yolo, rcnn}
	r.valDets = [][][]detect.Detection{yoloDets, rcnnDets}
	r.Speedup = rcnn.MillisPerImage() / yolo.MillisPerImage()
	if cfg.SVM.Epochs > 0 {
		start = time.Now()
		if r.svms, err = TrainRCNNSVMs(b, r.rcnnCtx, cfg.RCNN, cfg.SVM, trainSet, cfg.Progress); err != nil {
			return nil, err
		}
		svmTrain := time.Since(start).Seconds()
		svm, svmDets, err := EvaluateRCNN(b, r.rcnnCtx, cfg.RCNN, val, r.svms)
		if err != nil {
			return nil, err
		}
		svm.TrainSeconds = rcnnTrain + svmTrain
		r.Models, r.valDets = append(r.Models, svm), append(r.valDets, svmDets)
	}

	var searched [][]detect.Box // Fast R-CNN's selective-search proposals on the validation images
	if fc := cfg.FastRCNN; fc.Steps > 0 {
		start = time.Now()
		fastRegions := regions
		if fc.TrainImages != cfg.RCNN.TrainImages || fc.MaxProposals != cfg.RCNN.MaxProposals {
			fastRegions = LabelTrainingRegions(trainSet, fc.TrainImages, fc.MaxProposals, fc.SelectiveSearch)
		}
		if r.fastCtx, r.FastRCNNLosses, err = TrainFastRCNN(b, fc, trainSet, fastRegions, cfg.Progress); err != nil {
			return nil, err
		}
		fastTrain := time.Since(start).Seconds()
		e, err := evaluateFastRCNN(b, r.fastCtx, fc, val)
		if err != nil {
			return nil, err
		}
		fast := e.stats
		fast.TrainSeconds = fastTrain
		r.Models, r.valDets, searched = append(r.Models, fast), append(r.valDets, e.dets), e.proposals
		r.FastRCNNNetworkSpeedup = rcnn.NetworkMillis() / fast.NetworkMillis()
		r.FastRCNNSpeedup = rcnn.MillisPerImage() / fast.MillisPerImage()
	}
	if fc := cfg.FasterRCNN; fc.Steps > 0 {
		start = time.Now()
		if r.fasterCtx, r.FasterRCNNLosses, err = TrainFasterRCNN(b, fc, trainSet, cfg.Progress); err != nil {
			return nil, err
		}
		fasterTrain := time.Since(start).Seconds()
		e, err := evaluateFasterRCNN(b, r.fasterCtx, fc, val)
		if err != nil {
			return nil, err
		}
		faster := e.stats
		faster.TrainSeconds = fasterTrain
		r.Models, r.valDets = append(r.Models, faster), append(r.valDets, e.dets)
		if searched != nil {
			r.FasterRCNNSpeedup = r.Models[len(r.Models)-2].MillisPerImage() / faster.MillisPerImage()
			if r.Proposals, err = CompareProposals(val, searched, e.proposals); err != nil {
				return nil, err
			}
		}
	}
	if cfg.WeaknessImages > 0 {
		say(Config{Progress: cfg.Progress}, "detection: every model on %d images of each weakness set", cfg.WeaknessImages)
		if err := r.measureWeaknesses(cfg.WeaknessImages); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// countYOLONMS decodes the YOLO predictions again without NMS and counts duplicates before and after.
func (r *DetectorReport) countYOLONMS(after [][]detect.Detection) error {
	before, err := r.YOLODetections(r.val, false)
	if err != nil {
		return err
	}
	for i := range after {
		objects := objectsOf(r.val.Objects[i])
		for _, s := range []struct {
			stats *DetectionStats
			dets  []detect.Detection
		}{{&r.YOLOBeforeNMS, before[i]}, {&r.YOLOAfterNMS, after[i]}} {
			tp, dup := countMatches(s.dets, objects)
			s.stats.Detections += len(s.dets)
			s.stats.TruePositives += tp
			s.stats.Duplicates += dup
		}
	}
	r.YOLOBeforeNMS.MeanAP, _, err = Evaluate(r.val, before)
	if err != nil {
		return err
	}
	r.YOLOAfterNMS.MeanAP, _, err = Evaluate(r.val, after)
	return err
}

// YOLODetections runs the trained YOLO on every image of d and decodes its predictions, with
// class-wise NMS at YOLONMSThreshold when nms is true and none otherwise (an IoU threshold of 1
// suppresses nothing, since NMS suppresses only above it).
func (r *DetectorReport) YOLODetections(d *datasets.Detection, nms bool) ([][]detect.Detection, error) {
	preds, err := PredictYOLO(r.backend, r.yoloCtx, r.cfg.YOLO, d.Images, 50)
	if err != nil {
		return nil, err
	}
	thr := float32(1)
	if nms {
		thr = YOLONMSThreshold
	}
	out := make([][]detect.Detection, len(preds))
	for i, p := range preds {
		out[i] = r.cfg.YOLO.Grid.Decode(p, YOLOScoreThreshold, thr)
	}
	return out, nil
}

// RCNNDetections runs the trained R-CNN on every image of d (with NMS).
func (r *DetectorReport) RCNNDetections(d *datasets.Detection) ([][]detect.Detection, error) {
	_, dets, err := EvaluateRCNN(r.backend, r.rcnnCtx, r.cfg.RCNN, d, nil)
	return dets, err
}

// Validation returns the validation images the models were measured on.
func (r *DetectorReport) Validation() *datasets.Detection { return r.val }
