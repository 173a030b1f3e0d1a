package metrics

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Model is the classifier: flatten the [batch, 28, 28, 1] images, one dense layer of hidden ReLU
// units, and 10 logits.
func Model(ctx *context.Context, hidden int, images *graph.Node) *graph.Node {
	x := graph.Reshape(images, images.Shape().Dimensions[0], -1)
	x = activations.Relu(layers.Dense(ctx.In("hidden"), x, true, hidden))
	return layers.Dense(ctx.In("logits"), x, true, 10)
}

// classifier is a trained model's output on the test subset.
type classifier struct {
	backend string
	loss    []float64
	labels  []int     // test labels
	probs   []float32 // softmax probabilities, [n, 10]
}

// trainClassifier trains Model on a random subset of trainSet and returns its class
// probabilities on a random subset of testSet.
func trainClassifier(cfg Config, trainSet, testSet *datasets.Images) (*classifier, error) {
	if cfg.TrainSamples > trainSet.N || cfg.TestSamples > testSet.N {
		return nil, fmt.Errorf("metrics lesson: want %d train and %d test images, have %d and %d",
			cfg.TrainSamples, cfg.TestSamples, trainSet.N, testSet.N)
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d657472))
	trainIdx := rng.Perm(trainSet.N)[:cfg.TrainSamples]
	testIdx := rng.Perm(testSet.N)[:cfg.TestSamples]

	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return nil, err
	}
	defer b.Finalize()
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, fmt.Errorf("metrics lesson: seeding: %w", err)
	}
	h, w, c := trainSet.Height, trainSet.Width, trainSet.Channels
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{Model(ctx, cfg.Hidden, inputs[0])}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().LearningRate(cfg.LearningRate).Done(), nil, nil)

	out := &classifier{backend: b.Name()}
	progress.Begin(cfg.Progress, lessons.NewPlan("metrics", cfg.Preset, fmt.Sprintf(
		"a dense classifier (%d hidden units) on %d Fashion-MNIST images, Adam, batch %d; tested on %d images",
		cfg.Hidden, cfg.TrainSamples, cfg.BatchSize, cfg.TestSamples), []progress.Part{{Name: "dense classifier", Steps: cfg.Steps}}))
	defer progress.End(cfg.Progress)
	progress.StartPart(cfg.Progress, "dense classifier")
	labels32 := make([]int32, cfg.BatchSize)
	order := rng.Perm(len(trainIdx))
	pos := 0
	batch := make([]int, cfg.BatchSize)
	for step := range cfg.Steps {
		for k := range batch {
			if pos == len(order) {
				order, pos = rng.Perm(len(trainIdx)), 0
			}
			batch[k] = trainIdx[order[pos]]
			pos++
		}
		pixels, labels := trainSet.Batch(batch)
		for k, l := range labels {
			labels32[k] = int32(l)
		}
		x := tensors.FromFlatDataAndDimensions(pixels, cfg.BatchSize, h, w, c)
		y := tensors.FromFlatDataAndDimensions(labels32, cfg.BatchSize, 1)
		m, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			return nil, fmt.Errorf("metrics lesson: training step %d: %w", step, err)
		}
		out.loss = append(out.loss, float64(tensors.ToScalar[float32](m[0])))
		if !progress.Step(cfg.Progress, out.loss[step]) && cfg.Progress != nil && (step%100 == 0 || step == cfg.Steps-1) {
			fmt.Fprintf(cfg.Progress, "metrics: step %d/%d loss %.4f\n", step+1, cfg.Steps, out.loss[step])
		}
	}

	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return graph.Softmax(Model(ctx, cfg.Hidden, x))
	})
	if err != nil {
		return nil, fmt.Errorf("metrics lesson: building the evaluation graph: %w", err)
	}
	pixels, labels := testSet.Batch(testIdx)
	res, err := exec.Exec1(tensors.FromFlatDataAndDimensions(pixels, len(testIdx), h, w, c))
	if err != nil {
		return nil, fmt.Errorf("metrics lesson: evaluating: %w", err)
	}
	out.probs, err = tensors.CopyFlatData[float32](res)
	if err != nil {
		return nil, fmt.Errorf("metrics lesson: reading probabilities: %w", err)
	}
	out.labels = labels
	return out, nil
}
