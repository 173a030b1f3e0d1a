package transfer

import (
	"math"
	"testing"

	"github.com/cvlessons/cvlessons/measurements"
)

// TestCommittedRuns asserts the lesson's claims on every committed run (measurements/): on the
// note's ants/bees recipe, EfficientNet-Lite0's frozen ImageNet backbone gives every head seed at
// least 0.90 and the same heads on a random backbone stay near chance; in Part A, fine-tuning the
// pretrained network beats training from scratch on average over the labelled-set sizes. One
// recorded run each; the margins sit under what it measured (noted beside each) and under the seed
// spreads of the quick tests (recipe_test.go, transfer_test.go).
func TestCommittedRuns(t *testing.T) {
	nan := math.NaN()
	claims := []measurements.Claim{
		{What: "pretraining learnt the source classes", Path: "part_a.source_accuracy", Min: 0.88, Max: nan},                // recorded 0.927
		{What: "fine-tuning beats scratch over the curve", Path: "part_a.fine_tune_overall_gain.mean", Min: 0.01, Max: nan}, // recorded +0.026
		{What: "fine-tuning beats scratch at 5 per class", Path: "part_a.curve.1.fine_tune_gain.mean", Min: 0.02, Max: nan}, // recorded +0.047
		// Part B: 5 head seeds, 25 epochs on cached features.
		{What: "ImageNet features: every head seed >= 0.90", Path: "imagenet.last.min", Min: 0.90, Max: nan},                                    // recorded 0.935 (0.935-0.954)
		{What: "ImageNet features beat a random backbone", Path: "imagenet.last.mean", Minus: "imagenet.random_last.mean", Min: 0.30, Max: nan}, // recorded 0.942 - 0.522
		{What: "a random backbone stays near chance", Path: "imagenet.random_last.max", Min: nan, Max: 0.65},                                    // recorded 0.569 (0.458-0.569)
		{What: "the note's 3 epochs reach the target", Path: "imagenet.note_epochs.min", Min: 0.88, Max: nan},                                   // recorded 0.902 (0.902-0.948)
	}
	for _, f := range measurements.CheckRecorded("transfer", claims) {
		t.Error(f)
	}
	// The full preset's uncached runs of the note's program (one seed each; arms in the order
	// frozen, frozen-bn-eval, fine-tune, random-init). PyTorch's own runs of the first two, seeds
	// 1-3 (testdata/note_recipe_torch.txt): 0.73-0.80 as written, 0.90-0.92 in evaluation mode.
	for _, f := range measurements.CheckClaims("transfer", "full", []measurements.Claim{
		{What: "frozen backbone, BatchNorm in evaluation mode: the target", Path: "imagenet.arms.1.val_accuracy", Min: 0.88, Max: nan},                                          // recorded 0.915
		{What: "net.train() on the frozen BatchNorm layers costs accuracy", Path: "imagenet.arms.1.val_accuracy", Minus: "imagenet.arms.0.val_accuracy", Min: 0.10, Max: nan},   // recorded 0.915 - 0.719
		{What: "far above the same network from random initialization", Path: "imagenet.arms.1.val_accuracy", Minus: "imagenet.arms.3.val_accuracy", Min: 0.25, Max: nan},       // recorded 0.915 - 0.529
		{What: "16 steps of full fine-tuning stay below the frozen backbone", Path: "imagenet.arms.1.val_accuracy", Minus: "imagenet.arms.2.val_accuracy", Min: 0.05, Max: nan}, // recorded 0.915 - 0.758
		{What: "fine-tuning from ImageNet beats training from scratch", Path: "imagenet.arms.2.val_accuracy", Minus: "imagenet.arms.3.val_accuracy", Min: 0.10, Max: nan},       // recorded 0.758 - 0.529
	}) {
		t.Error(f)
	}
}
