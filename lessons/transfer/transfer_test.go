package transfer

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
)

// TestQuickPartA runs the quick preset and checks what held on every seed measured (seeds 1-5 of
// Quick, 2-core AMD EPYC; the table is in notebooks/04-transfer-learning.ipynb). The pretrained
// backbone learns its source task. With 1 labelled image per class, fine-tuning the pretrained
// network beats training from scratch by a clear margin (mean gain over the 6 subsets +2.4 to +7.2
// points), and over the whole curve it gains on average (+1.2 to +4.0). With 20 per class the frozen
// backbone no longer helps (-0.5 to -1.9 points). Every arm learns the target, and the frozen arm
// trains only the head. Seed 1, or seeds 1 to $CVLESSONS_SEEDS (lessontest.RunSeeds).
func TestQuickPartA(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a few dozen small CNNs")
	}
	lessontest.RunSeeds(t, func(t *testing.T, seed int) { checkQuickPartA(t, int64(seed)) })
}

func checkQuickPartA(t *testing.T, seed int64) {
	cfg := Quick()
	cfg.Seed = seed
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Summary())
	a := r.PartA
	if a.SourceAccuracy < 0.88 { // measured 0.922-0.934
		t.Errorf("pretrained accuracy on classes 0-4 = %.3f, want >= 0.88", a.SourceAccuracy)
	}
	if len(a.Curve) != 3 || a.Curve[0].PerClass != 1 || a.Curve[2].PerClass != 20 {
		t.Fatalf("curve %+v, want the points 1, 5 and 20 per class", a.Curve)
	}
	one, twenty := a.Curve[0], a.Curve[2]
	if g := one.FineTuneGain.Mean; g < 0.015 { // measured +0.024 to +0.072
		t.Errorf("fine-tune with 1 image per class: gain over scratch %+.3f, want >= +0.015", g)
	}
	if g := a.FineTuneOverall.Mean; g < 0.005 { // measured +0.012 to +0.040
		t.Errorf("fine-tune over the whole curve: gain over scratch %+.3f, want >= +0.005", g)
	}
	if g := twenty.FrozenGain.Mean; g > 0.005 { // measured -0.019 to -0.005
		t.Errorf("frozen backbone with 20 images per class: gain over scratch %+.3f, want <= +0.005", g)
	}
	if d := twenty.Scratch.Mean - one.Scratch.Mean; d < 0.2 { // measured 0.29-0.34
		t.Errorf("scratch gains %.3f from 1 to 20 images per class, want >= 0.2", d)
	}
	for _, p := range a.Curve {
		for name, arm := range map[string]ArmResult{"scratch": p.Scratch, "frozen": p.Frozen, "fine-tune": p.FineTune} {
			if len(arm.Accuracies) != cfg.Repeats {
				t.Errorf("%s at %d per class: %d accuracies, want %d", name, p.PerClass, len(arm.Accuracies), cfg.Repeats)
			}
			if p.PerClass == 20 && arm.Mean < 0.8 { // measured 0.872-0.921
				t.Errorf("%s at 20 per class: %.3f, want >= 0.8 (chance is 0.2)", name, arm.Mean)
			}
		}
	}
	// The frozen arm trains the new head only: 2*2*96 features x 5 classes + 5 biases = 1,925
	// parameters (by hand).
	if a.HeadParams != 1925 || !strings.HasPrefix(a.FrozenParams, "head.weight\nhead.bias\n-----------\n") {
		t.Errorf("frozen arm trains %d parameters, listing:\n%s\nwant 1925: head.weight, head.bias", a.HeadParams, a.FrozenParams)
	}
}

// TestReportJSON checks that a report marshals to JSON (the CLI prints it with --json) and that
// its summary prints every point and the headline gain.
func TestReportJSON(t *testing.T) {
	arm := func(accs ...float64) ArmResult {
		a := ArmResult{Accuracies: accs}
		a.summarize()
		return a
	}
	pt := CurvePoint{PerClass: 5, Scratch: arm(0.6, 0.7), Frozen: arm(0.8, 0.8), FineTune: arm(0.7, 0.7)}
	pt.FrozenGain, pt.FineTuneGain = gain(pt.Frozen, pt.Scratch), gain(pt.FineTune, pt.Scratch)
	r := Report{Backend: "go", Config: Quick(), PartA: &PartA{SourceAccuracy: 0.9, TargetTest: 1000, Curve: []CurvePoint{pt}},
		FrozenGain: pt.FrozenGain, FineTuneGain: pt.FineTuneGain}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: frozen - scratch = 0.2 and 0.1 (mean 0.15, smallest 0.1); fine-tune: 0.1 and 0.
	for _, want := range []string{`"frozen_gain":{"mean":0.15`, `"min":0.1`, `"channels":[32,64,96]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
	s := r.Summary()
	for _, want := range []string{"65.0 ± 7.1%", "+15.0 [+10.0]", "+5.0 [+0.0]",
		"with 5 labelled images per class: frozen backbone +15.0 points, fine-tune +5.0 points"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// TestOverallGains pools the paired differences of every point: by hand, frozen - scratch is
// +0.1, +0.3 at the first point and -0.2, 0 at the second (mean +0.05, smallest -0.2); fine-tune -
// scratch is 0, +0.2, +0.1, +0.1 (mean +0.1, smallest 0).
func TestOverallGains(t *testing.T) {
	curve := []CurvePoint{
		{Scratch: ArmResult{Accuracies: []float64{0.5, 0.4}}, Frozen: ArmResult{Accuracies: []float64{0.6, 0.7}},
			FineTune: ArmResult{Accuracies: []float64{0.5, 0.6}}},
		{Scratch: ArmResult{Accuracies: []float64{0.9, 0.8}}, Frozen: ArmResult{Accuracies: []float64{0.7, 0.8}},
			FineTune: ArmResult{Accuracies: []float64{1.0, 0.9}}},
	}
	frozen, fine := overallGains(curve)
	for _, c := range []struct {
		name      string
		got       Gain
		mean, min float64
	}{{"frozen", frozen, 0.05, -0.2}, {"fine-tune", fine, 0.1, 0}} {
		if math.Abs(c.got.Mean-c.mean) > 1e-12 || math.Abs(c.got.Min-c.min) > 1e-12 {
			t.Errorf("%s overall gain %+v, want mean %g, smallest %g", c.name, c.got, c.mean, c.min)
		}
	}
}
