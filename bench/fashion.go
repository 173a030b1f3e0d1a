package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// FashionModels are the networks Fashion accepts.
var FashionModels = []string{"vgg11-narrow-bn", "resnet20"}

// FashionConfig sets up a Fashion run.
type FashionConfig struct {
	// Model is one of FashionModels: the narrow VGG-11 with BatchNorm (cnn.NarrowVGG11) or the
	// ResNet paper's CIFAR ResNet-20 (cnn.NewCIFARResNet(20, 10)).
	Model string
	// Epochs and Batch size the training (Adam, learning rate 1e-3, cosine schedule, seed 1).
	Epochs, Batch int
	// Augment trains on random shifts of up to 2 pixels (pad and crop) and horizontal flips, the
	// usual augmentation for Fashion-MNIST.
	Augment bool
}

// Fashion trains cfg.Model on the 60,000 Fashion-MNIST training images and returns its accuracy on
// the 10,000 test images, for the Fashion-MNIST accuracy targets. VGG sees the images centred
// in 32x32, so that its five poolings fit; ResNet-20 sees them at 28x28 (its global average pooling
// takes any size). progress, when not nil, receives a progress bar and each epoch's test accuracy
// (measured for the record only: nothing is chosen by it). Before loading anything it refuses
// epochs and batches out of range, as MNIST does.
func Fashion(b backends.Backend, cfg FashionConfig, progress io.Writer) (MNISTResult, error) {
	var model cnn.ModelFn
	side := 32
	switch cfg.Model {
	case "vgg11-narrow-bn":
		v := cnn.NarrowVGG11(10)
		v.BatchNorm = true
		model = v.Logits
	case "resnet20":
		model, side = cnn.NewCIFARResNet(20, 10).Logits, 28
	default:
		return MNISTResult{}, fmt.Errorf("bench: unknown Fashion-MNIST model %q, want one of %v", cfg.Model, FashionModels)
	}
	if err := checkAccuracyRun(b, cfg.Model, model, [3]int{side, side, 1}, cfg.Epochs, cfg.Batch); err != nil {
		return MNISTResult{}, err
	}
	trainSet, err := datasets.LoadFashionMNIST(datasets.Train)
	if err != nil {
		return MNISTResult{}, err
	}
	testSet, err := datasets.LoadFashionMNIST(datasets.Test)
	if err != nil {
		return MNISTResult{}, err
	}
	tc := cnn.TrainConfig{Epochs: cfg.Epochs, BatchSize: cfg.Batch, Optimizer: cnn.Adam, LearningRate: 1e-3,
		Schedule: cnn.Cosine, Seed: 1, EvalBatchSize: 500, Progress: progress}
	data := "fashion-mnist"
	if cfg.Augment {
		tc.Augment = augment.ShiftFlip(side, side, 2)
		data += "+shift+flip"
	}
	ctx := context.New()
	ctx.SetRNGStateFromSeed(1)
	start := time.Now()
	train, test := cnn.ExamplesFrom(trainSet).Padded(side, side), cnn.ExamplesFrom(testSet).Padded(side, side)
	h, err := cnn.Train(b, ctx, model, train, test, tc)
	if err != nil {
		return MNISTResult{}, fmt.Errorf("bench: training %s on Fashion-MNIST: %w", cfg.Model, err)
	}
	// Train evaluated the final model on the test images after the last epoch.
	return MNISTResult{Model: cfg.Model, Data: data, Backend: b.Name(), Epochs: cfg.Epochs, Batch: cfg.Batch,
		TestAccuracy: h.Epochs[len(h.Epochs)-1].ValAccuracy, ImagesPerSecond: h.ExamplesPerSecond,
		Seconds: time.Since(start).Seconds()}, nil
}
