package transfer

import (
	"io"

	"github.com/cvlessons/cvlessons/lessons"
)

// Config sizes a run of Part A.
type Config struct {
	// Seed fixes the subsets, the shuffling and the initial weights of the whole run.
	Seed int64 `json:"seed"`
	// Channels are the widths of Net's convolutions.
	Channels []int `json:"channels"`
	// Pool is Net.Pool: the side of the grid the last feature map is averaged down to.
	Pool int `json:"pool"`
	// PretrainImages is the number of source-task (classes 0-4) training images; PretrainSteps the
	// Adam steps spent on them at PretrainLR.
	PretrainImages int     `json:"pretrain_images"`
	PretrainSteps  int     `json:"pretrain_steps"`
	PretrainLR     float64 `json:"pretrain_lr"`
	// Shots are the numbers of labelled training images per target class (classes 5-9), one point
	// of the learning curve each; Repeats is the number of random labelled subsets (each with its own
	// initializations) every point averages. A repeat's subsets are nested: the 20 images of a class
	// include its 5.
	Shots   []int `json:"shots"`
	Repeats int   `json:"repeats"`
	// TestImages is the number of target-class test images the arms are measured on.
	TestImages int `json:"test_images"`
	// Steps is the number of Adam steps of every arm at every point; BatchSize the mini-batch size
	// (capped at the number of labelled images).
	Steps     int `json:"steps"`
	BatchSize int `json:"batch_size"`
	// ScratchLR is the scratch arm's Adam step size, HeadLR that of the new head of both transfer
	// arms; BackboneScale multiplies HeadLR for the backbone of the fine-tuned arm.
	ScratchLR     float64 `json:"scratch_lr"`
	HeadLR        float64 `json:"head_lr"`
	BackboneScale float64 `json:"backbone_scale"`
	// ImageNet sizes Part B's measurement on EfficientNet-Lite0's ImageNet weights (see
	// ImageNetConfig); it runs when the weights and the ants/bees images are here.
	ImageNet ImageNetConfig `json:"imagenet"`
	// OutDir, when not empty, receives the figures.
	OutDir string `json:"-"`
	// Progress, when not nil, receives one line per trained arm.
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from; it picks the committed run the time
	// estimate comes from (a hand-edited configuration keeps it: the estimate scales by steps).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: the quick pretraining, four labelled-set sizes (up to 100 images per
// class) with 6 subsets each, tested on 2,000 target images; and Part B as notebook 04 runs it by
// default: 5 heads x 25 epochs on EfficientNet-Lite0's cached ImageNet features and on a random
// backbone (the note's uncached program, minutes more, only in Full: it would take the notebook
// past 10 minutes on 2 cores).
func Class() Config {
	return Config{Preset: lessons.Class, Seed: 1, Channels: []int{32, 64, 96}, Pool: 2, PretrainImages: 30000, PretrainSteps: 1500, PretrainLR: 0.003,
		Shots: []int{1, 5, 20, 100}, Repeats: 6, TestImages: 2000, Steps: 80, BatchSize: 25,
		ScratchLR: 0.003, HeadLR: 0.01, BackboneScale: 0.1,
		ImageNet: ImageNetConfig{HeadEpochs: 25, HeadSeeds: 5}}
}

// Quick is the preset for tests and CI: pretraining on all
// 30,000 source images, then 6 labelled subsets per point, since with 3 the 1-image point was a
// lottery (its mean gain ranged from -0.5 to +6.9 points over seeds 1-5).
func Quick() Config {
	return Config{Preset: lessons.Quick, Seed: 1, Channels: []int{32, 64, 96}, Pool: 2, PretrainImages: 30000, PretrainSteps: 1500, PretrainLR: 0.003,
		Shots: []int{1, 5, 20}, Repeats: 6, TestImages: 500, Steps: 60, BatchSize: 25,
		ScratchLR: 0.003, HeadLR: 0.01, BackboneScale: 0.1}
}

// Full is the opt-in preset: longer pretraining, 8 subsets per point and 100 steps per arm; Part B
// adds the note's uncached program four times (frozen with BatchNorm in training and in evaluation
// mode, fully fine-tuned, from random initialization), about 18 of its minutes on 2 cores. The
// target test set stays at the class preset's 2,000 images: with 5,000, evaluating the 96 arms
// brought the run to 29 of its 30 minutes.
func Full() Config {
	return Config{Preset: lessons.Full, Seed: 1, Channels: []int{32, 64, 96}, Pool: 2, PretrainImages: 30000, PretrainSteps: 2000, PretrainLR: 0.003,
		Shots: []int{1, 5, 20, 100}, Repeats: 8, TestImages: 2000, Steps: 100, BatchSize: 25,
		ScratchLR: 0.003, HeadLR: 0.01, BackboneScale: 0.1,
		ImageNet: ImageNetConfig{HeadEpochs: 25, HeadSeeds: 5, Uncached: true, FineTuneArms: true}}
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
