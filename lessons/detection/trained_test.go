package detection

import (
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
)

// yoloQuickFloor is the stated mAP@0.5 the quick preset's YOLO must reach on the validation split
// (seeds 1-5: 0.520-0.567).
const yoloQuickFloor = 0.4

// TestRunDetectorsQuick trains the three detectors with the quick preset and asserts the
// lesson's claims with margins: YOLO reaches yoloQuickFloor mAP@0.5; NMS removes most of the
// duplicates the trained YOLO fires without losing true positives, and raises its mAP; R-CNN and
// Fast R-CNN learn too; on crowded small digits YOLO finds almost nothing where R-CNN still finds
// many. The spread beside each assertion is seeds 1-5, pure-Go backend: YOLO's (and the weakness
// margins, which depend on it) on a 2-core Intel Xeon, the two-stage models' on a 2-core AMD EPYC and
// again, identical, on the Intel Xeon
// (CVLESSONS_SEEDS=5 go test -run TestRunDetectorsQuick -v -timeout 60m ./lessons/detection; see
// lessontest.RunSeeds). Speeds are not asserted here (a timed test fails on a busy machine):
// TestCommittedRuns checks them on the recorded run. Skipped with -short (minutes on two cores).
func TestRunDetectorsQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three detectors: minutes on two CPU cores")
	}
	lessontest.RunSeeds(t, func(t *testing.T, seed int) { checkDetectorsQuick(t, uint64(seed)) })
}

// checkDetectorsQuick trains the quick preset with every model seeded by seed and checks the claims.
func checkDetectorsQuick(t *testing.T, seed uint64) {
	cfg := DetectorsQuick()
	cfg.YOLO.Seed, cfg.RCNN.Seed, cfg.FastRCNN.Seed, cfg.FasterRCNN.Seed, cfg.SVM.Seed = seed, seed, seed, seed, seed
	if testing.Verbose() {
		cfg.Progress = os.Stderr
	}
	r, err := RunDetectors(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d\n%s", seed, r)
	yolo, rcnn := r.Models[0], r.Models[1]
	if !(yolo.MeanAP50 >= yoloQuickFloor) {
		t.Errorf("YOLO mAP@0.5 = %.3f, want >= %.2f", yolo.MeanAP50, yoloQuickFloor)
	}
	if !(rcnn.MeanAP50 >= 0.35) { // seeds 1-5: 0.443-0.788
		t.Errorf("R-CNN mAP@0.5 = %.3f, want >= 0.35", rcnn.MeanAP50)
	}
	if len(r.Models) != 5 {
		t.Fatalf("%d models in the table, want 5 (YOLO, R-CNN, R-CNN with SVMs, Fast R-CNN, Faster R-CNN)", len(r.Models))
	}
	// The quick preset trains the two-stage models only briefly. Their speeds are checked on the
	// recorded runs (TestCommittedRuns).
	for _, m := range []struct {
		model ModelStats
		floor float64
	}{
		{r.Models[2], 0.2},  // R-CNN (SVM); seeds 1-5: 0.292-0.770 (0.292 where the softmax R-CNN had 0.443)
		{r.Models[3], 0.45}, // Fast R-CNN; seeds 1-5: 0.568-0.748
		{r.Models[4], 0.45}, // Faster R-CNN; seeds 1-5: 0.580-0.716
	} {
		if !(m.model.MeanAP50 >= m.floor) {
			t.Errorf("%s mAP@0.5 = %.3f, want >= %.2f", m.model.Model, m.model.MeanAP50, m.floor)
		}
	}
	if p := r.Proposals; !(p.RPNRecall >= 0.9) { // seeds 1-5: 0.956-0.980 (selective search 1.000)
		t.Errorf("%s: want the RPN's recall@0.5 >= 0.9 at selective search's count", p)
	}
	b, a := r.YOLOBeforeNMS, r.YOLOAfterNMS
	t.Logf("NMS: true positives %d -> %d, duplicates %d -> %d", b.TruePositives, a.TruePositives, b.Duplicates, a.Duplicates)
	if !(b.Duplicates >= r.Objects/4) { // seeds 1-5: 138-203 duplicates for 248 digits
		t.Errorf("trained YOLO without NMS: %d duplicates for %d digits, want at least one per four digits", b.Duplicates, r.Objects)
	}
	if !(a.Duplicates <= b.Duplicates/2) { // seeds 1-5: 20%-27% left (190 -> 51, 138 -> 28, 154 -> 42, 169 -> 44, 203 -> 41)
		t.Errorf("after NMS %d duplicates (before %d), want at most half left", a.Duplicates, b.Duplicates)
	}
	if !(a.MeanAP > b.MeanAP) { // seeds 1-5: +0.010 to +0.037
		t.Errorf("YOLO mAP@0.5 %.3f without NMS, %.3f with: want NMS to raise it", b.MeanAP, a.MeanAP)
	}
	if !(a.TruePositives >= b.TruePositives*95/100) { // held on seeds 1-5 (counts logged above)
		t.Errorf("after NMS %d true positives (before %d), want at least 95%% kept", a.TruePositives, b.TruePositives)
	}
	for _, m := range r.Models {
		if !(m.COCOMeanAP > 0 && m.COCOMeanAP < m.MeanAP50) {
			t.Errorf("%s: COCO mAP %.3f, want in (0, mAP@0.5 = %.3f)", m.Model, m.COCOMeanAP, m.MeanAP50)
		}
	}
	checkWeaknesses(t, r)
}

// checkWeaknesses asserts YOLO v1's three weaknesses with the trained detectors: on crowded, small
// and stretched digits (WeaknessSets), YOLO keeps a smaller share of its validation recall@0.5 than
// each two-stage detector does. A YOLO v1 cell reports one object, its coarse grid and few boxes suit
// neither small objects nor shapes it never saw, while a two-stage detector classifies each proposal
// wherever and whatever size it is.
func checkWeaknesses(t *testing.T, r *DetectorReport) {
	t.Helper()
	t.Logf("recall@0.5 per set:\n%s", r.WeaknessTable())
	if len(r.Weaknesses) != 4 {
		t.Fatalf("%d sets measured, want 4 (validation, crowded, small, stretched)", len(r.Weaknesses))
	}
	// Seeds 1-5, the smallest share a two-stage model keeps minus YOLO's (from the table's whole
	// percents): crowded 0.24-0.33, small 0.17-0.28, stretched 0.16-0.31.
	margin := map[string]float64{"crowded": 0.15, "small": 0.1, "stretched": 0.08}
	for _, w := range r.Weaknesses[1:] {
		for m := 1; m < len(r.Models); m++ {
			if !(w.Kept[m] >= w.Kept[0]+margin[w.Set]) {
				t.Errorf("%s digits: YOLO keeps %.3f of its validation recall@0.5, %s %.3f: want %s's at least %.2f higher",
					w.Set, w.Kept[0], r.Models[m].Model, w.Kept[m], r.Models[m].Model, margin[w.Set])
			}
		}
	}
}
