package transfer

import (
	"strings"
	"testing"
)

// TestQuickTransferBeatsScratch runs the quick preset and checks the lesson's claim: with a few
// hundred labelled images, starting from features pretrained on other classes beats training from
// scratch for the same number of steps, by a clear margin.
func TestQuickTransferBeatsScratch(t *testing.T) {
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
	const margin = 0.05
	if r.FrozenGain < margin || r.FineTuneGain < margin {
		t.Errorf("gains over scratch: frozen %+.3f, fine-tune %+.3f; want both >= %.2f", r.FrozenGain, r.FineTuneGain, margin)
	}
	// The frozen arm trains only the new head: fc2 of cnn.SmallCNN, 128*5 weights + 5 biases.
	if a.Frozen.Trainable != 645 || a.Frozen.Frozen == 0 || a.FineTune.Frozen != 0 {
		t.Errorf("trainable/frozen: frozen arm %d/%d, fine-tune %d/%d; want 645/>0 and all/0",
			a.Frozen.Trainable, a.Frozen.Frozen, a.FineTune.Trainable, a.FineTune.Frozen)
	}
	if !strings.HasPrefix(a.FrozenParams, "fc2.weight\nfc2.bias\n-----------\n") {
		t.Errorf("frozen params listing:\n%s", a.FrozenParams)
	}
	// Transfer starts above chance (0.2): the new head is random but the features already separate
	// the classes only after training, so the start is checked on the curve's later points instead.
	if n := len(a.Frozen.Curve); n != cfg.Steps/cfg.EvalEvery+1 {
		t.Errorf("frozen curve has %d points, want %d", n, cfg.Steps/cfg.EvalEvery+1)
	}
}
