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

// FashionVGG trains the narrow VGG-11 with BatchNorm (pkg/cnn NarrowVGG11) on the 60,000
// Fashion-MNIST training images, centred in 32x32, for the given epochs (Adam, learning rate 1e-3,
// cosine schedule, seed 1, no augmentation) and returns its accuracy on the 10,000 test
// images, for the Fashion-MNIST accuracy target.
func FashionVGG(b backends.Backend, epochs, batch int, progress io.Writer) (MNISTResult, error) {
	trainSet, err := datasets.LoadFashionMNIST(datasets.Train)
	if err != nil {
		return MNISTResult{}, err
	}
	testSet, err := datasets.LoadFashionMNIST(datasets.Test)
	if err != nil {
		return MNISTResult{}, err
	}
	v := cnn.NarrowVGG11(10)
	v.BatchNorm = true
	ctx := context.New()
	ctx.SetRNGStateFromSeed(1)
	start := time.Now()
	h, err := cnn.Train(b, ctx, v.Logits, cnn.ExamplesFrom(trainSet).Padded(32, 32), nil, cnn.TrainConfig{
		Epochs: epochs, BatchSize: batch, Optimizer: cnn.Adam, LearningRate: 1e-3, Schedule: cnn.Cosine, Seed: 1, Progress: progress,
	})
	if err != nil {
		return MNISTResult{}, fmt.Errorf("bench: training on Fashion-MNIST: %w", err)
	}
	seconds := time.Since(start).Seconds()
	ev, err := cnn.Evaluate(b, ctx, v.Logits, cnn.ExamplesFrom(testSet).Padded(32, 32), 500)
	if err != nil {
		return MNISTResult{}, fmt.Errorf("bench: evaluating on Fashion-MNIST: %w", err)
	}
	return MNISTResult{Model: "vgg11-narrow-bn", Data: "fashion-mnist", Backend: b.Name(), Epochs: epochs, Batch: batch,
		TestAccuracy: ev.Accuracy, ImagesPerSecond: h.ExamplesPerSecond, Seconds: seconds}, nil
}
