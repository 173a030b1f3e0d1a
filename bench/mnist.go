package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// MNISTResult is the outcome of training a model on a real data set and testing it.
type MNISTResult struct {
	Model, Data     string
	Backend         string
	Epochs, Batch   int
	TestAccuracy    float64
	ImagesPerSecond float64
	Seconds         float64
}

// String formats the result as the benchmark's last output line.
func (r MNISTResult) String() string {
	return fmt.Sprintf("model=%s data=%s epochs=%d batch=%d test_accuracy=%.4f images_per_s=%.1f seconds=%.0f",
		r.Model, r.Data, r.Epochs, r.Batch, r.TestAccuracy, r.ImagesPerSecond, r.Seconds)
}

// MNIST trains the course's MNIST CNN (pkg/cnn SmallCNN) for the given number of epochs of the
// 60,000 MNIST training images (SGD with momentum 0.9, learning rate 0.05 with a cosine schedule
// when epochs > 1, seed 1) and returns its accuracy on the 10,000 test images. progress, when not
// nil, receives a progress bar. Before loading anything it refuses epochs outside [1, MaxEpochs]
// and a batch outside [1, 60,000] or over MemoryLimit (see checkAccuracyRun).
func MNIST(b backends.Backend, epochs, batch int, progress io.Writer) (MNISTResult, error) {
	model := cnn.NewSmallCNN(10).Logits
	if err := checkAccuracyRun(b, "mnist-cnn", model, [3]int{28, 28, 1}, epochs, batch); err != nil {
		return MNISTResult{}, err
	}
	trainSet, err := datasets.LoadMNIST(datasets.Train)
	if err != nil {
		return MNISTResult{}, err
	}
	testSet, err := datasets.LoadMNIST(datasets.Test)
	if err != nil {
		return MNISTResult{}, err
	}
	ctx := context.New()
	ctx.SetRNGStateFromSeed(1)
	start := time.Now()
	cfg := cnn.TrainConfig{
		Epochs: epochs, BatchSize: batch, Optimizer: cnn.SGD, LearningRate: 0.05, Momentum: 0.9, Seed: 1, Progress: progress,
	}
	if epochs > 1 {
		cfg.Schedule = cnn.Cosine
	}
	h, err := cnn.Train(b, ctx, model, cnn.ExamplesFrom(trainSet), nil, cfg)
	if err != nil {
		return MNISTResult{}, fmt.Errorf("bench: training on MNIST: %w", err)
	}
	seconds := time.Since(start).Seconds()
	ev, err := cnn.Evaluate(b, ctx, model, cnn.ExamplesFrom(testSet), 500)
	if err != nil {
		return MNISTResult{}, fmt.Errorf("bench: evaluating on MNIST: %w", err)
	}
	return MNISTResult{Model: "mnist-cnn", Data: "mnist", Backend: b.Name(), Epochs: epochs, Batch: batch, TestAccuracy: ev.Accuracy,
		ImagesPerSecond: h.ExamplesPerSecond, Seconds: seconds}, nil
}

// checkAccuracyRun refuses, before anything is loaded, an accuracy run (MNIST, Fashion) of model
// on images of the given shape with epochs outside [1, MaxEpochs] or a batch outside [1, 60,000]
// (the training images: a larger batch is not clamped but refused) or whose estimated memory (the
// 70,000 images as float32, the step's batch and cnn.ActivationBytes per image) is over
// MemoryLimit. The errors name the flag, the value and the limit.
func checkAccuracyRun(b backends.Backend, name string, model cnn.ModelFn, shape [3]int, epochs, batch int) error {
	switch {
	case epochs < 1 || batch < 1:
		return fmt.Errorf("bench: --epochs %d and --batch %d must be positive", epochs, batch)
	case epochs > MaxEpochs:
		return fmt.Errorf("bench: --epochs %d is over the limit of %d epochs", epochs, MaxEpochs)
	case batch > trainImages:
		return fmt.Errorf("bench: --batch %d is more than the %d training images, want at most %d", batch, trainImages, trainImages)
	}
	plan, err := trainingPlan(b, name, model, shape, 1, trainImages+testImages)
	if err != nil {
		return err
	}
	limit, source := MemoryLimit()
	return plan.check(batch, limit, source)
}
