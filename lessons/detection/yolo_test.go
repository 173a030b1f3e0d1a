package detection

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestTrainYOLOSmoke trains a tiny YOLO for a few steps: the loss must be finite and fall, and
// PredictYOLO must return one prediction of Grid.Len() values per image, box x, y, w, h in (0, 1) and
// class probabilities summing to 1. It checks the wiring, not the accuracy (TestRunDetectorsQuick and
// TestYOLOProbe measure that).
func TestTrainYOLOSmoke(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), 64, 5)
	if err != nil {
		t.Fatal(err)
	}
	cfg := YOLOConfig{Grid: detect.YOLOGrid{S: 6, B: 2, C: 10, Width: 96, Height: 96}, BackboneConfig: BackboneConfig{Channels: []int{4, 8, 8, 8}},
		Steps: 12, BatchSize: 8, LearningRate: 3e-3, Seed: 1}
	ctx, losses, err := TrainYOLO(b, cfg, trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range losses {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			t.Fatalf("loss at step %d is %v", i, l)
		}
	}
	// The untrained linear confidences are far from 0 in most cells, so the no-object term alone is
	// large; a few Adam steps must cut the loss clearly.
	if first, last := losses[0], losses[len(losses)-1]; !(last < 0.8*first) {
		t.Errorf("loss %.3f -> %.3f over %d steps, want a fall of more than 20%%", first, last, cfg.Steps)
	}
	preds, err := PredictYOLO(b, ctx, cfg, val.Images, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != val.Images.N {
		t.Fatalf("%d predictions for %d images", len(preds), val.Images.N)
	}
	g := cfg.Grid
	for _, p := range preds {
		if len(p) != g.Len() {
			t.Fatalf("prediction of %d values, want %d", len(p), g.Len())
		}
		for cell := range g.S * g.S {
			c := p[cell*g.CellLen() : (cell+1)*g.CellLen()]
			for b := range g.B {
				for _, v := range c[5*b : 5*b+4] {
					if !(v > 0 && v < 1) {
						t.Fatalf("cell %d box %d: x, y, w, h %v, want each in (0, 1)", cell, b, c[5*b:5*b+4])
					}
				}
			}
			var sum float32
			for _, v := range c[5*g.B:] {
				sum += v
			}
			if math.Abs(float64(sum)-1) > 1e-4 {
				t.Fatalf("cell %d: class probabilities sum to %v, want 1", cell, sum)
			}
		}
	}
}

// TestTrainYOLOIsReproducible trains the same tiny YOLO twice with one seed: every loss and every
// predicted value must be bit-identical (data order, initialization and the backend's reductions
// are all seeded or fixed), which is what lets a committed run stand for the notebook's numbers.
func TestTrainYOLOIsReproducible(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), 32, 4)
	if err != nil {
		t.Fatal(err)
	}
	cfg := YOLOConfig{Grid: detect.YOLOGrid{S: 6, B: 2, C: 10, Width: 96, Height: 96}, BackboneConfig: BackboneConfig{Channels: []int{4, 8, 8, 8}},
		Steps: 6, BatchSize: 8, LearningRate: 3e-3, Seed: 7}
	var losses [2][]float64
	var preds [2][][]float32
	for run := range 2 {
		ctx, l, err := TrainYOLO(b, cfg, trainSet, nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := PredictYOLO(b, ctx, cfg, val.Images, 2)
		if err != nil {
			t.Fatal(err)
		}
		losses[run], preds[run] = l, p
	}
	for i := range losses[0] {
		if math.Float64bits(losses[0][i]) != math.Float64bits(losses[1][i]) {
			t.Fatalf("step %d: loss %v then %v, want bit-identical runs", i, losses[0][i], losses[1][i])
		}
	}
	for i := range preds[0] {
		for j := range preds[0][i] {
			if math.Float32bits(preds[0][i][j]) != math.Float32bits(preds[1][i][j]) {
				t.Fatalf("image %d value %d: %v then %v, want bit-identical runs", i, j, preds[0][i][j], preds[1][i][j])
			}
		}
	}
}

// TestTrainYOLOCosine checks the cosine schedule: after step k of n (0-based) the learning rate is
// LearningRate·(1 + cos(π·k/n))/2, so after the last of 4 steps it is (1 + cos(3π/4))/2 ≈ 0.146 of
// it; without Cosine it stays LearningRate.
func TestTrainYOLOCosine(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	trainSet, _, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, cosine := range []bool{false, true} {
		cfg := YOLOConfig{Grid: detect.YOLOGrid{S: 6, B: 2, C: 10, Width: 96, Height: 96}, BackboneConfig: BackboneConfig{Channels: []int{4, 4, 4, 4}},
			Steps: 4, BatchSize: 4, LearningRate: 1e-3, Cosine: cosine, Seed: 1}
		ctx, _, err := TrainYOLO(b, cfg, trainSet, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := ctx.InAbsPath("/" + optimizers.Scope).GetVariable(optimizers.ParamLearningRate)
		if v == nil {
			t.Fatalf("cosine %v: no learning-rate variable in the trained context", cosine)
		}
		got := float64(tensors.ToScalar[float32](v.MustValue()))
		want := cfg.LearningRate
		if cosine {
			want *= (1 + math.Cos(math.Pi*3/4)) / 2
		}
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("cosine %v: learning rate after 4 of 4 steps %.6g, want %.6g", cosine, got, want)
		}
	}
}

// TestYOLOModelGrid checks the backbone's layouts: with every stage pooled, 96x96 images averaged to
// 48x48 shrink by 8 to a 6x6 grid; with only the first two stages pooled, by 4 to a 12x12 grid.
func TestYOLOModelGrid(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		s, pools   int
		wantValues int
	}{
		{"all stages pooled", 6, 0, 6 * 6 * 20},
		{"last stage unpooled", 12, 2, 12 * 12 * 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := YOLOConfig{Grid: detect.YOLOGrid{S: tc.s, B: 2, C: 10, Width: 96, Height: 96}, BackboneConfig: BackboneConfig{Channels: []int{4, 4, 4}, PoolStages: tc.pools},
				Downsample: 2}
			exec, err := context.NewExec(b, context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node {
				return YOLOModel(ctx, cfg, x)
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Exec1(tensors.FromShape(shapes.Make(dtypes.Float32, 2, 96, 96, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if dims := out.Shape().Dimensions; len(dims) != 4 || dims[0] != 2 || dims[1] != tc.s || dims[2] != tc.s ||
				dims[1]*dims[2]*dims[3] != tc.wantValues || cfg.Grid.Len() != tc.wantValues {
				t.Errorf("output %v (grid length %d), want [2, %d, %d, 20]", dims, cfg.Grid.Len(), tc.s, tc.s)
			}
		})
	}
}
