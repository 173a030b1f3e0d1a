package cnn

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

// blobs returns n images of 1 x features x 1 in classes well-separated clusters (seeded).
func blobs(n, features, classes int, seed uint64) *Examples {
	rng := rand.New(rand.NewPCG(seed, 1))
	e := &Examples{Pixels: make([]float32, n*features), Labels: make([]int, n), N: n, Height: 1, Width: features, Channels: 1}
	for i := range n {
		c := rng.IntN(classes)
		e.Labels[i] = c
		for f := range features {
			center := float32(0.2)
			if f%classes == c {
				center = 0.8
			}
			e.Pixels[i*features+f] = center + float32(rng.NormFloat64()*0.08)
		}
	}
	return e
}

// linearCtx returns a context whose "out" dense layer (4 -> 3) has the weights of
// testdata/optimizer_reference.py (transposed to [in, out]) and zero biases.
func linearCtx() *context.Context {
	ctx := context.New()
	w0 := [][]float32{{0.1, -0.2, 0.3, 0.0}, {0.05, 0.1, -0.1, 0.2}, {-0.3, 0.2, 0.1, 0.1}} // torch [out, in]
	w := make([][]float32, 4)
	for i := range w {
		w[i] = []float32{w0[0][i], w0[1][i], w0[2][i]}
	}
	ctx.InAbsPath("/out/dense").VariableWithValue("weights", w)
	ctx.InAbsPath("/out/dense").VariableWithValue("biases", []float32{0, 0, 0})
	return ctx
}

// referenceBatch is the fixed batch of testdata/optimizer_reference.py.
func referenceBatch() *Examples {
	return &Examples{Pixels: []float32{0.1, 0.2, 0.3, 0.4, 0.9, 0.1, 0.5, 0.0}, Labels: []int{2, 0}, N: 2, Height: 1, Width: 4, Channels: 1}
}

func TestOptimizerMatchesPyTorch(t *testing.T) {
	b := testBackend(t)
	// Expected: PyTorch 1.13, testdata/optimizer_reference.py (3 steps on one batch).
	tests := []struct {
		name  string
		cfg   TrainConfig
		wantW []float32
		wantB []float32
	}{
		{"sgd momentum 0.9 wd 0.01 lr 0.5", TrainConfig{Steps: 3, BatchSize: 2, Optimizer: SGD, LearningRate: 0.5, Momentum: 0.9, WeightDecay: 0.01},
			[]float32{0.721591, -0.322115, -0.545286, -0.216161, -0.018779, 0.332146, 0.520578, -0.399955, 0.170998, -0.192966, 0.036025, 0.448561},
			[]float32{0.264948, -0.763885, 0.498937}},
		{"adam lr 0.1", TrainConfig{Steps: 3, BatchSize: 2, Optimizer: Adam, LearningRate: 0.1},
			[]float32{0.397292, -0.243257, -0.600276, -0.486595, -0.194575, 0.498395, 0.594393, -0.393924, 0.392337, -0.300294, -0.095251, 0.398859},
			[]float32{0.285601, -0.29421, 0.297437}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := linearCtx()
			model := (&MLP{NumClasses: 3}).Logits
			h, err := Train(b, ctx, model, referenceBatch(), nil, tc.cfg)
			if err != nil {
				t.Fatalf("Train: %v", err)
			}
			if len(h.StepLoss) != 3 {
				t.Errorf("len(StepLoss) = %d, want 3", len(h.StepLoss))
			}
			for name, want := range map[string][]float32{"weights": tc.wantW, "biases": tc.wantB} {
				got := tensors.MustCopyFlatData[float32](ctx.InspectVariable("/out/dense", name).MustValue())
				for i := range want {
					if math.Abs(float64(got[i]-want[i])) > 2e-5 {
						t.Errorf("%s[%d] = %.6f, want %.6f (PyTorch)", name, i, got[i], want[i])
					}
				}
			}
		})
	}
}

func TestTrainLearnsAndRecordsHistory(t *testing.T) {
	b := testBackend(t)
	trainSet, val := blobs(256, 6, 3, 1), blobs(96, 6, 3, 2)
	for _, opt := range []Optimizer{SGD, Adam} {
		t.Run(opt.String(), func(t *testing.T) {
			ctx := context.New()
			if err := ctx.SetRNGStateFromSeed(7); err != nil {
				t.Fatal(err)
			}
			var progress bytes.Buffer
			lr := 0.1
			if opt == Adam {
				lr = 0.03
			}
			cfg := TrainConfig{Epochs: 4, BatchSize: 32, Optimizer: opt, LearningRate: lr, Momentum: 0.9, Schedule: Cosine,
				Seed: 3, Progress: &progress, EvalEvery: 4}
			model := (&MLP{Hidden: []int{16}, NumClasses: 3}).Logits
			h, err := Train(b, ctx, model, trainSet, val, cfg)
			if err != nil {
				t.Fatalf("Train: %v", err)
			}
			if len(h.Epochs) != 4 || len(h.StepLoss) != 4*8 || len(h.Evals) != 8 {
				t.Fatalf("history has %d epochs, %d step losses, %d evals; want 4, 32, 8", len(h.Epochs), len(h.StepLoss), len(h.Evals))
			}
			first, last := h.Epochs[0], h.Epochs[3]
			if !(last.TrainLoss < first.TrainLoss) {
				t.Errorf("train loss did not fall: epoch 1 %.4f, epoch 4 %.4f", first.TrainLoss, last.TrainLoss)
			}
			if last.ValAccuracy < 0.9 {
				t.Errorf("val accuracy after 4 epochs = %.3f, want >= 0.9 on separable blobs", last.ValAccuracy)
			}
			if h.ExamplesPerSecond <= 0 || last.ExamplesPerSecond <= 0 {
				t.Errorf("throughput not recorded: %v, %v", h.ExamplesPerSecond, last.ExamplesPerSecond)
			}
			if !(last.LearningRate < first.LearningRate) {
				t.Errorf("cosine schedule: epoch 4 lr %g not below epoch 1 lr %g", last.LearningRate, first.LearningRate)
			}
			if out := progress.String(); !strings.Contains(out, "epoch 4: train loss") || !strings.Contains(out, "val loss") {
				t.Errorf("progress output lacks epoch lines: %q", out)
			}
			ev, err := Evaluate(b, ctx, model, val, 40)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(ev.Accuracy-last.ValAccuracy) > 1e-9 || len(ev.Predictions) != val.N {
				t.Errorf("Evaluate accuracy %.4f (%d predictions), history %.4f (%d examples)", ev.Accuracy, len(ev.Predictions), last.ValAccuracy, val.N)
			}
		})
	}
}

func TestTargetAccuracyStopsEarly(t *testing.T) {
	b := testBackend(t)
	ctx := context.New()
	trainSet, val := blobs(256, 6, 3, 1), blobs(64, 6, 3, 2)
	cfg := TrainConfig{Epochs: 20, BatchSize: 16, Optimizer: Adam, LearningRate: 0.01, EvalEvery: 2, TargetAccuracy: 0.9, Seed: 1}
	h, err := Train(b, ctx, (&MLP{Hidden: []int{16}, NumClasses: 3}).Logits, trainSet, val, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if h.StepsToTarget <= 0 || h.StepsToTarget >= 20*16 || len(h.StepLoss) != h.StepsToTarget {
		t.Errorf("StepsToTarget = %d after %d steps; want early stop in (0, 320) at the last step", h.StepsToTarget, len(h.StepLoss))
	}
	if last := h.Evals[len(h.Evals)-1]; last.Accuracy < 0.9 {
		t.Errorf("stopped at accuracy %.3f, want >= 0.9", last.Accuracy)
	}
}

func TestTrainStopsOnNaN(t *testing.T) {
	b := testBackend(t)
	ctx := context.New()
	cfg := TrainConfig{Steps: 20, BatchSize: 2, Optimizer: SGD, LearningRate: 1e38}
	_, err := Train(b, ctx, (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits, blobs(16, 4, 3, 1), nil, cfg)
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "learning rate 1e+38") {
		t.Errorf("Train with learning rate 1e38: err = %v, want a divergence error naming the learning rate", err)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	b := testBackend(t)
	good := blobs(8, 4, 2, 1)
	bad := blobs(8, 4, 2, 1)
	bad.Labels = bad.Labels[:7]
	model := (&MLP{NumClasses: 2}).Logits
	tests := []struct {
		name string
		data *Examples
		cfg  TrainConfig
		want string
	}{
		{"label count", bad, TrainConfig{Epochs: 1, BatchSize: 4, LearningRate: 0.1}, "7 labels for N=8"},
		{"no batch size", good, TrainConfig{Epochs: 1, LearningRate: 0.1}, "BatchSize"},
		{"no length", good, TrainConfig{BatchSize: 4, LearningRate: 0.1}, "Epochs or Steps"},
	}
	for _, tc := range tests {
		_, err := Train(b, context.New(), model, tc.data, nil, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cnn: ") {
			t.Errorf("%s: err = %v, want a cnn error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestTrainConfigHostile gives Train hyperparameters a careless or hostile caller could pass
// (issue 17: a NaN learning rate trained to all-NaN weights with no error). Each bad one must be
// refused before the first step, naming the field and the value, with the variables untouched;
// the boundary values just inside each range must train.
func TestTrainConfigHostile(t *testing.T) {
	b := testBackend(t)
	nan, inf := math.NaN(), math.Inf(1)
	base := TrainConfig{Steps: 1, BatchSize: 2, Optimizer: SGD, LearningRate: 0.1}
	with := func(change func(*TrainConfig)) TrainConfig { c := base; change(&c); return c }
	tests := []struct {
		name string
		cfg  TrainConfig
		want string // "" when training must succeed
	}{
		{"learning rate NaN", with(func(c *TrainConfig) { c.LearningRate = nan }), "TrainConfig.LearningRate is NaN, want a finite number > 0"},
		{"learning rate +Inf", with(func(c *TrainConfig) { c.LearningRate = inf }), "TrainConfig.LearningRate is +Inf"},
		{"learning rate -Inf", with(func(c *TrainConfig) { c.LearningRate = -inf }), "TrainConfig.LearningRate is -Inf"},
		{"learning rate 0", with(func(c *TrainConfig) { c.LearningRate = 0 }), "TrainConfig.LearningRate is 0"},
		{"learning rate -0.1", with(func(c *TrainConfig) { c.LearningRate = -0.1 }), "TrainConfig.LearningRate is -0.1"},
		{"learning rate 1e39 (+Inf in float32)", with(func(c *TrainConfig) { c.LearningRate = 1e39 }), "TrainConfig.LearningRate is 1e+39"},
		{"learning rate 1e-46 (0 in float32)", with(func(c *TrainConfig) { c.LearningRate = 1e-46 }), "TrainConfig.LearningRate is 1e-46, want one that is not 0 in float32"},
		{"learning rate smallest float32", with(func(c *TrainConfig) { c.LearningRate = math.SmallestNonzeroFloat32 }), ""},
		{"momentum NaN", with(func(c *TrainConfig) { c.Momentum = nan }), "TrainConfig.Momentum is NaN, want a number in [0, 1)"},
		{"momentum -0.1", with(func(c *TrainConfig) { c.Momentum = -0.1 }), "TrainConfig.Momentum is -0.1"},
		{"momentum 1", with(func(c *TrainConfig) { c.Momentum = 1 }), "TrainConfig.Momentum is 1"},
		{"momentum one ulp below 1", with(func(c *TrainConfig) { c.Momentum = math.Nextafter(1, 0) }), ""},
		{"weight decay NaN", with(func(c *TrainConfig) { c.WeightDecay = nan }), "TrainConfig.WeightDecay is NaN"},
		{"weight decay +Inf", with(func(c *TrainConfig) { c.WeightDecay = inf }), "TrainConfig.WeightDecay is +Inf"},
		{"weight decay -1e-4", with(func(c *TrainConfig) { c.WeightDecay = -1e-4 }), "TrainConfig.WeightDecay is -0.0001, want a finite number >= 0"},
		{"weight decay 0", with(func(c *TrainConfig) { c.WeightDecay = 0 }), ""},
		{"batch size 0", with(func(c *TrainConfig) { c.BatchSize = 0 }), "TrainConfig.BatchSize is 0, want > 0"},
		{"batch size -1", with(func(c *TrainConfig) { c.BatchSize = -1 }), "TrainConfig.BatchSize is -1"},
		{"batch size above the data (all of it)", with(func(c *TrainConfig) { c.BatchSize = math.MaxInt }), ""},
		{"no epochs or steps", with(func(c *TrainConfig) { c.Steps = 0 }), "needs Epochs or Steps > 0"},
		{"steps -1", with(func(c *TrainConfig) { c.Steps = -1; c.Epochs = 1 }), "TrainConfig.Steps is -1"},
		{"epochs -1", with(func(c *TrainConfig) { c.Steps = 0; c.Epochs = -1 }), "TrainConfig.Epochs is -1"},
		{"epochs overflow the step count", with(func(c *TrainConfig) { c.Steps = 0; c.Epochs = math.MaxInt }), "epochs of 2 steps overflow the step count"},
		{"optimizer 7", with(func(c *TrainConfig) { c.Optimizer = 7 }), "TrainConfig.Optimizer is Optimizer(7), want SGD or Adam"},
		{"schedule 9", with(func(c *TrainConfig) { c.Schedule = 9 }), "TrainConfig.Schedule is Schedule(9)"},
		{"step decay without a step size", with(func(c *TrainConfig) { c.Schedule = StepDecay; c.Gamma = 0.1 }), "TrainConfig.StepSize is 0"},
		{"step decay gamma NaN", with(func(c *TrainConfig) { c.Schedule = StepDecay; c.StepSize = 1; c.Gamma = nan }), "TrainConfig.Gamma is NaN"},
		{"step decay gamma 0", with(func(c *TrainConfig) { c.Schedule = StepDecay; c.StepSize = 1 }), "TrainConfig.Gamma is 0"},
		{"step decay gamma 1", with(func(c *TrainConfig) { c.Schedule = StepDecay; c.StepSize = 1; c.Gamma = 1 }), ""},
		{"eval every -1", with(func(c *TrainConfig) { c.EvalEvery = -1 }), "TrainConfig.EvalEvery is -1"},
		{"eval batch size -1", with(func(c *TrainConfig) { c.EvalBatchSize = -1 }), "TrainConfig.EvalBatchSize is -1"},
		{"target accuracy NaN", with(func(c *TrainConfig) { c.TargetAccuracy = nan }), "TrainConfig.TargetAccuracy is NaN"},
		{"target accuracy 1.5", with(func(c *TrainConfig) { c.TargetAccuracy = 1.5 }), "TrainConfig.TargetAccuracy is 1.5, want a number in [0, 1]"},
		{"target accuracy 1", with(func(c *TrainConfig) { c.TargetAccuracy = 1 }), ""},
		{"learning-rate scale NaN", with(func(c *TrainConfig) { c.LRScale = func(*context.Variable) float64 { return nan } }), "TrainConfig.LRScale(/out/dense/weights) is NaN"},
		{"learning-rate scale -1", with(func(c *TrainConfig) { c.LRScale = func(*context.Variable) float64 { return -1 } }), "is -1, want a finite number >= 0"},
	}
	model := (&MLP{NumClasses: 3}).Logits
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Check sees all but what needs the data (the epoch overflow) or the graph (LRScale).
			err := tc.cfg.Check()
			if dataOrGraph := tc.cfg.Epochs == math.MaxInt || tc.cfg.LRScale != nil; tc.want == "" || dataOrGraph {
				if err != nil {
					t.Errorf("Check() = %v, want nil", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check() = %v, want an error containing %q", err, tc.want)
			}
			ctx := linearCtx()
			before := tensors.MustCopyFlatData[float32](ctx.InspectVariable("/out/dense", "weights").MustValue())
			data := referenceBatch()
			data = &Examples{Pixels: append(data.Pixels, data.Pixels...), Labels: append(data.Labels, data.Labels...), N: 4, Height: 1, Width: 4, Channels: 1}
			h, err := Train(b, ctx, model, data, nil, tc.cfg)
			after := tensors.MustCopyFlatData[float32](ctx.InspectVariable("/out/dense", "weights").MustValue())
			if tc.want == "" {
				if err != nil || len(h.StepLoss) == 0 {
					t.Fatalf("Train: %v, want a step", err)
				}
				for i, w := range after {
					if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
						t.Errorf("weights[%d] = %v after one step", i, w)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cnn: ") {
				t.Fatalf("Train: err = %v, want a cnn error containing %q", err, tc.want)
			}
			if !slices.Equal(before, after) {
				t.Errorf("weights changed by a refused training: %v -> %v", before, after)
			}
		})
	}
}

// TestTrainDivergenceKeepsCheckpoint resumes a good checkpoint with learning rates that make
// training diverge (issue 17: learning rate 1e30 wrote NaN and infinite weights over the last
// good checkpoint, and NaN was caught only at the next step). Training must stop with ErrDiverged
// naming the step, the epoch and the checkpoint it kept, and the file must stay byte for byte.
func TestTrainDivergenceKeepsCheckpoint(t *testing.T) {
	b := testBackend(t)
	trainSet := blobs(16, 4, 3, 1)
	model := (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits
	tests := []struct {
		name string
		cfg  TrainConfig
		want string
	}{
		// One step per epoch: the loss of that step is finite (computed before the update), the
		// update overflows float32: only the end-of-epoch check sees it.
		{"infinite weights at the end of an epoch", TrainConfig{Epochs: 3, BatchSize: 16, LearningRate: 1e38, WeightDecay: 1000},
			"holds -Inf at index"},
		// Two steps per epoch: the second step's loss is NaN.
		{"NaN loss within an epoch", TrainConfig{Epochs: 3, BatchSize: 8, LearningRate: 1e38, WeightDecay: 1000},
			"loss is NaN at step 2 (epoch 1, learning rate 1e+38)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "mlp.ckpt")
			good := context.New()
			if err := good.SetRNGStateFromSeed(1); err != nil {
				t.Fatal(err)
			}
			if _, err := Train(b, good, model, trainSet, nil, TrainConfig{Epochs: 1, BatchSize: 8, Optimizer: Adam, LearningRate: 0.01, CheckpointPath: path}); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			resumed := context.New()
			if err := LoadCheckpoint(resumed, path); err != nil {
				t.Fatal(err)
			}
			cfg := tc.cfg
			cfg.CheckpointPath = path
			_, err = Train(b, resumed, model, trainSet, nil, cfg)
			if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), "the last good checkpoint at "+path+" (written before this run) was kept") {
				t.Fatalf("Train = %v, want ErrDiverged containing %q and naming the kept checkpoint", err, tc.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Errorf("checkpoint changed (%d bytes, was %d): a diverged run must keep the last good file", len(after), len(before))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d files, want only the checkpoint", len(entries))
			}
			if err := LoadCheckpoint(context.New(), path); err != nil {
				t.Errorf("the kept checkpoint does not load: %v", err)
			}
		})
	}
}

// poisonAfter replaces every image it sees after the first n with one of +Inf pixels (a careless
// data pipeline), and passes the others through.
type poisonAfter struct {
	n    int
	seen *int
}

func (p poisonAfter) Apply(s augment.Sample, _ *rand.Rand) augment.Sample {
	*p.seen++
	if *p.seen <= p.n {
		return s
	}
	img := augment.NewImage(s.Image.Height, s.Image.Width, s.Image.Channels)
	for i := range img.Pix {
		img.Pix[i] = float32(math.Inf(1))
	}
	return augment.Sample{Image: img}
}

// TestTrainDivergenceAfterSave: a run that saved epoch 1 and diverges in epoch 2 says that the
// checkpoint of epoch 1 was kept, and that file still loads with finite weights.
func TestTrainDivergenceAfterSave(t *testing.T) {
	b := testBackend(t)
	path := filepath.Join(t.TempDir(), "mlp.ckpt")
	seen := 0
	cfg := TrainConfig{Epochs: 3, BatchSize: 8, Optimizer: Adam, LearningRate: 0.01, CheckpointPath: path,
		Augment: poisonAfter{n: 16 + 8, seen: &seen}} // epoch 1 (2 steps) and the first step of epoch 2 are clean
	h, err := Train(b, context.New(), (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits, blobs(16, 4, 3, 1), nil, cfg)
	if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "loss is NaN at step 4 (epoch 2") ||
		!strings.Contains(err.Error(), "the last good checkpoint at "+path+" (saved after epoch 1) was kept") {
		t.Fatalf("Train = %v, want ErrDiverged at step 4 keeping the checkpoint of epoch 1", err)
	}
	if len(h.Epochs) != 1 || len(h.StepLoss) != 3 {
		t.Errorf("history has %d epochs and %d step losses, want 1 and 3", len(h.Epochs), len(h.StepLoss))
	}
	loaded := context.New()
	if err := LoadCheckpoint(loaded, path); err != nil {
		t.Fatal(err)
	}
	if name, err := NonFiniteVariable(loaded); name != "" || err != nil {
		t.Errorf("kept checkpoint: NonFiniteVariable = %q, %v; want all finite", name, err)
	}
}

func TestLearningRateAt(t *testing.T) {
	// By hand: StepLR(step_size=10, gamma=0.1); cosine (1+cos(pi*t/T))/2.
	tests := []struct {
		name        string
		cfg         TrainConfig
		step, total int
		want        float64
	}{
		{"constant", TrainConfig{LearningRate: 0.1}, 50, 100, 0.1},
		{"step before first decay", TrainConfig{LearningRate: 0.1, Schedule: StepDecay, StepSize: 10, Gamma: 0.1}, 9, 100, 0.1},
		{"step at first decay", TrainConfig{LearningRate: 0.1, Schedule: StepDecay, StepSize: 10, Gamma: 0.1}, 10, 100, 0.01},
		{"step after two decays", TrainConfig{LearningRate: 0.1, Schedule: StepDecay, StepSize: 10, Gamma: 0.1}, 25, 100, 0.001},
		{"cosine start", TrainConfig{LearningRate: 0.1, Schedule: Cosine}, 0, 100, 0.1},
		{"cosine middle", TrainConfig{LearningRate: 0.1, Schedule: Cosine}, 50, 100, 0.05},
		{"cosine end", TrainConfig{LearningRate: 0.1, Schedule: Cosine}, 100, 100, 0},
	}
	for _, tc := range tests {
		if got := tc.cfg.LearningRateAt(tc.step, tc.total); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: LearningRateAt(%d, %d) = %g, want %g", tc.name, tc.step, tc.total, got, tc.want)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	b := testBackend(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "mlp.ckpt")
	trainSet, val := blobs(64, 6, 3, 1), blobs(32, 6, 3, 2)
	model := (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits
	ctx := context.New()
	cfg := TrainConfig{Epochs: 2, BatchSize: 16, Optimizer: Adam, LearningRate: 0.01, CheckpointPath: path}
	if _, err := Train(b, ctx, model, trainSet, val, cfg); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("checkpoint dir holds %d files, want only the checkpoint (no temporary files)", len(entries))
	}
	want, err := Evaluate(b, ctx, model, val, 32)
	if err != nil {
		t.Fatal(err)
	}
	loaded := context.New()
	if err := LoadCheckpoint(loaded, path); err != nil {
		t.Fatal(err)
	}
	if loaded.InspectVariable("/optimizer", "step") == nil {
		t.Errorf("optimizer step not restored")
	}
	got, err := Evaluate(b, loaded, model, val, 32)
	if err != nil {
		t.Fatal(err)
	}
	if got.Loss != want.Loss {
		t.Errorf("loss after reload = %v, before %v", got.Loss, want.Loss)
	}
	// Loading into a model of another shape fails, naming the variable.
	other := context.New()
	CreateVariables(b, other, (&MLP{Hidden: []int{9}, NumClasses: 3}).Logits, 1, 6, 1)
	if err := LoadCheckpoint(other, path); err == nil || !strings.Contains(err.Error(), "/fc1/dense") {
		t.Errorf("loading into a wider model: err = %v, want a shape error naming /fc1/dense", err)
	}
	// A corrupt file gives an error naming it.
	bad := filepath.Join(dir, "bad.ckpt")
	if err := os.WriteFile(bad, []byte("cvlessons-cnn-checkpoint-v1\ngarbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := LoadCheckpoint(context.New(), bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt checkpoint: err = %v, want an error naming %s", err, bad)
	}
}

func FuzzReadCheckpoint(f *testing.F) {
	f.Add([]byte(checkpointMagic))
	f.Add([]byte("garbage"))
	if header, payload, err := encodeCheckpoint([]savedVar{{Name: "/out/dense/weights", DType: int32(dtypes.Float32), Dims: []int{2}, Data: make([]byte, 8)}}); err == nil {
		f.Add(append(header, payload...)) // a valid checkpoint, for the fuzzer to damage
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := readCheckpoint(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, v := range vars {
			if v.Name == "" || v.Name[0] != '/' {
				t.Errorf("accepted variable name %q", v.Name)
			}
		}
	})
}

func TestGradientNormsByHand(t *testing.T) {
	b := testBackend(t)
	// Zero weights: softmax is uniform (1/3), so dL/dW[i][k] = mean over the batch of x_i (1/3 - y_k)
	// and dL/db[k] = mean(1/3 - y_k), by hand.
	ctx := context.New()
	zeros := [][]float32{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}
	ctx.InAbsPath("/out/dense").VariableWithValue("weights", zeros)
	ctx.InAbsPath("/out/dense").VariableWithValue("biases", []float32{0, 0, 0})
	data := referenceBatch()
	var sq float64
	for k := range 3 {
		var gb float64
		gw := make([]float64, 4)
		for n := range 2 {
			y := 0.0
			if data.Labels[n] == k {
				y = 1
			}
			gb += (1.0/3 - y) / 2
			for i := range 4 {
				gw[i] += float64(data.Pixels[n*4+i]) * (1.0/3 - y) / 2
			}
		}
		sq += gb * gb
		for _, g := range gw {
			sq += g * g
		}
	}
	norms, loss, err := GradientNorms(b, ctx, (&MLP{NumClasses: 3}).Logits, data, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(norms) != 1 || norms[0].Scope != "/out/dense" {
		t.Fatalf("norms = %v, want one for /out/dense", norms)
	}
	if want := math.Sqrt(sq); math.Abs(norms[0].Norm-want) > 1e-5 {
		t.Errorf("gradient norm = %.6f, want %.6f (by hand)", norms[0].Norm, want)
	}
	if want := math.Log(3); math.Abs(loss-want) > 1e-5 {
		t.Errorf("loss at zero weights = %.6f, want ln 3 = %.6f", loss, want)
	}
}

// recordingTransform counts the images it sees and replaces each by a constant image of the
// given size (Height x Width x 1).
type recordingTransform struct {
	seen          *int
	height, width int
}

func (r recordingTransform) Apply(s augment.Sample, _ *rand.Rand) augment.Sample {
	*r.seen++
	img := augment.NewImage(r.height, r.width, 1)
	for i := range img.Pix {
		img.Pix[i] = 0.5
	}
	return augment.Sample{Image: img}
}

func TestTrainAugments(t *testing.T) {
	b := testBackend(t)
	trainSet, val := blobs(64, 6, 3, 1), blobs(32, 6, 3, 2)
	model := (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits
	tests := []struct {
		name          string
		height, width int
		wantErr       string
	}{
		{"same size", 1, 6, ""},
		{"changes the size", 1, 5, "changed a 1x6x1 image to 1x5x1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := 0
			cfg := TrainConfig{Steps: 5, BatchSize: 8, Optimizer: Adam, LearningRate: 0.01, Seed: 1,
				Augment: recordingTransform{seen: &seen, height: tc.height, width: tc.width}}
			h, err := Train(b, context.New(), model, trainSet, val, cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "training step 1") {
					t.Fatalf("err = %v, want one at training step 1 containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Every training image of every step is transformed; the validation images are not.
			if seen != 5*8 {
				t.Errorf("transform saw %d images, want 5 steps x 8 = 40", seen)
			}
			// All training images became the same constant image, so the net cannot separate the
			// classes on them, while the untransformed validation blobs stay separable in principle:
			// the training accuracy is at most the largest class share.
			if acc := h.Epochs[0].TrainAccuracy; acc > 0.7 {
				t.Errorf("training accuracy %.3f on constant images, want at most a class share", acc)
			}
		})
	}
}

func TestTrainAugmentIsDeterministic(t *testing.T) {
	b := testBackend(t)
	trainSet := blobs(64, 6, 3, 1)
	model := (&MLP{Hidden: []int{8}, NumClasses: 3}).Logits
	run := func() []float64 {
		ctx := context.New()
		if err := ctx.SetRNGStateFromSeed(2); err != nil {
			t.Fatal(err)
		}
		cfg := TrainConfig{Steps: 6, BatchSize: 8, Optimizer: Adam, LearningRate: 0.01, Seed: 4,
			Augment: augment.RandomHorizontalFlip{P: 0.5}}
		h, err := Train(b, ctx, model, trainSet, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return h.StepLoss
	}
	a, c := run(), run()
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("step %d loss %v then %v: augmented training is not reproducible for a fixed seed", i+1, a[i], c[i])
		}
	}
}
