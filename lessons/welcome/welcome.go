package welcome

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/cvlessons/cvlessons/lessons"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/plot"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Config sizes a run of the lesson.
type Config struct {
	// Seed fixes the data and the initial weights.
	Seed int64
	// Points is the number of training points; as many again are drawn for the test set.
	Points int
	// Noise is the standard deviation of the Gaussian noise added to each coordinate.
	Noise float64
	// Hidden is the width of each of the two hidden layers.
	Hidden int
	// Steps is the number of Adam steps, each over all training points.
	Steps int
	// LearningRate is Adam's step size.
	LearningRate float64
	// OutDir, when not empty, receives loss.png.
	OutDir string `json:"-"`
	// Progress, when not nil, receives the plan and the progress (a *progress.Meter draws a bar).
	Progress io.Writer `json:"-"`
	// Preset names the preset the configuration came from ("" once edited by hand is fine: it only
	// picks the committed run the time estimate comes from).
	Preset lessons.Preset `json:"preset,omitempty"`
}

// Class is the default preset: 1,024 points, 600 steps; seconds on two CPU cores.
func Class() Config {
	return Config{Seed: 1, Points: 1024, Noise: 0.1, Hidden: 32, Steps: 600, LearningRate: 0.02, Preset: lessons.Class}
}

// Quick is the preset for tests and CI: a few seconds on two CPU cores.
func Quick() Config {
	return Config{Seed: 1, Points: 256, Noise: 0.1, Hidden: 16, Steps: 150, LearningRate: 0.05, Preset: lessons.Quick}
}

// Full is the opt-in preset: four times the points, wider layers and more steps; still well under
// a minute on a laptop.
func Full() Config {
	return Config{Seed: 1, Points: 4096, Noise: 0.1, Hidden: 64, Steps: 1500, LearningRate: 0.01, Preset: lessons.Full}
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

// Report holds what a run measured.
type Report struct {
	// Backend is the GoMLX backend that ran the model ("go", "xla", ...).
	Backend string `json:"backend"`
	// Points and Steps repeat the configuration.
	Points int `json:"points"`
	Steps  int `json:"steps"`
	// Loss is the training loss before each step, Loss[0] being the untrained model's.
	Loss []float64 `json:"loss"`
	// TestAccuracy is the fraction of test points classified correctly after training.
	TestAccuracy float64 `json:"test_accuracy"`
	// Seconds is the wall-clock training time, graph compilation included.
	Seconds float64 `json:"seconds"`
	// FigurePaths lists the PNG files written to Config.OutDir.
	FigurePaths []string `json:"figures,omitempty"`
}

// Summary implements lessons.Result.
func (r Report) Summary() string {
	return fmt.Sprintf("welcome: %d steps on %d points with backend %q in %.1fs: loss %.3f to %.3f, test accuracy %.1f%%",
		r.Steps, r.Points, r.Backend, r.Seconds, r.Loss[0], r.Loss[len(r.Loss)-1], 100*r.TestAccuracy)
}

// Figures implements lessons.Result.
func (r Report) Figures() []string { return r.FigurePaths }

// LossFigure draws the training loss per step.
func (r Report) LossFigure() (*plot.Figure, error) {
	return plot.Lines(plot.Labels{Title: "Training loss (binary cross-entropy)", X: "step", Y: "loss"},
		[]plot.Series{{Name: "train", Y: r.Loss}})
}

// Entry is the lesson's line in the CLI catalogue.
func Entry() lessons.Entry {
	return lessons.Entry{
		Name:     "welcome",
		Title:    "a dense network learns two moons: the whole training loop once",
		Notebook: "00-welcome.ipynb",
		Run: func(opts lessons.Options) (lessons.Result, error) {
			cfg := ConfigFor(opts.Preset)
			cfg.OutDir, cfg.Progress = opts.OutDir, opts.Progress
			return Run(cfg)
		},
	}
}

// Model is the network: two dense layers of cfg.Hidden units with ReLU, then one logit per point.
func Model(ctx *context.Context, hidden int, points *graph.Node) *graph.Node {
	x := points
	for i := range 2 {
		x = layers.Dense(ctx.In(fmt.Sprintf("hidden%d", i)), x, true, hidden)
		x = activations.Relu(x)
	}
	return layers.Dense(ctx.In("logit"), x, true, 1)
}

// Run trains the model on backend.New() and reports the loss curve and the test accuracy.
func Run(cfg Config) (Report, error) {
	if cfg.Points < 2 || cfg.Steps < 1 || cfg.Hidden < 1 {
		return Report{}, fmt.Errorf("welcome: config has %d points, %d steps, %d hidden units; want >= 2, >= 1, >= 1", cfg.Points, cfg.Steps, cfg.Hidden)
	}
	b, err := backend.NewLogged(cfg.Progress)
	if err != nil {
		return Report{}, err
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6f6f6e))
	trainX, trainY := Moons(cfg.Points, cfg.Noise, rng)
	testX, testY := Moons(cfg.Points, cfg.Noise, rng)

	start := time.Now()
	ctx := context.New()
	if err := ctx.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return Report{}, fmt.Errorf("welcome: seeding: %w", err)
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{Model(ctx, cfg.Hidden, inputs[0])}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, losses.BinaryCrossentropyLogits,
		optimizers.Adam().LearningRate(cfg.LearningRate).Done(), nil, nil)
	x := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(trainX, cfg.Points, 2)}
	y := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(trainY, cfg.Points, 1)}

	r := Report{Backend: b.Name(), Points: cfg.Points, Steps: cfg.Steps}
	progress.Begin(cfg.Progress, lessons.NewPlan("welcome", cfg.Preset,
		fmt.Sprintf("a dense net (2 x %d ReLU units) on %d two-moons points, full-batch Adam", cfg.Hidden, cfg.Points),
		[]progress.Part{{Name: "dense net", Steps: cfg.Steps}}))
	defer progress.End(cfg.Progress)
	progress.StartPart(cfg.Progress, "dense net")
	for step := range cfg.Steps {
		metrics, err := trainer.TrainStep(nil, x, y)
		if err != nil {
			return Report{}, fmt.Errorf("welcome: training step %d: %w", step, err)
		}
		r.Loss = append(r.Loss, float64(tensors.ToScalar[float32](metrics[0])))
		if !progress.Step(cfg.Progress, r.Loss[step]) && cfg.Progress != nil && (step%50 == 0 || step == cfg.Steps-1) {
			fmt.Fprintf(cfg.Progress, "welcome: step %d/%d loss %.4f\n", step+1, cfg.Steps, r.Loss[step])
		}
	}
	acc, err := accuracy(b, ctx, cfg.Hidden, testX, testY)
	if err != nil {
		return Report{}, err
	}
	r.TestAccuracy = acc
	r.Seconds = time.Since(start).Seconds()
	if cfg.OutDir != "" {
		if err := r.write(cfg.OutDir); err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// accuracy classifies the points with the trained weights in ctx and compares with labels.
func accuracy(b backends.Backend, ctx *context.Context, hidden int, points, labels []float32) (float64, error) {
	n := len(labels)
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return Model(ctx, hidden, x)
	})
	if err != nil {
		return 0, fmt.Errorf("welcome: building the evaluation graph: %w", err)
	}
	out, err := exec.Exec1(tensors.FromFlatDataAndDimensions(points, n, 2))
	if err != nil {
		return 0, fmt.Errorf("welcome: evaluating: %w", err)
	}
	logits, err := tensors.CopyFlatData[float32](out)
	if err != nil {
		return 0, fmt.Errorf("welcome: reading logits: %w", err)
	}
	correct := 0
	for i, l := range logits {
		if (l > 0) == (labels[i] == 1) {
			correct++
		}
	}
	return float64(correct) / float64(n), nil
}

// write saves loss.png into dir, creating it if needed.
func (r *Report) write(dir string) error {
	fig, err := r.LossFigure()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("welcome: %w", err)
	}
	path := filepath.Join(dir, "loss.png")
	if err := fig.Save(path); err != nil {
		return err
	}
	r.FigurePaths = append(r.FigurePaths, path)
	return nil
}
