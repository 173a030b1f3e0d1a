package cnn

import (
	"sort"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// buildOnly builds model's graph on an input of the given shape in ctx, creating its variables
// (uninitialized) without compiling or running anything, and returns the logits' shape.
func buildOnly(b backends.Backend, ctx *context.Context, model ModelFn, input []int) shapes.Shape {
	g := graph.NewGraph(b, "cnn_build")
	defer g.Finalize()
	x := graph.Parameter(g, "images", shapes.Make(dtypes.Float32, input...))
	return model(ctx.Checked(false), x).Shape()
}

// CreateVariables builds model on an input of shape [1, height, width, channels] in ctx without
// running it, so that ctx holds all the model's variables (uninitialized until first used, or set
// by a weight loader). It returns the logits' dimensions.
func CreateVariables(b backends.Backend, ctx *context.Context, model ModelFn, height, width, channels int) []int {
	return buildOnly(b, ctx, model, []int{1, height, width, channels}).Dimensions
}

// LayerParams is the number of trainable parameters under one variable scope (a layer).
type LayerParams struct {
	// Scope is the layer's scope, e.g. "/features/0/conv".
	Scope string
	// Params counts its trainable values (weights and biases; BatchNorm scale and offset).
	Params int
}

// ParamCount builds model on an input of shape [1, height, width, channels] (nothing is run) and
// returns its total number of trainable parameters and the count per layer in build order. BatchNorm
// running averages are not parameters and are not counted, as in PyTorch's
// sum(p.numel() for p in model.parameters()).
func ParamCount(b backends.Backend, model ModelFn, height, width, channels int) (total int, perLayer []LayerParams) {
	ctx := context.New()
	buildOnly(b, ctx, model, []int{1, height, width, channels})
	return countTrainable(ctx)
}

// countTrainable sums the trainable variables of ctx per scope, in creation order.
func countTrainable(ctx *context.Context) (int, []LayerParams) {
	index := map[string]int{}
	var perLayer []LayerParams
	total := 0
	for v := range ctx.IterVariables() {
		if !v.Trainable {
			continue
		}
		n := v.Shape().Size()
		total += n
		i, ok := index[v.Scope()]
		if !ok {
			i = len(perLayer)
			index[v.Scope()] = i
			perLayer = append(perLayer, LayerParams{Scope: v.Scope()})
		}
		perLayer[i].Params += n
	}
	return total, perLayer
}

// VariableNames lists the scope/name of every variable model creates on an input of shape [1,
// height, width, channels], sorted: the names a weight importer must provide.
func VariableNames(b backends.Backend, model ModelFn, height, width, channels int) []string {
	ctx := context.New()
	buildOnly(b, ctx, model, []int{1, height, width, channels})
	var names []string
	for v := range ctx.IterVariables() {
		if strings.HasPrefix(v.Scope(), "/") {
			names = append(names, v.ScopeAndName())
		}
	}
	sort.Strings(names)
	return names
}
