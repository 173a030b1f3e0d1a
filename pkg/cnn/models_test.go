package cnn

import (
	"strings"
	"sync"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"slices"
)

var (
	testBackendOnce sync.Once
	testBackendVal  backends.Backend
	testBackendErr  error
)

// testBackend returns the course's backend, created once for all tests.
func testBackend(t testing.TB) backends.Backend {
	t.Helper()
	testBackendOnce.Do(func() { testBackendVal, testBackendErr = backend.NewLogged(nil) })
	if testBackendErr != nil {
		t.Fatalf("backend.New: %v", testBackendErr)
	}
	return testBackendVal
}

func TestParamCount(t *testing.T) {
	b := testBackend(t)
	vgg16bn := NewVGG(16, 1000)
	vgg16bn.BatchNorm = true
	// Expected values: PyTorch 1.13 / torchvision 0.14, testdata/param_counts.py.
	tests := []struct {
		name    string
		model   ModelFn
		h, w, c int
		want    int
	}{
		{"vgg11", NewVGG(11, 1000).Logits, 224, 224, 3, 132863336},
		{"vgg13", NewVGG(13, 1000).Logits, 224, 224, 3, 133047848},
		{"vgg16", NewVGG(16, 1000).Logits, 224, 224, 3, 138357544},
		{"vgg19", NewVGG(19, 1000).Logits, 224, 224, 3, 143667240},
		{"vgg16_bn", vgg16bn.Logits, 224, 224, 3, 138365992},
		{"resnet18", NewResNet(18, 1000).Logits, 224, 224, 3, 11689512},
		{"resnet34", NewResNet(34, 1000).Logits, 224, 224, 3, 21797672},
		{"resnet50", NewResNet(50, 1000).Logits, 224, 224, 3, 25557032},
		{"note Conv", NewMiniNet(false).Logits, 32, 32, 3, 347274},
		{"note ResConv", NewMiniNet(true).Logits, 32, 32, 3, 347274},
		{"small MNIST CNN", NewSmallCNN(10).Logits, 28, 28, 1, 421738},
		{"narrow VGG-11", NarrowVGG11(10).Logits, 32, 32, 1, 910666},
		// By hand: 432+32 stem, 14016, 51072, 203520 stages, 650 fc; the paper says 0.27M.
		{"CIFAR ResNet-20 option A", NewCIFARResNet(20, 10).Logits, 32, 32, 3, 269722},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, perLayer := ParamCount(b, tc.model, tc.h, tc.w, tc.c)
			if got != tc.want {
				t.Errorf("ParamCount(%s) = %d, want %d", tc.name, got, tc.want)
			}
			sum := 0
			for _, l := range perLayer {
				sum += l.Params
			}
			if sum != got {
				t.Errorf("per-layer counts sum to %d, total is %d", sum, got)
			}
		})
	}
}

func TestPlainTwinHasSameLayers(t *testing.T) {
	b := testBackend(t)
	res := NewCIFARResNet(14, 10)
	plain := *res
	plain.Plain = true
	r, _ := ParamCount(b, res.Logits, 32, 32, 3)
	p, _ := ParamCount(b, plain.Logits, 32, 32, 3)
	if r != p {
		t.Errorf("option-A ResNet-14 has %d parameters, its plain twin %d; want equal (zero-padding shortcuts have none)", r, p)
	}
	proj := NewCIFARResNet(14, 10)
	proj.Shortcut = Projection
	q, _ := ParamCount(b, proj.Logits, 32, 32, 3)
	// Two projections (16->32, 32->64), 1x1 conv + BatchNorm each: 512+64 + 2048+128, by hand.
	if want := r + 512 + 64 + 2048 + 128; q != want {
		t.Errorf("projection ResNet-14 has %d parameters, want %d", q, want)
	}
}

func TestDepth(t *testing.T) {
	tests := []struct {
		name      string
		got, want int
	}{
		{"VGG-11", NewVGG(11, 10).Depth(), 11},
		{"VGG-16", NewVGG(16, 10).Depth(), 16},
		{"VGG-19", NewVGG(19, 10).Depth(), 19},
		{"ResNet-18", NewResNet(18, 10).Depth(), 18},
		{"ResNet-34", NewResNet(34, 10).Depth(), 34},
		{"ResNet-50", NewResNet(50, 10).Depth(), 50},
		{"CIFAR ResNet-56", NewCIFARResNet(56, 10).Depth(), 56},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: Depth() = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestPanicsOnUnknownDepth(t *testing.T) {
	for name, f := range map[string]func(){
		"VGG-12":    func() { NewVGG(12, 10) },
		"ResNet-20": func() { NewResNet(20, 10) },
		"CIFAR-21":  func() { NewCIFARResNet(21, 10) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestForwardShapes runs each model forward on a small batch and checks the logits' shape.
func TestForwardShapes(t *testing.T) {
	b := testBackend(t)
	vggAdaptive := NewVGG(11, 7).Scaled(1.0 / 16)
	vggAdaptive.Hidden, vggAdaptive.Dropout = []int{8}, 0
	vggAdaptive.BatchNorm = true
	tests := []struct {
		name    string
		model   ModelFn
		h, w, c int
		classes int
	}{
		{"narrow VGG-11 32x32x1", NarrowVGG11(10).Logits, 32, 32, 1, 10},
		{"VGG-11/16 adaptive pool 7x7 from 1x1", vggAdaptive.Logits, 32, 32, 3, 7},
		{"VGG-11/16 adaptive pool 7x7 from 2x2 (64x48)", vggAdaptive.Logits, 64, 48, 3, 7},
		{"CIFAR ResNet-8", NewCIFARResNet(8, 10).Logits, 16, 16, 3, 10},
		{"plain CIFAR-8", (&ResNet{Block: Basic, Blocks: []int{1, 1, 1}, Widths: []int{16, 32, 64}, Stem: CIFARStem,
			StemWidth: 16, Plain: true, NumClasses: 10}).Logits, 16, 16, 3, 10},
		{"bottleneck ImageNet stem", (&ResNet{Block: Bottleneck, Blocks: []int{1, 1}, Widths: []int{4, 8}, Stem: ImageNetStem,
			StemWidth: 4, NumClasses: 5}).Logits, 32, 32, 3, 5},
		{"small CNN", NewSmallCNN(10).Logits, 28, 28, 1, 10},
		{"note ResConv", NewMiniNet(true).Logits, 32, 32, 3, 10},
		{"MLP with BatchNorm", (&MLP{Hidden: []int{8, 8}, NumClasses: 3, BatchNorm: true}).Logits, 4, 4, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			if err := ctx.SetRNGStateFromSeed(1); err != nil {
				t.Fatal(err)
			}
			const batch = 2
			data := &Examples{Pixels: make([]float32, batch*tc.h*tc.w*tc.c), Labels: make([]int, batch), N: batch,
				Height: tc.h, Width: tc.w, Channels: tc.c}
			for i := range data.Pixels {
				data.Pixels[i] = float32(i%7) / 7
			}
			ev, err := Evaluate(b, ctx, tc.model, data, batch)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if len(ev.Probabilities) != batch || len(ev.Probabilities[0]) != tc.classes {
				t.Fatalf("got %d rows of %d probabilities, want %d of %d", len(ev.Probabilities), len(ev.Probabilities[0]), batch, tc.classes)
			}
		})
	}
}

func TestMiniNetShapeTrace(t *testing.T) {
	b := testBackend(t)
	// The note prints (NCHW): input [16, 3, 32, 32], after ResConv [16, 32, 32, 32], after view
	// [16, 32768], output [16, 10]; here channels come last.
	want := []string{"input:  (16, 32, 32, 3)", "after ResConv:  (16, 32, 32, 32)", "after view:  (16, 32768)", "output:  (16, 10)"}
	var got []string
	for _, s := range NewMiniNet(true).ShapeTrace(b, 16, 32, 32, 3) {
		got = append(got, s.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("ShapeTrace = %q, want %q", got, want)
	}
	plain := NewMiniNet(false).ShapeTrace(b, 16, 32, 32, 3)
	if len(plain) != 4 || plain[1].Stage != "after Conv" {
		t.Errorf("plain ShapeTrace = %v, want 4 stages with \"after Conv\" second", plain)
	}
}

// TestTorchvisionNames checks the variable scopes the weight importer relies on.
func TestTorchvisionNames(t *testing.T) {
	b := testBackend(t)
	vggbn := NewVGG(11, 10).Scaled(1.0 / 16)
	vggbn.BatchNorm, vggbn.Hidden = true, []int{8, 8}
	tests := []struct {
		name    string
		model   ModelFn
		h, w, c int
		want    []string
	}{
		{"vgg11", NewVGG(11, 10).Scaled(1.0 / 16).Logits, 32, 32, 3, []string{
			"/features/0/conv/weights", "/features/3/conv/biases", "/features/18/conv/weights",
			"/classifier/0/dense/weights", "/classifier/3/dense/weights", "/classifier/6/dense/biases"}},
		{"vgg11_bn", vggbn.Logits, 32, 32, 3, []string{
			"/features/0/conv/weights", "/features/1/batch_normalization/scale", "/features/4/conv/weights",
			"/features/26/batch_normalization/variance", "/classifier/6/dense/weights"}},
		{"resnet18", NewResNet(18, 10).Logits, 32, 32, 3, []string{
			"/conv1/conv/weights", "/bn1/batch_normalization/mean", "/layer1/0/conv1/conv/weights",
			"/layer1/1/bn2/batch_normalization/offset", "/layer2/0/downsample/0/conv/weights",
			"/layer2/0/downsample/1/batch_normalization/scale", "/layer4/1/conv2/conv/weights", "/fc/dense/weights"}},
		{"resnet50", NewResNet(50, 10).Logits, 32, 32, 3, []string{
			"/layer1/0/conv3/conv/weights", "/layer1/0/downsample/0/conv/weights", "/layer4/2/bn3/batch_normalization/scale"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names := VariableNames(b, tc.model, tc.h, tc.w, tc.c)
			for _, w := range tc.want {
				if !slices.Contains(names, w) {
					t.Errorf("variable %s missing; have %s", w, strings.Join(names, " "))
				}
			}
			for _, n := range names {
				if strings.Contains(n, "/conv/biases") && strings.HasPrefix(tc.name, "resnet") {
					t.Errorf("ResNet convolution has a bias %s; torchvision's have none", n)
				}
			}
		})
	}
	// layer1/0 of ResNet-18 keeps 64 channels at stride 1: no downsample.
	names := VariableNames(b, NewResNet(18, 10).Logits, 32, 32, 3)
	if slices.Contains(names, "/layer1/0/downsample/0/conv/weights") {
		t.Errorf("ResNet-18 layer1/0 has a downsample; torchvision's has none")
	}
}

func TestAdaptiveAvgPool2D(t *testing.T) {
	b := testBackend(t)
	// 1x3 -> 1x2 windows [0,2) and [1,3) (PyTorch's rule): means of (1,2) and (2,3), by hand.
	x := tensors.FromValue([][][][]float32{{{{1}, {2}, {3}}}})
	got, err := context.ExecOnce(b, context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return AdaptiveAvgPool2D(x, 1, 2)
	}, x)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1.5, 2.5}
	if g := tensors.MustCopyFlatData[float32](got); !slices.Equal(g, want) {
		t.Errorf("AdaptiveAvgPool2D(1,2,3 -> 2) = %v, want %v", g, want)
	}
}

func TestPadded(t *testing.T) {
	e := &Examples{Pixels: []float32{1, 2, 3, 4}, Labels: []int{5}, N: 1, Height: 2, Width: 2, Channels: 1}
	got := e.Padded(4, 4)
	// By hand: the 2x2 image in the centre of a 4x4 canvas.
	want := []float32{0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0}
	if !slices.Equal(got.Pixels, want) || got.Height != 4 || got.Labels[0] != 5 {
		t.Errorf("Padded(4, 4) = %v (%dx%d), want %v", got.Pixels, got.Height, got.Width, want)
	}
}
