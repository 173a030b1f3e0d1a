package augment

import (
	"io"

	"github.com/cvlessons/cvlessons/lessons"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the subsets, the augmentations and the initial weights.
	Seed uint64 `json:"seed"`
	// PhotosDir is the hymenoptera_data folder (with train/ants, train/bees) for the transform
	// figures; "" means the "hymenoptera" catalogue entry's location. When no copy is found the photo
	// figures are skipped and the report says so.
	PhotosDir string `json:"photos_dir"`
	// Repeats is how many times each transform is drawn in the photo grids.
	Repeats int `json:"repeats"`
	// TrainSize is the number of MNIST training images of the experiment; ValSize the number of
	// MNIST test images it is measured on.
	TrainSize int `json:"train_size"`
	ValSize   int `json:"val_size"`
	// Views is the number of augmented copies made of every training image; the baseline trains on
	// the originals for the same number of steps.
	Views int `json:"views"`
	// Steps is the number of Adam steps per arm, BatchSize their mini-batch size.
	Steps     int `json:"steps"`
	BatchSize int `json:"batch_size"`
	// LearningRate is Adam's step size.
	LearningRate float64 `json:"learning_rate"`
	// EvalEvery is the period, in steps, of the validation curve.
	EvalEvery int `json:"eval_every"`
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives training progress.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: the quick experiment twice as long, measured on 5,000 test images.
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, Repeats: 8, TrainSize: 500, ValSize: 5000, Views: 20, Steps: 2000, BatchSize: 32,
		LearningRate: 0.001, EvalEvery: 200}
}

// Quick is the preset for tests and CI.
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, Repeats: 6, TrainSize: 500, ValSize: 2000, Views: 10, Steps: 1000, BatchSize: 32,
		LearningRate: 0.001, EvalEvery: 100}
}

// Full is the opt-in preset: the same experiment, longer and measured on all 10,000 test images.
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, Repeats: 8, TrainSize: 500, ValSize: 10000, Views: 20, Steps: 2500, BatchSize: 32,
		LearningRate: 0.001, EvalEvery: 250}
}

// ConfigFor returns the preset's configuration (Class for an unknown preset).
func ConfigFor(p lessons.Preset) Config {
	switch p {
	case lessons.Quick:
		return Quick()
	case lessons.Full:
		return Full()
	}
	return Class()
}
