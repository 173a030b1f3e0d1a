package transfer

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestQuickPartA runs the quick preset and checks what the lesson states: the backbone learns its
// source task; every arm learns the target classes well above chance (0.2); the frozen arm trains
// only the new classifier. The transfer gains are reported, not asserted: on this split they are
// not reliably positive (see the package documentation), and the test must not claim otherwise.
func TestQuickPartA(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four small CNNs")
	}
	cfg := Quick()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Summary())
	a := r.PartA
	if a.SourceAccuracy < 0.8 {
		t.Errorf("pretrained accuracy on classes 0-4 = %.3f, want >= 0.8 (the backbone must have learned something)", a.SourceAccuracy)
	}
	for _, arm := range []Arm{a.Scratch, a.Frozen, a.FineTune} {
		if arm.Accuracy < 0.6 {
			t.Errorf("%s: final accuracy %.3f on classes 5-9, want >= 0.6 (chance is 0.2)", arm.Name, arm.Accuracy)
		}
		if n := len(arm.Curve); n != cfg.Steps/cfg.EvalEvery+1 {
			t.Errorf("%s: curve has %d points, want %d", arm.Name, n, cfg.Steps/cfg.EvalEvery+1)
		}
	}
	if got, want := r.FrozenGain, a.Frozen.Accuracy-a.Scratch.Accuracy; got != want {
		t.Errorf("FrozenGain = %g, want %g", got, want)
	}
	// The frozen arm trains the new classifier only: fc1 3136*128+128 and fc2 128*5+5 (by hand);
	// the convolutions and BatchNorms (18,912 parameters) stay fixed.
	if a.Frozen.Trainable != 402181 || a.Frozen.Frozen != 18912 || a.FineTune.Frozen != 0 || a.Scratch.Frozen != 0 {
		t.Errorf("trainable/frozen: frozen arm %d/%d, fine-tune %d/%d, scratch %d/%d; want 402181/18912, all/0, all/0",
			a.Frozen.Trainable, a.Frozen.Frozen, a.FineTune.Trainable, a.FineTune.Frozen, a.Scratch.Trainable, a.Scratch.Frozen)
	}
	if !strings.HasPrefix(a.FrozenParams, "fc1.weight\nfc1.bias\nfc2.weight\nfc2.bias\n-----------\n") {
		t.Errorf("frozen params listing:\n%s", a.FrozenParams)
	}
}

// TestReportJSON checks that a report marshals to JSON (the CLI prints it with --json) and that
// its summary prints every arm.
func TestReportJSON(t *testing.T) {
	arm := func(name string, acc float64) Arm {
		return Arm{Name: name, Curve: []Point{{0, 0.2}, {10, acc}}, Accuracy: acc}
	}
	r := Report{Backend: "go", Config: Quick(), PartA: &PartA{SourceAccuracy: 0.86, TargetTrain: 200, TargetTest: 500,
		Scratch: arm("scratch", 0.9), Frozen: arm("frozen backbone", 0.92), FineTune: arm("fine-tune", 0.88)},
		FrozenGain: 0.02, FineTuneGain: -0.02}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"frozen_gain":0.02`) || !strings.Contains(string(data), `"head":["fc1","fc2"]`) {
		t.Errorf("JSON %s lacks the gain or the config", data)
	}
	s := r.Summary()
	for _, want := range []string{"scratch", "frozen backbone", "fine-tune", "frozen backbone +2.0 points, fine-tune -2.0 points"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}
