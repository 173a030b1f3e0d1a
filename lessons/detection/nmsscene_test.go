package detection

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestNMSSceneIsRunsScene: the slider's scene is the lesson's, so at the lesson's threshold it
// reproduces Run's numbers exactly (the quick preset here, the committed class run below).
func TestNMSSceneIsRunsScene(t *testing.T) {
	cfg := Quick()
	cfg.ProposalImages = 0
	run, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewNMSScene(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := s.At(float64(cfg.NMSThreshold))
	if got.Before != run.Before || got.After != run.After {
		t.Errorf("NewNMSScene(Quick()).At(%v) = before %+v, after %+v; want Run's %+v, %+v", cfg.NMSThreshold, got.Before, got.After, run.Before, run.After)
	}
}

// TestNMSSceneCommittedRun: at 0.5 the class preset's scene gives the committed class run's numbers
// (measurements/detection.class.json), which the notebook prints under measurements.Describe.
func TestNMSSceneCommittedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("draws the class preset's 300 validation images")
	}
	run, ok := measurements.Find("detection", "class")
	if !ok {
		t.Skip("no committed class run")
	}
	s, err := NewNMSScene(Class())
	if err != nil {
		t.Fatal(err)
	}
	r := s.At(0.5)
	for _, c := range []struct {
		path string
		got  float64
	}{
		{"before_nms.detections", float64(r.Before.Detections)},
		{"before_nms.true_positives", float64(r.Before.TruePositives)},
		{"before_nms.duplicates", float64(r.Before.Duplicates)},
		{"before_nms.map50", r.Before.MeanAP},
		{"after_nms.detections", float64(r.After.Detections)},
		{"after_nms.true_positives", float64(r.After.TruePositives)},
		{"after_nms.duplicates", float64(r.After.Duplicates)},
		{"after_nms.map50", r.After.MeanAP},
	} {
		want, err := run.Value(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c.got-want) > 1e-9 {
			t.Errorf("class scene at 0.5: %s = %v, committed run %v", c.path, c.got, want)
		}
	}
}

func TestNMSSceneThresholds(t *testing.T) {
	cfg := Quick()
	cfg.Images = 12
	s, err := NewNMSScene(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := NMSThresholds()
	if len(ts) != 21 || ts[0] != 0 || ts[10] != 0.5 || ts[20] != 1 {
		t.Fatalf("NMSThresholds() = %v, want 0, 0.05, ..., 1", ts)
	}
	prev := -1
	for _, th := range ts {
		r := s.At(th)
		if r.Before.Detections != countAll(s.dets) {
			t.Errorf("At(%v): %d boxes before NMS, want all %d", th, r.Before.Detections, countAll(s.dets))
		}
		// A higher threshold suppresses less: the kept boxes never decrease.
		if r.After.Detections < prev {
			t.Errorf("At(%v) keeps %d boxes, fewer than %d at the threshold below", th, r.After.Detections, prev)
		}
		prev = r.After.Detections
		if r.After.TruePositives > r.Before.TruePositives || r.After.Duplicates > r.Before.Duplicates {
			t.Errorf("At(%v): after NMS %+v, before %+v; NMS cannot add true positives or duplicates", th, r.After, r.Before)
		}
	}
	// At 1 no IoU is greater than the threshold: NMS keeps every box.
	if r := s.At(1); r.After != r.Before || r.ExampleAfter != r.ExampleBefore {
		t.Errorf("At(1) = %+v, want after = before", r)
	}
	// At 0 no two kept boxes of a class overlap at all.
	for i, dets := range s.dets {
		kept := ApplyNMS(dets, 0)
		for a := range kept {
			for b := a + 1; b < len(kept); b++ {
				if kept[a].Class == kept[b].Class && detect.IoU(kept[a].Box, kept[b].Box) > 0 {
					t.Errorf("image %d: NMS at 0 kept two overlapping boxes of class %d: %v and %v", i, kept[a].Class, kept[a].Box, kept[b].Box)
				}
			}
		}
	}

	text, fig, err := s.View(0.5)
	if err != nil {
		t.Fatal(err)
	}
	r := s.At(0.5)
	t.Log("\n" + text)
	for _, want := range []string{"is > 0.50", "before NMS", "after, > 0.50", "boxes before NMS"} {
		if !strings.Contains(text, want) {
			t.Errorf("View(0.5) text:\n%s\nwant %q", text, want)
		}
	}
	if fig == nil || fig.Bounds().Dx() != 4*96 {
		t.Errorf("View(0.5) figure %v, want the 96-pixel image drawn 4 times larger", fig)
	}
	row := fmt.Sprintf("after, > 0.50   %7d %15d %11d %8.3f", r.After.Detections, r.After.TruePositives, r.After.Duplicates, r.After.MeanAP)
	example := fmt.Sprintf("the image below: %d boxes before NMS, %d kept", r.ExampleBefore, r.ExampleAfter)
	if !strings.Contains(text, row) || !strings.Contains(text, example) {
		t.Errorf("View(0.5) text:\n%s\nwant the rows %q and %q", text, row, example)
	}
	table := s.Table(0.3, 0.5, 0.7)
	if lines := strings.Split(strings.TrimSpace(table), "\n"); len(lines) != 5 || !strings.Contains(table, "after, > 0.70") {
		t.Errorf("Table(0.3, 0.5, 0.7):\n%s\nwant a header, the row before NMS and one row per threshold", table)
	}
	if !strings.Contains(table, "mAP@0.5") || r.After.Detections == 0 {
		t.Errorf("Table:\n%s\nwant the mAP column; At(0.5) = %+v", table, r)
	}

	if _, err := NewNMSScene(Config{}); err == nil {
		t.Error("NewNMSScene(Config{}): got nil error, want one for Images = 0")
	}
}

func countAll(dets [][]detect.Detection) int {
	n := 0
	for _, d := range dets {
		n += len(d)
	}
	return n
}

// TestRandomBoxes: the recipe is bench/nms's, whose README records that NMS at 0.5 keeps 6468 of its
// 10,000 boxes (seed 42), as torchvision 0.14's nms does.
func TestRandomBoxes(t *testing.T) {
	boxes, scores := RandomBoxes(10000, 42)
	if len(boxes) != 10000 || len(scores) != 10000 {
		t.Fatalf("RandomBoxes(10000, 42): %d boxes, %d scores", len(boxes), len(scores))
	}
	for i, b := range boxes {
		w, h := b.Width(), b.Height()
		if b.X1 < 0 || b.X1 >= 1000 || b.Y1 < 0 || b.Y1 >= 1000 || w < 10 || w > 100 || h < 10 || h > 100 || scores[i] < 0 || scores[i] >= 1 {
			t.Fatalf("box %d = %v, score %v: outside the recipe", i, b, scores[i])
		}
	}
	if kept := detect.NMS(boxes, scores, 0.5); len(kept) != 6468 {
		t.Errorf("NMS at 0.5 keeps %d of RandomBoxes(10000, 42), want 6468 (bench/nms/README.md)", len(kept))
	}
	again, _ := RandomBoxes(10000, 42)
	if again[9999] != boxes[9999] {
		t.Errorf("RandomBoxes is not deterministic: %v then %v", boxes[9999], again[9999])
	}
}
