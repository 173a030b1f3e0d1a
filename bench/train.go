package bench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// TrainResult is one throughput measurement.
type TrainResult struct {
	Model           string
	Backend         string
	Batch, Steps    int
	ImagesPerSecond float64
	PeakRSSMiB      float64
}

// String formats the result as the benchmark's last output line.
func (r TrainResult) String() string {
	return fmt.Sprintf("model=%s batch=%d images_per_s=%.1f peak_rss_mb=%.1f", r.Model, r.Batch, r.ImagesPerSecond, r.PeakRSSMiB)
}

// Models lists the reference nets by name.
var Models = []string{"mnist-cnn", "resnet20", "vgg11-narrow"}

// model returns the network and its input size (height, width, channels).
func model(name string) (cnn.ModelFn, [3]int, error) {
	switch name {
	case "mnist-cnn":
		return cnn.NewSmallCNN(10).Logits, [3]int{28, 28, 1}, nil
	case "resnet20":
		r := cnn.NewCIFARResNet(20, 10)
		r.Shortcut = cnn.Projection
		return r.Logits, [3]int{32, 32, 3}, nil
	case "vgg11-narrow":
		return cnn.NarrowVGG11(10).Logits, [3]int{32, 32, 1}, nil
	}
	return nil, [3]int{}, fmt.Errorf("bench: unknown model %q, want one of %s", name, strings.Join(Models, ", "))
}

// Train trains the named model on b for steps timed steps of batch random images, after two
// warm-up steps, and returns the throughput. Before allocating anything it refuses steps outside
// [1, MaxSteps] and a batch outside [1, the largest that fits in MemoryLimit], estimated from the
// two batches of random images it keeps, the step's own copy and cnn.ActivationBytes:
//
//	bench: --batch 100000000 needs 66701123200000 bytes (66.7 TB; 667.0 kB per image: 657.6 kB of
//	mnist-cnn activations and 3 host copies of the 28x28x1 input), over the limit of 25276194816
//	bytes (25.3 GB; the machine's memory, MemTotal in /proc/meminfo); use a smaller --batch
func Train(b backends.Backend, name string, batch, steps int) (TrainResult, error) {
	fn, shape, err := model(name)
	if err != nil {
		return TrainResult{}, err
	}
	if batch < 1 || steps < 1 {
		return TrainResult{}, fmt.Errorf("bench: --batch %d and --steps %d must be positive", batch, steps)
	}
	if steps > MaxSteps {
		return TrainResult{}, fmt.Errorf("bench: --steps %d is over the limit of %d timed steps", steps, MaxSteps)
	}
	const warmup = 2
	plan, err := trainingPlan(b, name, fn, shape, warmup+1, 0)
	if err != nil {
		return TrainResult{}, err
	}
	limit, source := MemoryLimit()
	if err := plan.check(batch, limit, source); err != nil {
		return TrainResult{}, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Two batches per epoch: the first epoch warms up, the next ones are timed.
	data := &cnn.Examples{N: warmup * batch, Height: shape[0], Width: shape[1], Channels: shape[2]}
	data.Pixels = make([]float32, data.N*shape[0]*shape[1]*shape[2])
	for i := range data.Pixels {
		data.Pixels[i] = rng.Float32()
	}
	data.Labels = make([]int, data.N)
	for i := range data.Labels {
		data.Labels[i] = rng.IntN(10)
	}
	ctx := context.New()
	ctx.SetRNGStateFromSeed(1)
	timedEpochs := (steps + warmup - 1) / warmup
	h, err := cnn.Train(b, ctx, fn, data, nil, cnn.TrainConfig{
		Epochs: 1 + timedEpochs, BatchSize: batch, Optimizer: cnn.SGD, LearningRate: 0.01, Momentum: 0.9, Seed: 1,
	})
	if err != nil {
		return TrainResult{}, fmt.Errorf("bench: training %s: %w", name, err)
	}
	var images, seconds float64
	for _, e := range h.Epochs[1:] {
		images += float64(e.Steps * batch)
		seconds += e.Seconds
	}
	return TrainResult{Model: name, Backend: b.Name(), Batch: batch, Steps: timedEpochs * warmup,
		ImagesPerSecond: images / seconds, PeakRSSMiB: peakRSSMiB()}, nil
}

// peakRSSMiB reads the process's peak resident set size (Linux), or returns 0 where unavailable.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
