package detection

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/metrics"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// NMSScene holds the simulated detector's boxes on the first cfg.Images validation images, drawn
// exactly as Run draws them (same seed, same order, so At(cfg.NMSThreshold) is Run's Before and
// After), so that NMS can be rerun at any IoU threshold: the notebook's threshold slider.
type NMSScene struct {
	objects [][]detect.Object
	dets    [][]detect.Detection
	// example is the first image, the one View draws.
	pixels        []float32
	width, height int
}

// NMSResult is what class-wise NMS at one IoU threshold leaves of a scene.
type NMSResult struct {
	// Threshold is the IoU threshold: a box is suppressed when its IoU with a kept box of its
	// class is greater than it.
	Threshold float64
	// Before and After describe the detections before and after NMS, as in Report.
	Before, After DetectionStats
	// ExampleBefore and ExampleAfter count the boxes on the first image, the one View draws.
	ExampleBefore, ExampleAfter int
}

// NewNMSScene draws the simulated detections of the NMS part of a run with cfg (cfg.Seed,
// Images, Duplicates, Jitter, FalsePositives; the proposals and cfg.NMSThreshold are not used).
func NewNMSScene(cfg Config) (*NMSScene, error) {
	if cfg.Images <= 0 {
		return nil, fmt.Errorf("detection: NewNMSScene: Images = %d, want > 0", cfg.Images)
	}
	val, err := ValidationSet(cfg.Images)
	if err != nil {
		return nil, err
	}
	// The same source and draws as Report.runNMS.
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xde7ec7))
	w, h := float32(val.Images.Width), float32(val.Images.Height)
	classes := len(val.Images.ClassNames)
	s := &NMSScene{pixels: val.Images.Image(0), width: val.Images.Width, height: val.Images.Height}
	for i := range cfg.Images {
		objects := objectsOf(val.Objects[i])
		s.objects = append(s.objects, objects)
		s.dets = append(s.dets, SimulateDetector(rng, objects, cfg.Duplicates, cfg.Jitter, cfg.FalsePositives, classes, w, h))
	}
	return s, nil
}

// NMSThresholds returns the IoU thresholds of the notebook's slider: 0, 0.05, ..., 1. At 0 NMS keeps
// no two overlapping boxes of a class; at 1 it keeps every box (no IoU is greater than 1).
func NMSThresholds() []float64 {
	out := make([]float64, 21)
	for k := range out {
		out[k] = float64(k) / 20
	}
	return out
}

// At runs class-wise NMS (ApplyNMS) at IoU threshold t on every image of the scene and scores the
// detections before and after it as Run does: true positives and duplicates at IoU >= 0.5, and
// mAP@0.5 (PASCAL VOC all-point interpolation) over the digit classes.
func (s *NMSScene) At(t float64) NMSResult {
	r := NMSResult{Threshold: t}
	var gts []metrics.GroundTruth
	var before, after []metrics.Detection
	for i, objects := range s.objects {
		dets := s.dets[i]
		kept := ApplyNMS(dets, float32(t))
		if i == 0 {
			r.ExampleBefore, r.ExampleAfter = len(dets), len(kept)
		}
		for _, x := range []struct {
			stats *DetectionStats
			dets  []detect.Detection
		}{{&r.Before, dets}, {&r.After, kept}} {
			tp, dup := countMatches(x.dets, objects)
			x.stats.Detections += len(x.dets)
			x.stats.TruePositives += tp
			x.stats.Duplicates += dup
		}
		gts, before = toMetrics(i, objects, dets, gts, before, false)
		_, after = toMetrics(i, nil, kept, nil, after, false)
	}
	r.Before.MeanAP, _ = metrics.MeanAP(gts, before, 0.5, metrics.AllPoints)
	r.After.MeanAP, _ = metrics.MeanAP(gts, after, 0.5, metrics.AllPoints)
	return r
}

// View is what the notebook's NMS slider shows at IoU threshold t: the counts before and after
// NMS over the whole scene, and the first image with the boxes NMS keeps (ground truth in green).
func (s *NMSScene) View(t float64) (string, *plot.Figure, error) {
	r := s.At(t)
	var sb strings.Builder
	fmt.Fprintf(&sb, "NMS suppresses a box when its IoU with a kept box of its class is > %.2f\n\n", t)
	sb.WriteString(nmsHeader)
	writeNMSRow(&sb, "before NMS", r.Before)
	writeNMSRow(&sb, fmt.Sprintf("after, > %.2f", t), r.After)
	fmt.Fprintf(&sb, "\nthe image below: %d boxes before NMS, %d kept\n", r.ExampleBefore, r.ExampleAfter)
	kept := ApplyNMS(s.dets[0], float32(t))
	fig, err := DrawDetections(s.pixels, s.width, s.height, 1, s.objects[0], kept, 4)
	if err != nil {
		return "", nil, err
	}
	return sb.String(), fig, nil
}

// Table prints, for each IoU threshold in ts, what NMS leaves of the whole scene: a headless run of
// the notebook prints it in place of the slider.
func (s *NMSScene) Table(ts ...float64) string {
	var sb strings.Builder
	sb.WriteString(nmsHeader)
	for i, t := range ts {
		r := s.At(t)
		if i == 0 {
			writeNMSRow(&sb, "before NMS", r.Before)
		}
		writeNMSRow(&sb, fmt.Sprintf("after, > %.2f", t), r.After)
	}
	return sb.String()
}

// RandomBoxes returns n random boxes and scores, the scene of bench/nms and of pkg/detect's NMS
// benchmarks: top-left corners uniform in [0, 1000)², sides uniform in [10, 100), scores uniform
// in [0, 1), from math/rand/v2's PCG seeded with (seed, n). The notebook times NMS on them.
func RandomBoxes(n int, seed uint64) ([]detect.Box, []float32) {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	boxes := make([]detect.Box, n)
	for i := range boxes {
		x, y := r.Float32()*1000, r.Float32()*1000
		w, h := 10+r.Float32()*90, 10+r.Float32()*90
		boxes[i] = detect.Box{X1: x, Y1: y, X2: x + w, Y2: y + h}
	}
	scores := make([]float32, n)
	for i := range scores {
		scores[i] = r.Float32()
	}
	return boxes, scores
}

const nmsHeader = "                  boxes  true positives  duplicates  mAP@0.5\n"

func writeNMSRow(sb *strings.Builder, name string, d DetectionStats) {
	fmt.Fprintf(sb, "%-15s %7d %15d %11d %8.3f\n", name, d.Detections, d.TruePositives, d.Duplicates, d.MeanAP)
}
