package transfer

import (
	"io"

	"github.com/cvlessons/cvlessons/lessons"
)

// Config sizes a run of Part A.
type Config struct {
	// Seed fixes the subsets, the shuffling and the initial weights.
	Seed int64 `json:"seed"`
	// PretrainImages is the number of source-task (classes 0-4) training images; PretrainSteps the
	// Adam steps spent on them.
	PretrainImages int `json:"pretrain_images"`
	PretrainSteps  int `json:"pretrain_steps"`
	// TargetPerClass is the number of labelled training images per target class (classes 5-9);
	// TestImages the number of target-class test images the arms are measured on.
	TargetPerClass int `json:"target_per_class"`
	TestImages     int `json:"test_images"`
	// Steps is the number of Adam steps of each arm, BatchSize the mini-batch size of all training.
	Steps     int `json:"steps"`
	BatchSize int `json:"batch_size"`
	// LearningRate is Adam's step size for the pretraining, the scratch arm and every head;
	// BackboneScale multiplies it for the backbone of the fine-tuned arm.
	LearningRate  float64 `json:"learning_rate"`
	BackboneScale float64 `json:"backbone_scale"`
	// Head lists the layers of cnn.SmallCNN that the transfer arms replace with new, randomly
	// initialized ones; the rest is the backbone.
	Head []string `json:"head"`
	// EvalEvery is the period, in steps, of the learning curves.
	EvalEvery int `json:"eval_every"`
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives training progress.
	Progress io.Writer `json:"-"`
}

// Quick is the preset for tests and CI.
func Quick() Config {
	return Config{Seed: 1, PretrainImages: 5000, PretrainSteps: 200, TargetPerClass: 40, TestImages: 500,
		Steps: 60, BatchSize: 25, LearningRate: 0.002, BackboneScale: 0.1, Head: []string{"fc1", "fc2"}, EvalEvery: 10}
}

// Full is the classroom preset: more pretraining and the whole target test set.
func Full() Config {
	return Config{Seed: 1, PretrainImages: 30000, PretrainSteps: 1500, TargetPerClass: 40, TestImages: 5000,
		Steps: 200, BatchSize: 25, LearningRate: 0.002, BackboneScale: 0.1, Head: []string{"fc1", "fc2"}, EvalEvery: 10}
}

// ConfigFor returns the preset's configuration.
func ConfigFor(p lessons.Preset) Config {
	if p == lessons.Quick {
		return Quick()
	}
	return Full()
}
