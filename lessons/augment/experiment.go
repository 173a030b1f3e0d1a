package augment

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	aug "github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Arm is one side of the experiment: a training set and what training measured on it.
type Arm struct {
	// Name is "no augmentation" or "random shifts".
	Name string `json:"name"`
	// TrainImages is the number of images the network saw per pass (originals times views).
	TrainImages int `json:"train_images"`
	// Steps is the number of optimizer steps, equal for both arms.
	Steps int `json:"steps"`
	// Curve is the validation accuracy measured every EvalEvery steps.
	Curve []cnn.EvalPoint `json:"curve"`
	// FinalTrainAccuracy is the last epoch's mean mini-batch accuracy on its own training data.
	FinalTrainAccuracy float64 `json:"final_train_accuracy"`
	// ValAccuracy is the validation accuracy after the last step.
	ValAccuracy float64 `json:"val_accuracy"`
	// Seconds is the wall-clock training time.
	Seconds float64 `json:"seconds"`
}

// trainTransform is the experiment's augmentation of a 28x28 MNIST digit: pad 2 pixels and crop 28x28
// at a random position, i.e. shifts of up to 2 pixels. No flip: a mirrored digit is not the same digit.
func trainTransform() aug.Compose {
	return aug.Compose{
		aug.RandomCrop{Size: 28, Padding: 2},
	}
}

// augmentedViews returns views copies of every image of d, each drawn with trainTransform from its
// own random source (seed, view, index), in parallel.
func augmentedViews(d *cnn.Examples, views int, seed uint64, workers int) *cnn.Examples {
	size := d.Height * d.Width * d.Channels
	samples := make([]aug.Sample, d.N)
	for i := range d.N {
		samples[i] = aug.Sample{Image: &aug.Image{Pix: d.Pixels[i*size : (i+1)*size], Height: d.Height, Width: d.Width, Channels: d.Channels}}
	}
	out := &cnn.Examples{N: d.N * views, Height: d.Height, Width: d.Width, Channels: d.Channels}
	out.Pixels = make([]float32, 0, out.N*size)
	out.Labels = make([]int, 0, out.N)
	t := trainTransform()
	for v := range views {
		for i, s := range aug.ApplyAll(t, samples, seed, v, workers) {
			out.Pixels = append(out.Pixels, s.Image.Pix...)
			out.Labels = append(out.Labels, d.Labels[i])
		}
	}
	return out
}

// mnistSubsets draws n training images (uniformly, seeded) from MNIST's training split and the
// first nVal images of its test split.
func mnistSubsets(n, nVal int, seed uint64) (trainSet, val *cnn.Examples, err error) {
	tr, err := datasets.LoadMNIST(datasets.Train)
	if err != nil {
		return nil, nil, err
	}
	te, err := datasets.LoadMNIST(datasets.Test)
	if err != nil {
		return nil, nil, err
	}
	if n > tr.N || nVal > te.N {
		return nil, nil, fmt.Errorf("augment: want %d training and %d validation images, MNIST has %d and %d", n, nVal, tr.N, te.N)
	}
	perm := rand.New(rand.NewPCG(seed, 0x66617368)).Perm(tr.N)[:n]
	toExamples := func(d *datasets.Images, idx []int) *cnn.Examples {
		px, lb := d.Batch(idx)
		return &cnn.Examples{Pixels: px, Labels: lb, N: len(idx), Height: d.Height, Width: d.Width, Channels: d.Channels}
	}
	valIdx := make([]int, nVal)
	for i := range valIdx {
		valIdx[i] = i
	}
	return toExamples(tr, perm), toExamples(te, valIdx), nil
}

// trainArm trains a fresh SmallCNN (same seed for both arms) on set for the given number of steps.
func trainArm(b backends.Backend, name string, set, val *cnn.Examples, cfg Config, steps int, w io.Writer) (Arm, error) {
	progress.StartPart(w, name)
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return Arm{}, fmt.Errorf("augment: seeding: %w", err)
	}
	model := cnn.ModelFn(Model)
	start := time.Now()
	h, err := cnn.Train(b, ctx, model, set, val, cnn.TrainConfig{
		Steps:         steps,
		BatchSize:     cfg.BatchSize,
		Optimizer:     cnn.Adam,
		LearningRate:  cfg.LearningRate,
		Seed:          int64(cfg.Seed),
		EvalEvery:     cfg.EvalEvery,
		EvalBatchSize: 250,
		Progress:      w,
	})
	if err != nil {
		return Arm{}, fmt.Errorf("augment: training %q: %w", name, err)
	}
	arm := Arm{Name: name, TrainImages: set.N, Steps: steps, Curve: h.Evals, Seconds: time.Since(start).Seconds()}
	if n := len(h.Epochs); n > 0 {
		arm.FinalTrainAccuracy = h.Epochs[n-1].TrainAccuracy
	}
	ev, err := cnn.Evaluate(b, ctx, model, val, 250)
	if err != nil {
		return Arm{}, fmt.Errorf("augment: evaluating %q: %w", name, err)
	}
	arm.ValAccuracy = ev.Accuracy
	return arm, nil
}
