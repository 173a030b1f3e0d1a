package cnn

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

func TestLayerScope(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"classifier.6", "/classifier/6"},
		{"classifier/6", "/classifier/6"},
		{"/layer4/1/", "/layer4/1"},
		{"", "/"},
	} {
		if got := LayerScope(tc.in); got != tc.want {
			t.Errorf("LayerScope(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTrainabilityRules(t *testing.T) {
	rules := new(Trainability).Freeze("").Unfreeze("layer4", "fc").Freeze("layer4.1.bn2")
	for _, tc := range []struct {
		scope string
		want  bool
	}{
		{"/conv1/conv", false},
		{"/layer4/0/conv1/conv", true},
		{"/layer4/1/bn2/batch_normalization", false},
		{"/layer40/0/conv1/conv", false}, // "layer4" is a layer name, not a string prefix
		{"/fc/dense", true},
	} {
		if got := rules.Trainable(tc.scope); got != tc.want {
			t.Errorf("Trainable(%q) = %v, want %v", tc.scope, got, tc.want)
		}
	}
	if !new(Trainability).Trainable("/anything") {
		t.Errorf("no rules: want trainable")
	}
}

func TestLRGroups(t *testing.T) {
	groups := LRGroups{{"features", 0.1}, {"features.0", 0.01}, {"classifier.6", 10}}
	ctx := context.New()
	for _, tc := range []struct {
		scope string
		want  float64
	}{
		{"/features/0/conv", 0.01}, // longest prefix wins
		{"/features/10/conv", 0.1},
		{"/classifier/6/dense", 10},
		{"/classifier/0/dense", 1}, // no group: base rate
	} {
		v := ctx.InAbsPath(tc.scope).VariableWithValue("weights", float32(0))
		if got := groups.Scale(v); got != tc.want {
			t.Errorf("Scale(%s) = %g, want %g", tc.scope, got, tc.want)
		}
	}
}

// loadTinyVGG returns a context holding the tiny VGG-11-BN checkpoint's weights (10 classes).
func loadTinyVGG(t *testing.T, b backends.Backend) (*context.Context, *VGG) {
	t.Helper()
	v := tinyVGG(true)
	ctx := context.New()
	if _, err := LoadPretrained(b, ctx, v.Logits, 32, filepath.Join(weightsDir, "vgg11_bn_tiny.pth"), ImportOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	return ctx, v
}

// randomExamples returns n random images with labels in [0, classes).
func randomExamples(n, size, classes int, seed uint64) *Examples {
	rng := rand.New(rand.NewPCG(seed, 1))
	e := &Examples{Pixels: make([]float32, n*size*size*3), Labels: make([]int, n), N: n, Height: size, Width: size, Channels: 3}
	for i := range e.Pixels {
		e.Pixels[i] = rng.Float32()
	}
	for i := range e.Labels {
		e.Labels[i] = rng.IntN(classes)
	}
	return e
}

func varValues(t *testing.T, ctx *context.Context, scope, name string) []float32 {
	t.Helper()
	v := ctx.GetVariableByScopeAndName(scope, name)
	if v == nil {
		t.Fatalf("no variable %s/%s", scope, name)
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// TestNoteRecipeFreezing follows the study note: load weights, replace classifier[6] with a 2-way
// layer, train only it. Expected counts are by hand from the tiny VGG's shapes.
func TestNoteRecipeFreezing(t *testing.T) {
	b := weightsBackend(t)
	ctx, v := loadTinyVGG(t, b)
	conv0 := varValues(t, ctx, "/features/0/conv", "weights")

	n, err := ReplaceHead(ctx, "classifier.6")
	if err != nil || n != 2 {
		t.Fatalf("ReplaceHead = %d, %v, want 2 variables deleted", n, err)
	}
	if _, err := ReplaceHead(ctx, "classifier.9"); err == nil {
		t.Errorf("ReplaceHead(classifier.9) succeeded on a model without it")
	}
	v.NumClasses = 2
	rules := new(Trainability).Freeze("").Unfreeze("classifier.6")
	model := rules.Model(v.Logits)

	// Without the wrapper, GoMLX's BatchNorm marks scale/offset trainable again on every build.
	rules.Apply(ctx)
	if err := buildModel(b, ctx, v.Logits, 32); err != nil {
		t.Fatal(err)
	}
	if !ctx.GetVariableByScopeAndName("/features/1/batch_normalization", "scale").Trainable {
		t.Fatalf("expected GoMLX's BatchNorm to reset Trainable on rebuild (the reason for Trainability.Model)")
	}
	if err := buildModel(b, ctx, model, 32); err != nil {
		t.Fatal(err)
	}
	s := SummarizeParams(ctx)
	// Tiny VGG-11-BN: convs 3*3*(3*4+4*8+8*16+16*16+16*32+3*32*32) = 36,108 weights,
	// 4+8+16+16+32+32+32+32 = 172 biases, BatchNorm 2*172 = 344; classifier 1568*32+32 + 32*32+32
	// = 51,264; new head 32*2+2 = 66.
	if want := 66; s.Trainable != want || s.TrainableTensors != 2 {
		t.Errorf("trainable = %d in %d tensors, want %d in 2", s.Trainable, s.TrainableTensors, want)
	}
	if want := 36108 + 172 + 344 + 51264; s.Frozen != want {
		t.Errorf("frozen = %d, want %d", s.Frozen, want)
	}
	text := s.String()
	if want := "classifier.6.weight\nclassifier.6.bias\n-----------\ntrainable: 66 parameters in 2 tensors\nfrozen:    87,888 parameters in 36 tensors\n"; text != want {
		t.Errorf("summary:\n%s\nwant:\n%s", text, want)
	}

	// Two SGD steps (lr 0.001, momentum 0.9 as in the note): the head moves, the rest stays.
	data := randomExamples(8, 32, 2, 7)
	_, err = Train(b, ctx, model, data, nil, TrainConfig{Steps: 2, BatchSize: 4, Optimizer: SGD, LearningRate: 0.001, Momentum: 0.9, Seed: 1})
	if err != nil {
		t.Fatalf("Train: %v", err)
	}
	if got := varValues(t, ctx, "/features/0/conv", "weights"); !slices.Equal(got, conv0) {
		t.Errorf("frozen features.0.weight changed during training")
	}
	if len(varValues(t, ctx, "/classifier/6/dense", "weights")) != 64 {
		t.Errorf("new head has the wrong size")
	}
	if s := SummarizeParams(ctx); s.Trainable != 66 {
		t.Errorf("after training: %d trainable parameters, want 66", s.Trainable)
	}
}

// TestCachedFeaturesGiveSameLogits checks that VGGHead on CacheFeatures' output equals the full
// model's logits (evaluation mode), so training a head on cached features trains the same layer.
func TestCachedFeaturesGiveSameLogits(t *testing.T) {
	b := weightsBackend(t)
	ctx, v := loadTinyVGG(t, b)
	data := randomExamples(5, 32, 10, 3)
	features, err := CacheFeatures(b, ctx, VGGBackbone(v), data, 2)
	if err != nil {
		t.Fatal(err)
	}
	if features.N != 5 || features.Channels != 32 || !slices.Equal(features.Labels, data.Labels) {
		t.Fatalf("features: N=%d, F=%d, labels %v; want 5, 32, %v", features.N, features.Channels, features.Labels, data.Labels)
	}
	full, err := Evaluate(b, ctx, v.Logits, data, 5)
	if err != nil {
		t.Fatal(err)
	}
	head, err := Evaluate(b, ctx, VGGHead(v), features, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range full.Probabilities {
		if d := weightsMaxAbsDiff(full.Probabilities[i], head.Probabilities[i]); d > 1e-5 {
			t.Errorf("example %d: head-on-cache probabilities differ from the full model by %g", i, d)
		}
	}
	if !strings.Contains(SummarizeParams(ctx).String(), "classifier.6.bias") {
		t.Errorf("summary does not list classifier.6.bias")
	}
}
