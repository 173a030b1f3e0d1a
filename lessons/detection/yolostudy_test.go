package detection

import (
	"math"
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
	"github.com/cvlessons/cvlessons/measurements"
)

// TestRunYOLOStudyQuick trains the study's quick preset and asserts its claims: trained towards the
// paper's target Pr(Object)·IoU, the responsible predictors' confidences stay well below those trained
// towards 1 (an imperfect box's IoU is below 1); the 7x7, B = 2 model has a 7x7x20 output and learns.
// Whether the confidences also track the IoU better is reported, not asserted: on the quick preset
// the correlation went either way over the seeds. Spreads beside the assertions: seeds 1-5 on a
// 2-core Intel Xeon, pure-Go backend (CVLESSONS_SEEDS=5 go test -run TestRunYOLOStudyQuick -v
// ./lessons/detection). Skipped with -short.
func TestRunYOLOStudyQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three YOLOs: minutes on two CPU cores")
	}
	lessontest.RunSeeds(t, func(t *testing.T, seed int) {
		cfg := YOLOStudyQuick()
		cfg.Targets.Seed, cfg.Paper.Seed = uint64(seed), uint64(seed)
		if testing.Verbose() {
			cfg.Progress = os.Stderr
		}
		r, err := RunYOLOStudy(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d\n%s", seed, r.Summary())
		if len(r.Variants) != 3 {
			t.Fatalf("%d variants, want 3 (target IoU, target 1, 7x7)", len(r.Variants))
		}
		iou, one, paper := r.Variants[0], r.Variants[1], r.Variants[2]
		if d := one.MeanConfidence - iou.MeanConfidence; !(d >= 0.08) { // seeds 1-5: 0.161-0.324
			t.Errorf("mean confidence %.3f with the IoU target, %.3f with 1: want the first at least 0.08 lower", iou.MeanConfidence, one.MeanConfidence)
		}
		if paper.Output != "7x7x20" || !(paper.MeanAP50 >= 0.25) { // seeds 1-5: 0.408-0.558
			t.Errorf("7x7 model: output %s, mAP@0.5 %.3f; want 7x7x20 and >= 0.25", paper.Output, paper.MeanAP50)
		}
	})
}

func TestMeasureConfidences(t *testing.T) {
	var v YOLOVariant
	v.measureConfidences([]float32{0.2, 0.4, 0.95}, []float32{0.1, 0.55, 0.95})
	if v.Objects != 3 || math.Abs(v.MeanConfidence-0.5166667) > 1e-6 || math.Abs(v.MeanIoU-0.5333333) > 1e-6 {
		t.Errorf("got %+v", v)
	}
	if math.Abs(v.CalibrationError-(0.1+0.15+0)/3) > 1e-6 {
		t.Errorf("CalibrationError = %v, want %v", v.CalibrationError, (0.1+0.15)/3)
	}
	if !(v.Correlation > 0.9 && v.Correlation <= 1) {
		t.Errorf("Correlation = %v, want close to 1", v.Correlation)
	}
	// Bin [0, 0.3) holds 0.1, [0.5, 0.6) 0.55 and [0.9, 1] 0.95; the others are empty.
	want := []CalibrationPoint{{0, 0.3, 1, 0.2}, {0.5, 0.6, 1, 0.4}, {0.9, 1, 1, 0.95}}
	if len(v.Curve) != len(want) {
		t.Fatalf("Curve = %v, want %v", v.Curve, want)
	}
	for k, w := range want {
		if g := v.Curve[k]; g.Lo != w.Lo || g.Hi != w.Hi || g.Count != w.Count || math.Abs(g.MeanConfidence-w.MeanConfidence) > 1e-6 {
			t.Errorf("Curve[%d] = %+v, want %+v", k, g, w)
		}
	}
}

// TestCommittedYOLOStudy asserts the study's claims on its committed runs (measurements/yolo.*.json).
func TestCommittedYOLOStudy(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "the IoU target's confidences are lower than the target 1's", Path: "variants.1.mean_confidence", Minus: "variants.0.mean_confidence", Min: 0.08, Max: nan}, // recorded 0.208 (class) and 0.151 (full)
		{What: "the 7x7, B = 2 YOLO learns", Path: "variants.2.map50", Min: 0.5, Max: nan},                                                                                 // recorded 0.654 and 0.782
	}
	for _, f := range measurements.CheckRecorded("yolo", claims) {
		t.Error(f)
	}
}
