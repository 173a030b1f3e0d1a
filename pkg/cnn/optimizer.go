package cnn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// Optimizer selects the update rule.
type Optimizer int

const (
	// SGD is stochastic gradient descent with optional momentum, as PyTorch 1.13's torch.optim.SGD
	// (no dampening, not Nesterov): g += wd*w; v = momentum*v + g; w -= lr*v.
	SGD Optimizer = iota
	// Adam is PyTorch 1.13's torch.optim.Adam with betas (0.9, 0.999), eps 1e-8 and L2 weight decay
	// added to the gradient.
	Adam
)

// String names the optimizer.
func (o Optimizer) String() string {
	switch o {
	case SGD:
		return "sgd"
	case Adam:
		return "adam"
	}
	return fmt.Sprintf("Optimizer(%d)", int(o))
}

// OptimizerScope is the scope under which optimizer state (momentum buffers, Adam moments, the
// step counter) is stored, mirroring each variable's own scope.
const OptimizerScope = "/optimizer"

// trainableVars lists the trainable variables the graph uses, in creation order.
func trainableVars(ctx *context.Context, g *graph.Graph) []*context.Variable {
	var vars []*context.Variable
	for v := range ctx.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
		}
	}
	return vars
}

// stateVar returns (creating with zeros) the optimizer state variable `name` for v.
func stateVar(ctx *context.Context, v *context.Variable, name string) *context.Variable {
	return ctx.InAbsPath(OptimizerScope+v.Scope()).Checked(false).WithInitializer(initializers.Zero).
		VariableWithShape(v.Name()+"_"+name, v.Shape()).SetTrainable(false)
}

// applyUpdate builds the optimizer step for vars given their gradients and the scalar learning rate.
func applyUpdate(ctx *context.Context, cfg *TrainConfig, vars []*context.Variable, grads []*graph.Node, lr *graph.Node) {
	if len(vars) == 0 {
		return
	}
	g := lr.Graph()
	stepVar := ctx.InAbsPath(OptimizerScope).Checked(false).WithInitializer(initializers.Zero).
		VariableWithShape("step", shapes.Make(dtypes.Float32)).SetTrainable(false)
	step := graph.OnePlus(stepVar.ValueGraph(g))
	stepVar.SetValueGraph(step)
	for i, v := range vars {
		w := v.ValueGraph(g)
		grad := grads[i]
		rate := lr
		if cfg.LRScale != nil {
			scale := cfg.LRScale(v)
			if !(scale >= 0 && scale <= math.MaxFloat32) {
				// An error (not a string) so that building the training step returns it.
				panic(fmt.Errorf("TrainConfig.LRScale(%s) is %v, want a finite number >= 0", v.ScopeAndName(), scale))
			}
			if scale == 0 {
				continue
			}
			rate = graph.MulScalar(lr, scale)
		}
		if cfg.WeightDecay > 0 {
			grad = graph.Add(grad, graph.MulScalar(w, cfg.WeightDecay))
		}
		switch cfg.Optimizer {
		case SGD:
			update := grad
			if cfg.Momentum > 0 {
				buf := stateVar(ctx, v, "momentum")
				update = graph.Add(graph.MulScalar(buf.ValueGraph(g), cfg.Momentum), grad)
				buf.SetValueGraph(update)
			}
			v.SetValueGraph(graph.Sub(w, graph.Mul(rate, update)))
		case Adam:
			const beta1, beta2, eps = 0.9, 0.999, 1e-8
			mVar, vVar := stateVar(ctx, v, "adam_m"), stateVar(ctx, v, "adam_v")
			m := graph.Add(graph.MulScalar(mVar.ValueGraph(g), beta1), graph.MulScalar(grad, 1-beta1))
			s := graph.Add(graph.MulScalar(vVar.ValueGraph(g), beta2), graph.MulScalar(graph.Square(grad), 1-beta2))
			mVar.SetValueGraph(m)
			vVar.SetValueGraph(s)
			// Bias corrections 1 - beta^t.
			c1 := graph.OneMinus(graph.Pow(graph.Scalar(g, dtypes.Float32, beta1), step))
			c2 := graph.OneMinus(graph.Pow(graph.Scalar(g, dtypes.Float32, beta2), step))
			denom := graph.AddScalar(graph.Sqrt(graph.Div(s, c2)), eps)
			v.SetValueGraph(graph.Sub(w, graph.Mul(rate, graph.Div(graph.Div(m, c1), denom))))
		default:
			panic(fmt.Sprintf("cnn: unknown optimizer %d", int(cfg.Optimizer)))
		}
	}
}
