package cnn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// The sub-scopes GoMLX layers add under a module's scope, and how their variables are named in a
// torchvision state dict (see the package documentation's table).
var torchParamNames = map[string]map[string]string{
	"conv":                {"weights": "weight", "biases": "bias"},
	"dense":               {"weights": "weight", "biases": "bias"},
	"batch_normalization": {"scale": "weight", "offset": "bias", "mean": "running_mean", "variance": "running_var"},
}

// bnCountName is BatchNorm's batch counter: GoMLX's "avg_weight", torchvision's
// "num_batches_tracked". It is imported when present but never required.
const bnCountName = "avg_weight"

// pretrainedBatchCount is the smallest avg_weight given to an imported BatchNorm layer. GoMLX
// debiases its running average: a step blends the batch's statistics in with weight
// max(1 - momentum, 1/(avg_weight+1)), so a count of 0 would replace the imported statistics with
// the first training batch's. PyTorch (with a momentum, as torchvision's and EfficientNet-Lite's
// layers have) never debiases, whatever num_batches_tracked says, and converted checkpoints often
// carry 0 there (EfficientNet-Lite0's do): so the count is at least this large, and the running
// averages move from the imported ones at the layer's momentum, as in PyTorch.
const pretrainedBatchCount = 1e6

// TorchModule returns the torchvision module path ("features.0", "layer1.0.downsample.0") of a GoMLX
// layer scope ("/features/0/conv", "/layer1/0/downsample/0/batch_normalization") and the kind of
// layer ("conv", "dense" or "batch_normalization"); ok is false for scopes that are not a layer of
// the model (optimizer state, the root).
func TorchModule(scope string) (module, kind string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(scope, "/"), "/")
	if len(parts) < 2 || parts[0] == strings.TrimPrefix(OptimizerScope, "/") {
		return "", "", false
	}
	kind = parts[len(parts)-1]
	if _, known := torchParamNames[kind]; !known {
		return "", "", false
	}
	return strings.Join(parts[:len(parts)-1], "."), kind, true
}

// TorchName returns the torchvision state-dict key of a GoMLX model variable, e.g.
// ("/features/0/conv", "weights") -> "features.0.weight" and ("/bn1/batch_normalization", "mean")
// -> "bn1.running_mean". ok is false for variables with no torchvision counterpart (BatchNorm's
// avg_weight, optimizer state).
func TorchName(scope, name string) (key string, ok bool) {
	module, kind, ok := TorchModule(scope)
	if !ok {
		return "", false
	}
	param, ok := torchParamNames[kind][name]
	if !ok {
		return "", false
	}
	return module + "." + param, true
}

// ImportOptions configure ImportStateDict.
type ImportOptions struct {
	// Strict makes missing or unexpected keys an error, as PyTorch's load_state_dict(strict=True).
	// Shape mismatches are always an error, as in PyTorch.
	Strict bool
	// Flatten gives, for a Linear layer that reads a flattened feature map, that map's torchvision
	// shape (channels, height, width), keyed by module name ("classifier.0"). torchvision flattens
	// NCHW maps in (c, h, w) order and this package NHWC maps in (h, w, c) order, so the weight's
	// input rows are permuted. Nil means VGG's layout: "classifier.0" reads a (C, 7, 7) map when its
	// input size is a multiple of 49.
	Flatten map[string][3]int
}

// ImportReport says what ImportStateDict did, in PyTorch's terms.
type ImportReport struct {
	// Loaded lists the state-dict keys copied into the model, in the model's variable order.
	Loaded []string
	// Missing lists keys the model has but the checkpoint lacks (their variables keep their
	// initialization), like PyTorch's missing_keys.
	Missing []string
	// Unexpected lists checkpoint keys the model has no variable for, like unexpected_keys.
	Unexpected []string
}

// String formats the report like PyTorch's load_state_dict error message.
func (r *ImportReport) String() string {
	quote := func(keys []string) string {
		q := make([]string, len(keys))
		for i, k := range keys {
			q[i] = fmt.Sprintf("%q", k)
		}
		return strings.Join(q, ", ")
	}
	s := fmt.Sprintf("loaded %d tensors", len(r.Loaded))
	if len(r.Missing) > 0 {
		s += fmt.Sprintf("; missing key(s) in state_dict: %s", quote(r.Missing))
	}
	if len(r.Unexpected) > 0 {
		s += fmt.Sprintf("; unexpected key(s) in state_dict: %s", quote(r.Unexpected))
	}
	return s
}

// assignment is one checked copy of a checkpoint tensor into a variable.
type assignment struct {
	v     *context.Variable
	value *tensors.Tensor
}

// ImportStateDict copies a torchvision state dict into the model variables already created in ctx
// (build the model's graph once first, for instance with LoadPretrained), converting layouts:
// convolution weights [out, in, kh, kw] to [kh, kw, in, out], Linear weights [out, in] to [in, out]
// (with the flatten permutation of ImportOptions.Flatten), BatchNorm weight/bias/running_mean/
// running_var to scale/offset/mean/variance, and num_batches_tracked to avg_weight (at least 1e6, so
// that training moves the imported running statistics at the layer's momentum: see
// pretrainedBatchCount).
//
// Every shape is checked before anything is written: a mismatch returns an error naming the key,
// the checkpoint's shape and the shape the model expects (in PyTorch's layout), and leaves ctx
// unchanged. With opts.Strict, missing or unexpected keys are an error too (ctx unchanged);
// otherwise they are listed in the report.
func ImportStateDict(ctx *context.Context, sd *StateDict, opts ImportOptions) (*ImportReport, error) {
	report := &ImportReport{}
	used := make(map[string]bool, len(sd.Keys))
	var todo []assignment
	var counters []*context.Variable
	for v := range ctx.IterVariables() {
		if v.Name() == bnCountName {
			if _, kind, ok := TorchModule(v.Scope()); ok && kind == "batch_normalization" {
				counters = append(counters, v)
			}
			continue
		}
		key, ok := TorchName(v.Scope(), v.Name())
		if !ok {
			continue
		}
		t, found := sd.Tensors[key]
		if !found {
			report.Missing = append(report.Missing, key)
			continue
		}
		value, err := torchToVariable(key, t, v, opts)
		if err != nil {
			return nil, err
		}
		used[key] = true
		report.Loaded = append(report.Loaded, key)
		todo = append(todo, assignment{v, value})
	}
	for _, v := range counters {
		module, _, _ := TorchModule(v.Scope())
		count := float32(pretrainedBatchCount)
		key := module + ".num_batches_tracked"
		if t, ok := sd.Tensors[key]; ok && len(t.Data) == 1 {
			count = max(count, t.Data[0])
			used[key] = true
		}
		todo = append(todo, assignment{v, filled(v.Shape().Size(), count, v.Shape().Dimensions)})
	}
	for _, k := range sd.Keys {
		if !used[k] {
			report.Unexpected = append(report.Unexpected, k)
		}
	}
	if opts.Strict && (len(report.Missing) > 0 || len(report.Unexpected) > 0) {
		return report, fmt.Errorf("cnn: error(s) in loading state_dict (strict): %s", report)
	}
	for _, a := range todo {
		if err := a.v.SetValue(a.value); err != nil {
			return report, fmt.Errorf("cnn: setting %s: %w", a.v.ScopeAndName(), err)
		}
	}
	return report, nil
}

// filled returns a float32 tensor of the given dimensions with every value set to x.
func filled(n int, x float32, dims []int) *tensors.Tensor {
	data := make([]float32, n)
	for i := range data {
		data[i] = x
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// torchToVariable converts checkpoint tensor t (key) to the layout of variable v, checking shapes.
func torchToVariable(key string, t *Tensor, v *context.Variable, opts ImportOptions) (*tensors.Tensor, error) {
	if v.DType() != dtypes.Float32 {
		return nil, fmt.Errorf("cnn: importing %s into %s: variable is %s, want float32", key, v.ScopeAndName(), v.DType())
	}
	dims := v.Shape().Dimensions
	want := torchShape(v)
	if !slices.Equal(t.Shape, want) {
		return nil, fmt.Errorf("cnn: state dict key %q has shape %v, the model expects %v (PyTorch layout; GoMLX variable %s %v)",
			key, t.Shape, want, v.ScopeAndName(), dims)
	}
	_, kind, _ := TorchModule(v.Scope())
	switch {
	case kind == "conv" && len(dims) == 4: // GoMLX [kh, kw, in, out] <- torch [out, in, kh, kw].
		return tensors.FromFlatDataAndDimensions(permute(t.Data, want, []int{2, 3, 1, 0}), dims...), nil
	case kind == "dense" && len(dims) == 2: // GoMLX [in, out] <- torch [out, in].
		data := t.Data
		module := strings.TrimSuffix(key, ".weight")
		if chw, ok := flattenShape(module, dims[0], opts); ok {
			if chw[0]*chw[1]*chw[2] != dims[0] {
				return nil, fmt.Errorf("cnn: importing %s: flatten shape %v does not give %d inputs", key, chw, dims[0])
			}
			// torch [out, c, h, w] -> [out, h, w, c], so that input rows follow NHWC flattening.
			data = permute(data, []int{dims[1], chw[0], chw[1], chw[2]}, []int{0, 2, 3, 1})
		}
		return tensors.FromFlatDataAndDimensions(permute(data, want, []int{1, 0}), dims...), nil
	default: // Biases and BatchNorm vectors keep their layout.
		return tensors.FromFlatDataAndDimensions(slices.Clone(t.Data), dims...), nil
	}
}

// torchShape is the shape PyTorch gives the tensor stored in variable v.
func torchShape(v *context.Variable) []int {
	dims := v.Shape().Dimensions
	_, kind, _ := TorchModule(v.Scope())
	switch {
	case kind == "conv" && len(dims) == 4:
		return []int{dims[3], dims[2], dims[0], dims[1]}
	case kind == "dense" && len(dims) == 2:
		return []int{dims[1], dims[0]}
	}
	return slices.Clone(dims)
}

// flattenShape returns the (c, h, w) feature map that module's Linear layer reads, if any.
func flattenShape(module string, inputs int, opts ImportOptions) ([3]int, bool) {
	if opts.Flatten != nil {
		chw, ok := opts.Flatten[module]
		return chw, ok
	}
	if module == "classifier.0" && inputs%49 == 0 {
		return [3]int{inputs / 49, 7, 7}, true
	}
	return [3]int{}, false
}

// permute transposes row-major data of the given shape so that output axis i is input axis
// perm[i] (like numpy.transpose).
func permute(data []float32, shape, perm []int) []float32 {
	rank := len(shape)
	inStrides := make([]int, rank)
	s := 1
	for a := rank - 1; a >= 0; a-- {
		inStrides[a] = s
		s *= shape[a]
	}
	outShape := make([]int, rank)
	strides := make([]int, rank) // input stride of each output axis
	for i, p := range perm {
		outShape[i] = shape[p]
		strides[i] = inStrides[p]
	}
	out := make([]float32, len(data))
	idx := make([]int, rank)
	off := 0
	for i := range out {
		out[i] = data[off]
		for a := rank - 1; a >= 0; a-- {
			idx[a]++
			off += strides[a]
			if idx[a] < outShape[a] {
				break
			}
			off -= idx[a] * strides[a]
			idx[a] = 0
		}
	}
	return out
}

// LoadPretrained builds model's graph in ctx for inputs of size x size RGB images (creating its
// variables, running nothing), reads the torchvision checkpoint filename and imports it with
// ImportStateDict. Variables the checkpoint does not cover (a replaced head) are initialized as
// usual on first use.
func LoadPretrained(b backends.Backend, ctx *context.Context, model ModelFn, size int, filename string, opts ImportOptions) (*ImportReport, error) {
	sd, err := ReadStateDict(filename)
	if err != nil {
		return nil, err
	}
	report, err := ImportModel(b, ctx, model, size, sd, opts)
	if err != nil {
		return report, fmt.Errorf("%w (checkpoint %s)", err, filename)
	}
	return report, nil
}

// ImportModel is LoadPretrained for a state dict already read.
func ImportModel(b backends.Backend, ctx *context.Context, model ModelFn, size int, sd *StateDict, opts ImportOptions) (*ImportReport, error) {
	if err := buildModel(b, ctx, model, size); err != nil {
		return nil, err
	}
	return ImportStateDict(ctx, sd, opts)
}

// buildModel builds model on a [1, size, size, 3] input in ctx, turning a graph-building panic
// (an input too small for the network, say) into an error.
func buildModel(b backends.Backend, ctx *context.Context, model ModelFn, size int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cnn: building the model for %dx%d inputs: %v", size, size, p)
		}
	}()
	buildOnly(b, ctx, model, []int{1, size, size, 3})
	return nil
}
