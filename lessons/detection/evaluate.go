package detection

import (
	"time"

	"fmt"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/metrics"
)

// ModelStats is one row of the lesson's accuracy/speed table: a trained detector measured on the
// validation split.
type ModelStats struct {
	// Model names the detector ("YOLO v1", "R-CNN", "Fast R-CNN").
	Model string `json:"model"`
	// MeanAP50 is mAP at IoU 0.5, PASCAL VOC all-point interpolation (metrics.MeanAP).
	MeanAP50 float64 `json:"map50"`
	// COCOMeanAP is COCO's mAP averaged over IoU .50:.05:.95 (metrics.EvaluateCOCO).
	COCOMeanAP float64 `json:"coco_map"`
	// ImagesPerSecond is the inference speed over the validation images, proposals and NMS included.
	ImagesPerSecond float64 `json:"images_per_second"`
	// ProposalsPerImage is the mean number of regions classified per image (0 for YOLO, which has
	// S·S·B fixed predictors instead).
	ProposalsPerImage float64 `json:"proposals_per_image"`
	// ProposalMillis is the part of the inference time per image spent in selective search (0 for
	// YOLO).
	ProposalMillis float64 `json:"proposal_ms_per_image"`
	// TrainSeconds is the training time.
	TrainSeconds float64 `json:"train_seconds"`
	// Images is the number of validation images measured.
	Images int `json:"images"`
}

// MillisPerImage returns the inference time per image in milliseconds.
func (m ModelStats) MillisPerImage() float64 { return 1000 / m.ImagesPerSecond }

// NetworkMillis returns the inference time per image without the proposals: the CNN and everything
// after it.
func (m ModelStats) NetworkMillis() float64 { return m.MillisPerImage() - m.ProposalMillis }

// Evaluate scores detections (dets[i] for validation image i) against val's ground truth: mAP@0.5
// with VOC all-point interpolation and COCO mAP@[.5:.95], both through package metrics.
func Evaluate(val *datasets.Detection, dets [][]detect.Detection) (map50, cocoMAP float64, err error) {
	if len(dets) > val.Images.N {
		return 0, 0, fmt.Errorf("detection: detections for %d images, validation set has %d", len(dets), val.Images.N)
	}
	var gts []metrics.GroundTruth
	var dts []metrics.Detection
	gt := &metrics.COCODataset{}
	for i := range dets {
		gts, dts = toMetrics(i, objectsOf(val.Objects[i]), dets[i], gts, dts, false)
		gt.Images = append(gt.Images, int64(i))
	}
	for c, name := range val.Images.ClassNames {
		gt.Categories = append(gt.Categories, metrics.COCOCategory{ID: int64(c), Name: name})
	}
	gt.Annotations = gts
	map50, _ = metrics.MeanAP(gts, dts, 0.5, metrics.AllPoints)
	ev, err := metrics.EvaluateCOCO(gt, dts)
	if err != nil {
		return 0, 0, fmt.Errorf("detection: COCO evaluation: %w", err)
	}
	return map50, ev.Stats.AP, nil
}

// regionEvaluation is a two-stage model's pass over the validation images: its stats, each image's
// detections after NMS and each image's proposals.
type regionEvaluation struct {
	stats     ModelStats
	dets      [][]detect.Detection
	proposals [][]detect.Box
}

// evaluateRegions measures a two-stage model named model on val: for each image, propose gives its
// proposals (timed as the model's ProposalMillis when searched, as selective search is), classify the
// detections of those proposals before class-wise NMS at YOLONMSThreshold. The clock covers every
// image, from pixels to detections; the caller compiles its graphs before.
func evaluateRegions(model string, val *datasets.Detection, searched bool,
	propose func(i int) ([]detect.Box, error), classify func(i int, boxes []detect.Box) ([]detect.Detection, error)) (regionEvaluation, error) {
	n := val.Images.N
	if n == 0 {
		return regionEvaluation{}, fmt.Errorf("detection: evaluating %s: no validation images", model)
	}
	e := regionEvaluation{dets: make([][]detect.Detection, n), proposals: make([][]detect.Box, n)}
	total := 0
	var proposing time.Duration
	start := time.Now()
	for i := range n {
		t := time.Now()
		boxes, err := propose(i)
		if err != nil {
			return regionEvaluation{}, err
		}
		proposing += time.Since(t)
		raw, err := classify(i, boxes)
		if err != nil {
			return regionEvaluation{}, err
		}
		e.proposals[i], e.dets[i] = boxes, ApplyNMS(raw, YOLONMSThreshold)
		total += len(boxes)
	}
	elapsed := time.Since(start)
	e.stats = ModelStats{Model: model, Images: n, ImagesPerSecond: float64(n) / elapsed.Seconds(), ProposalsPerImage: float64(total) / float64(n)}
	if searched {
		e.stats.ProposalMillis = float64(proposing.Microseconds()) / 1000 / float64(n)
	}
	var err error
	if e.stats.MeanAP50, e.stats.COCOMeanAP, err = Evaluate(val, e.dets); err != nil {
		return regionEvaluation{}, err
	}
	return e, nil
}
