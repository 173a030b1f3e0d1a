package cnn

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// weightsDir holds the checkpoints written by testdata/weights/gen_parity.py (PyTorch 1.13,
// torchvision 0.14).
const weightsDir = "testdata/weights"

// Tiny torchvision-architecture models matching gen_parity.py's tiny_vgg and TinyResNet.
func tinyVGG(batchNorm bool) *VGG {
	return &VGG{Layers: []int{4, Pool, 8, Pool, 16, 16, Pool, 32, 32, Pool, 32, 32, Pool}, BatchNorm: batchNorm,
		PoolTo: 7, Hidden: []int{32, 32}, NumClasses: 10, Dropout: 0.5}
}

func tinyResNet18() *ResNet {
	return &ResNet{Block: Basic, Blocks: []int{2, 2, 2, 2}, Widths: []int{8, 16, 32, 64}, Stem: ImageNetStem,
		StemWidth: 8, Shortcut: Projection, NumClasses: 10}
}

func tinyResNet50() *ResNet {
	return &ResNet{Block: Bottleneck, Blocks: []int{3, 4, 6, 3}, Widths: []int{4, 8, 16, 32}, Stem: ImageNetStem,
		StemWidth: 4, Shortcut: Projection, NumClasses: 10}
}

func weightsBackend(t testing.TB) backends.Backend {
	t.Helper()
	b, err := backend.NewLogged(nil)
	if err != nil {
		t.Fatalf("backend.NewLogged: %v", err)
	}
	return b
}

// forward runs model in evaluation mode on an NHWC batch and returns the logits, row-major.
func weightsForward(t testing.TB, b backends.Backend, ctx *context.Context, model ModelFn, x *Tensor) []float32 {
	t.Helper()
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), false)
		return model(ctx, images)
	})
	if err != nil {
		t.Fatalf("NewExec: %v", err)
	}
	defer exec.Finalize()
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x.Data, x.Shape...))
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}

func weightsMaxAbsDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// TestParityWithPyTorch loads random-weight torchvision checkpoints into our VGG and ResNet and
// compares the logits with PyTorch 1.13's (eval mode), on a 112x112 batch of two (adaptive pooling
// from 3x3 to 7x7) and a 224x224 image (the ImageNet input size).
func TestParityWithPyTorch(t *testing.T) {
	const tolerance = 1e-4
	b := weightsBackend(t)
	parity, err := ReadStateDict(filepath.Join(weightsDir, "parity.pth"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		model ModelFn
	}{
		{"vgg11_tiny", tinyVGG(false).Logits},
		{"vgg11_bn_tiny", tinyVGG(true).Logits},
		{"resnet18_tiny", tinyResNet18().Logits},
		{"resnet50_tiny", tinyResNet50().Logits},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			report, err := LoadPretrained(b, ctx, tc.model, 112, filepath.Join(weightsDir, tc.name+".pth"), ImportOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Missing)+len(report.Unexpected) != 0 || len(report.Loaded) == 0 {
				t.Fatalf("report = %s, want every key loaded", report)
			}
			for _, size := range []string{"112", "224"} {
				want := parity.Tensors[tc.name+"/"+size]
				got := weightsForward(t, b, ctx, tc.model, parity.Tensors["input"+size])
				if len(got) != len(want.Data) {
					t.Fatalf("input %s: %d logits, want %d", size, len(got), len(want.Data))
				}
				d := weightsMaxAbsDiff(got, want.Data)
				t.Logf("%s input %s: max |logit - PyTorch| = %.2g", tc.name, size, d)
				if d > tolerance {
					t.Errorf("%s input %s: max |logit - PyTorch| = %g, want <= %g\ngot  %v\nwant %v", tc.name, size, d, tolerance, got, want.Data)
				}
			}
		})
	}
}

// TestFlattenPermutationMatters imports the VGG checkpoint without the (c, h, w) -> (h, w, c)
// permutation of classifier.0 and checks that the logits then disagree with PyTorch's: the parity
// test above would catch a wrong layout.
func TestFlattenPermutationMatters(t *testing.T) {
	b := weightsBackend(t)
	parity, err := ReadStateDict(filepath.Join(weightsDir, "parity.pth"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.New()
	model := tinyVGG(false).Logits
	noPermutation := ImportOptions{Strict: true, Flatten: map[string][3]int{}}
	if _, err := LoadPretrained(b, ctx, model, 224, filepath.Join(weightsDir, "vgg11_tiny.pth"), noPermutation); err != nil {
		t.Fatal(err)
	}
	got := weightsForward(t, b, ctx, model, parity.Tensors["input224"])
	if d := weightsMaxAbsDiff(got, parity.Tensors["vgg11_tiny/224"].Data); d < 1e-2 {
		t.Errorf("without the flatten permutation, max |logit - PyTorch| = %g, want a clear mismatch", d)
	}
}

func TestImportStateDictErrors(t *testing.T) {
	b := weightsBackend(t)
	load := func(t *testing.T) *StateDict {
		sd, err := ReadStateDict(filepath.Join(weightsDir, "vgg11_bn_tiny.pth"))
		if err != nil {
			t.Fatal(err)
		}
		return sd
	}
	build := func(t *testing.T, v *VGG) *context.Context {
		ctx := context.New()
		if err := buildModel(b, ctx, v.Logits, 32); err != nil {
			t.Fatal(err)
		}
		return ctx
	}
	t.Run("shape mismatch names key and shapes", func(t *testing.T) {
		v := tinyVGG(true)
		v.Layers = slices.Clone(v.Layers)
		v.Layers[0] = 6 // features.0 has 4 output channels in the checkpoint.
		ctx := build(t, v)
		_, err := ImportStateDict(ctx, load(t), ImportOptions{})
		if err == nil {
			t.Fatal("ImportStateDict succeeded, want a shape error")
		}
		for _, s := range []string{`"features.0.weight"`, "[4 3 3 3]", "[6 3 3 3]"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not mention %s", err, s)
			}
		}
		// Nothing was written: the first convolution still has no value.
		if v := ctx.GetVariableByScopeAndName("/features/1/batch_normalization", "scale"); v == nil || v.HasValue() {
			t.Errorf("a variable was written although the import failed")
		}
	})
	t.Run("new head: missing and unexpected keys", func(t *testing.T) {
		sd := load(t)
		// Rename the head in the checkpoint, as if the model's head were elsewhere.
		for _, k := range []string{"classifier.6.weight", "classifier.6.bias"} {
			sd.Tensors["old_"+k] = sd.Tensors[k]
			delete(sd.Tensors, k)
			sd.Keys[slices.Index(sd.Keys, k)] = "old_" + k
		}
		wantMissing := []string{"classifier.6.weight", "classifier.6.bias"}
		wantUnexpected := []string{"old_classifier.6.weight", "old_classifier.6.bias"}

		ctx := build(t, tinyVGG(true))
		strictReport, err := ImportStateDict(ctx, sd, ImportOptions{Strict: true})
		if err == nil || !strings.Contains(err.Error(), `missing key(s) in state_dict: "classifier.6.weight"`) {
			t.Errorf("strict import error = %v, want missing keys listed", err)
		}
		if strictReport == nil || !slices.Equal(strictReport.Missing, wantMissing) {
			t.Errorf("strict import report = %v, want it returned with the missing keys", strictReport)
		}
		if v := ctx.GetVariableByScopeAndName("/features/0/conv", "weights"); v.HasValue() {
			t.Errorf("strict import failed but wrote variables")
		}
		report, err := ImportStateDict(ctx, sd, ImportOptions{})
		if err != nil {
			t.Fatalf("non-strict import: %v", err)
		}
		if !slices.Equal(report.Missing, wantMissing) || !slices.Equal(report.Unexpected, wantUnexpected) {
			t.Errorf("report missing %v unexpected %v, want %v and %v", report.Missing, report.Unexpected, wantMissing, wantUnexpected)
		}
		if got, want := len(report.Loaded), len(sd.Keys)-2-8; got != want { // 8 num_batches_tracked
			t.Errorf("loaded %d keys, want %d", got, want)
		}
	})
	t.Run("batch counter", func(t *testing.T) {
		sd := load(t)
		delete(sd.Tensors, "features.1.num_batches_tracked") // As in pre-0.4.1 checkpoints.
		sd.Keys = slices.DeleteFunc(sd.Keys, func(k string) bool { return k == "features.1.num_batches_tracked" })
		// A converted checkpoint's zero count (EfficientNet-Lite0's) and a count above the floor.
		sd.Tensors["features.5.num_batches_tracked"].Data[0] = 0
		sd.Tensors["features.9.num_batches_tracked"].Data[0] = 5e6
		ctx := build(t, tinyVGG(true))
		if _, err := ImportStateDict(ctx, sd, ImportOptions{Strict: true}); err != nil {
			t.Fatalf("import without num_batches_tracked: %v", err)
		}
		for _, tc := range []struct {
			scope string
			want  float32
		}{
			{"/features/1/batch_normalization", pretrainedBatchCount},  // absent: large count
			{"/features/5/batch_normalization", pretrainedBatchCount},  // 0: the imported statistics must survive a step
			{"/features/9/batch_normalization", 5e6},                   // above the floor: kept
			{"/features/12/batch_normalization", pretrainedBatchCount}, // gen_parity.py's 1000: raised to the floor
		} {
			v := ctx.GetVariableByScopeAndName(tc.scope, bnCountName)
			got := tensors.MustCopyFlatData[float32](v.MustValue())[0]
			if got != tc.want {
				t.Errorf("%s avg_weight = %g, want %g", tc.scope, got, tc.want)
			}
		}
	})
}

func TestTorchName(t *testing.T) {
	for _, tc := range []struct {
		scope, name, want string
		ok                bool
	}{
		{"/features/0/conv", "weights", "features.0.weight", true},
		{"/features/0/conv", "biases", "features.0.bias", true},
		{"/features/1/batch_normalization", "variance", "features.1.running_var", true},
		{"/layer1/0/downsample/0/conv", "weights", "layer1.0.downsample.0.weight", true},
		{"/layer1/0/downsample/1/batch_normalization", "mean", "layer1.0.downsample.1.running_mean", true},
		{"/fc/dense", "biases", "fc.bias", true},
		{"/bn1/batch_normalization", "avg_weight", "", false},
		{"/optimizer/fc/dense", "weights_momentum", "", false},
		{"/", "learning_rate", "", false},
	} {
		got, ok := TorchName(tc.scope, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("TorchName(%q, %q) = %q, %v, want %q, %v (by hand, torchvision naming)", tc.scope, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPermute(t *testing.T) {
	// A [2, 3] matrix transposed, and a [1, 2, 2, 2] (c, h, w) block moved to (h, w, c); by hand.
	if got, want := permute([]float32{0, 1, 2, 3, 4, 5}, []int{2, 3}, []int{1, 0}), []float32{0, 3, 1, 4, 2, 5}; !slices.Equal(got, want) {
		t.Errorf("transpose = %v, want %v", got, want)
	}
	chw := []float32{0, 1, 2, 3, 10, 11, 12, 13} // c=0: 0..3, c=1: 10..13
	if got, want := permute(chw, []int{1, 2, 2, 2}, []int{0, 2, 3, 1}), []float32{0, 10, 1, 11, 2, 12, 3, 13}; !slices.Equal(got, want) {
		t.Errorf("chw->hwc = %v, want %v", got, want)
	}
}
