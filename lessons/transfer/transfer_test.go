package transfer

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestQuickPartA runs the quick preset and checks what the lesson states: the backbone learns its
// source task; with the fewest labels (the first point of the curve) both transfer arms beat
// scratch by a clear margin, on average and on every labelled subset; the frozen arm trains only
// the new head.
func TestQuickPartA(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a few dozen small CNNs")
	}
	cfg := Quick()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Summary())
	a := r.PartA
	if a.SourceAccuracy < minSourceAccuracy {
		t.Errorf("pretrained accuracy on classes 0-4 = %.3f, want >= %.2f", a.SourceAccuracy, minSourceAccuracy)
	}
	if len(a.Curve) != len(cfg.Shots) {
		t.Fatalf("curve has %d points, want %d", len(a.Curve), len(cfg.Shots))
	}
	first := a.Curve[0]
	for _, c := range []struct {
		name            string
		gain            Gain
		minMean, minMin float64
	}{
		{"frozen backbone", first.FrozenGain, minFrozenGain, minPairedGain},
		{"fine-tune", first.FineTuneGain, minFineTuneGain, minPairedGain},
	} {
		if c.gain.Mean < c.minMean || c.gain.Min < c.minMin {
			t.Errorf("%s with %d images per class: gain over scratch %+.3f (smallest %+.3f), want >= %+.2f (smallest >= %+.2f)",
				c.name, first.PerClass, c.gain.Mean, c.gain.Min, c.minMean, c.minMin)
		}
	}
	for _, p := range a.Curve {
		for name, arm := range map[string]ArmResult{"scratch": p.Scratch, "frozen": p.Frozen, "fine-tune": p.FineTune} {
			if len(arm.Accuracies) != cfg.Repeats {
				t.Errorf("%s at %d per class: %d accuracies, want %d", name, p.PerClass, len(arm.Accuracies), cfg.Repeats)
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
	for _, want := range []string{`"frozen_gain":{"mean":0.15`, `"min":0.09999`, `"channels":[32,64,96]`} {
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
