package cnn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
)

// LayerScope turns a layer name written either way, torchvision's "classifier.6" or GoMLX's
// "classifier/6" (with or without the leading "/"), into the GoMLX scope "/classifier/6". The empty
// name is the root: every layer.
func LayerScope(name string) string {
	name = strings.Trim(strings.ReplaceAll(name, ".", "/"), "/")
	return "/" + name
}

// inLayer reports whether scope is the layer scope prefix or lies under it.
func inLayer(scope, prefix string) bool {
	return prefix == "/" || scope == prefix || strings.HasPrefix(scope, prefix+"/")
}

// ReplaceHead deletes the variables of the layer named name ("classifier.6" for VGG, "fc" for
// ResNet) and their optimizer state, so that the next build of a model with a different NumClasses
// creates a fresh, randomly initialized head there: the GoMLX equivalent of PyTorch's
// net.classifier[6] = nn.Linear(4096, 2). It returns the number of variables deleted, and an error
// when the layer has none.
func ReplaceHead(ctx *context.Context, name string) (int, error) {
	scope := LayerScope(name)
	n := 0
	for v := range ctx.IterVariables() {
		if inLayer(v.Scope(), scope) {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("cnn: replacing head %q: no variables under scope %s", name, scope)
	}
	for _, s := range []string{scope, OptimizerScope + scope} {
		if err := ctx.InAbsPath(s).DeleteVariablesInScope(); err != nil {
			return 0, fmt.Errorf("cnn: replacing head %q: %w", name, err)
		}
	}
	return n, nil
}

// isParameter reports whether v is a learnable parameter of a layer (weights, biases, BatchNorm
// scale and offset): what PyTorch's named_parameters lists. BatchNorm running statistics are
// buffers, never trainable.
func isParameter(v *context.Variable) bool {
	key, ok := TorchName(v.Scope(), v.Name())
	return ok && !strings.HasSuffix(key, ".running_mean") && !strings.HasSuffix(key, ".running_var")
}

// Trainability decides which layers train, by layer name prefix, like setting requires_grad in
// PyTorch: rules apply in order and a later rule overrides an earlier one for the layers it
// covers; layers no rule covers stay trainable. Names are written as for LayerScope.
//
// For example, the study note's recipe (train only VGG's last layer):
//
//	t := new(cnn.Trainability).Freeze("").Unfreeze("classifier.6")
//
// GoMLX's BatchNorm marks its scale and offset trainable every time the model's graph is built, so
// wrap the model with Model (or call Apply after each build) rather than setting flags once.
type Trainability struct {
	rules []trainRule
}

type trainRule struct {
	scope     string
	trainable bool
}

// Freeze adds rules making the named layers (and everything under them) not trainable.
func (t *Trainability) Freeze(names ...string) *Trainability {
	for _, n := range names {
		t.rules = append(t.rules, trainRule{LayerScope(n), false})
	}
	return t
}

// Unfreeze adds rules making the named layers (and everything under them) trainable again.
func (t *Trainability) Unfreeze(names ...string) *Trainability {
	for _, n := range names {
		t.rules = append(t.rules, trainRule{LayerScope(n), true})
	}
	return t
}

// Trainable reports whether a variable in the given scope trains under the rules.
func (t *Trainability) Trainable(scope string) bool {
	trainable := true
	for _, r := range t.rules {
		if inLayer(scope, r.scope) {
			trainable = r.trainable
		}
	}
	return trainable
}

// Apply sets the Trainable flag of every layer parameter in ctx according to the rules. Other
// variables (BatchNorm statistics, optimizer state) are left alone.
func (t *Trainability) Apply(ctx *context.Context) {
	for v := range ctx.IterVariables() {
		if isParameter(v) {
			v.Trainable = t.Trainable(v.Scope())
		}
	}
}

// Model wraps model so that the rules are applied each time its graph is built: the training
// harness then takes gradients only of the trainable layers (a frozen backbone costs no backward
// pass). In training mode a frozen BatchNorm still updates its running averages, as PyTorch's does
// under model.train() with requires_grad=False.
func (t *Trainability) Model(model ModelFn) ModelFn {
	return func(ctx *context.Context, images *graph.Node) *graph.Node {
		logits := model(ctx, images)
		t.Apply(ctx)
		return logits
	}
}

// LRGroup gives the parameters under one layer name prefix their own learning rate, as a multiple
// of TrainConfig.LearningRate (PyTorch's per-parameter-group "lr", relative to the base rate).
type LRGroup struct {
	// Layer is a layer name or prefix, written as for LayerScope ("features", "classifier.6").
	Layer string
	// Scale multiplies the learning rate; 0 leaves the group's parameters unchanged (TrainConfig.LRScale).
	Scale float64
}

// LRGroups are per-layer learning-rate multipliers; the group with the longest matching prefix
// wins and parameters no group covers keep multiplier 1. Their Scale method is a
// TrainConfig.LRScale.
type LRGroups []LRGroup

// Scale returns the learning-rate multiplier of v.
func (gs LRGroups) Scale(v *context.Variable) float64 {
	best, scale := -1, 1.0
	for _, g := range gs {
		s := LayerScope(g.Layer)
		if inLayer(v.Scope(), s) && len(s) > best {
			best, scale = len(s), g.Scale
		}
	}
	return scale
}

// ParamInfo describes one parameter tensor of a model.
type ParamInfo struct {
	// Name is the torchvision state-dict name ("classifier.6.weight").
	Name string
	// Variable is the GoMLX scope/name ("/classifier/6/dense/weights").
	Variable string
	// Shape is the GoMLX shape; Size its number of values.
	Shape []int
	Size  int
	// Trainable is the variable's current flag.
	Trainable bool
}

// ParamSummary lists a model's parameters and counts the trainable and frozen ones.
type ParamSummary struct {
	// Params lists every layer parameter in creation order (BatchNorm running statistics excluded).
	Params []ParamInfo
	// Trainable and Frozen count parameter values; TrainableTensors and FrozenTensors count tensors.
	Trainable, Frozen               int
	TrainableTensors, FrozenTensors int
}

// SummarizeParams lists the layer parameters of ctx with their current Trainable flags (apply a
// Trainability first).
func SummarizeParams(ctx *context.Context) ParamSummary {
	var s ParamSummary
	for v := range ctx.IterVariables() {
		if !isParameter(v) {
			continue
		}
		name, _ := TorchName(v.Scope(), v.Name())
		p := ParamInfo{Name: name, Variable: v.ScopeAndName(), Shape: v.Shape().Dimensions, Size: v.Shape().Size(), Trainable: v.Trainable}
		s.Params = append(s.Params, p)
		if p.Trainable {
			s.Trainable += p.Size
			s.TrainableTensors++
		} else {
			s.Frozen += p.Size
			s.FrozenTensors++
		}
	}
	return s
}

// String prints the summary as the study note prints params_to_update: the names of the
// parameters that will train, a rule, then the counts.
func (s ParamSummary) String() string {
	var b strings.Builder
	for _, p := range s.Params {
		if p.Trainable {
			fmt.Fprintf(&b, "%s\n", p.Name)
		}
	}
	fmt.Fprintf(&b, "-----------\n")
	fmt.Fprintf(&b, "trainable: %s parameters in %d tensors\n", groupDigits(s.Trainable), s.TrainableTensors)
	fmt.Fprintf(&b, "frozen:    %s parameters in %d tensors\n", groupDigits(s.Frozen), s.FrozenTensors)
	return b.String()
}

// groupDigits writes n with thousands separators: 134260544 -> "134,260,544".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// VGGBackbone is v up to its last hidden layer (features, adaptive pooling and every classifier
// layer but the last, with their ReLUs): it maps images to the penultimate features [batch,
// Hidden[last]] (4096 for torchvision's VGG) using the same variables as v.Logits. The dropout
// after the last hidden layer belongs to VGGHead. v must have at least one hidden layer.
func VGGBackbone(v *VGG) ModelFn {
	if len(v.Hidden) == 0 {
		panic("cnn: VGGBackbone needs a VGG with at least one hidden layer")
	}
	trunk := *v
	trunk.Hidden = v.Hidden[:len(v.Hidden)-1]
	trunk.NumClasses = v.Hidden[len(v.Hidden)-1]
	return func(ctx *context.Context, images *graph.Node) *graph.Node {
		return activations.Relu(trunk.Logits(ctx, images))
	}
}

// VGGHead is v's last layer on the features VGGBackbone computes (given as [batch, 1, 1, F] or
// [batch, F]), with the dropout torchvision applies before it in training: VGGHead(v) after
// VGGBackbone(v) computes v.Logits, with the same variables ("classifier/6" for two hidden layers).
func VGGHead(v *VGG) ModelFn {
	return func(ctx *context.Context, features *graph.Node) *graph.Node {
		x := flatten(features)
		if v.Dropout > 0 {
			x = layers.DropoutStatic(ctx, x, v.Dropout)
		}
		return layers.DenseWithBias(ctx.In("classifier").In(strconv.Itoa(3*len(v.Hidden))), x, v.NumClasses)
	}
}
