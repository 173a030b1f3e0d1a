package transfer

import (
	"os"
	"strings"
	"testing"
)

// tinyVGG11 is a random-weight torchvision VGG-11 with tiny widths (pkg/cnn's parity checkpoint).
const tinyVGG11 = "../../pkg/cnn/testdata/weights/vgg11_tiny.pth"

const hymenoptera = "/work/shared/datasets/hymenoptera_data"

// TestRecipePipeline runs the note's program end to end on a few ants/bees images with a
// random-weight checkpoint: the pipeline (import, new head, freezing, augmentation, the
// evaluate-first epoch schedule) works, and the report says the weights are not pretrained.
func TestRecipePipeline(t *testing.T) {
	dir := os.Getenv("CVLESSONS_HYMENOPTERA")
	if dir == "" {
		dir = hymenoptera
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("hymenoptera_data not found at %s (set $CVLESSONS_HYMENOPTERA)", dir)
	}
	cfg := NoteRecipe("vgg11", tinyVGG11, false)
	cfg.DataDir, cfg.Epochs, cfg.TrainLimit, cfg.ValLimit, cfg.BatchSize = dir, 2, 64, 32, 16
	r, err := RunRecipe(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, p := range r.Phases {
		phases = append(phases, p.Phase)
		if p.Accuracy < 0 || p.Accuracy > 1 || !(p.Loss > 0) {
			t.Errorf("%s: loss %g, accuracy %g out of range", p.Phase, p.Loss, p.Accuracy)
		}
	}
	if got := strings.Join(phases, ","); got != "val,train,val" {
		t.Errorf("phases %s, want val,train,val (the first epoch only evaluates)", got)
	}
	if r.TrainImages != 64 || r.ValImages != 32 {
		t.Errorf("images %d/%d, want 64/32", r.TrainImages, r.ValImages)
	}
	if !strings.HasPrefix(r.Params, "classifier.6.weight\nclassifier.6.bias\n-----------\ntrainable: 66 parameters") {
		t.Errorf("params listing:\n%s\nwant only the new 32x2 head trainable", r.Params)
	}
	if !strings.Contains(r.Note, "NOT an ImageNet-pretrained checkpoint") {
		t.Errorf("note %q does not say the weights are not pretrained", r.Note)
	}
	if !strings.Contains(r.Import, "loaded 22 tensors") {
		t.Errorf("import report %q, want all 22 tensors of the tiny VGG-11 loaded", r.Import)
	}
}
