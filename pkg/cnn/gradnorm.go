package cnn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
)

// GradNorm is the L2 norm of the loss gradient with respect to one layer's trainable variables
// (all variables in one scope, e.g. a convolution's weights and biases).
type GradNorm struct {
	Scope string
	Norm  float64
}

// GradientNorms computes, on the first min(batchSize, data.N) examples, the mean cross-entropy
// loss and its gradient's L2 norm per layer, in the order the layers were created (input to
// output). The model runs in training mode (BatchNorm uses batch statistics) on a clone of ctx, so
// nothing in ctx changes except that the model's variables are created and initialized if missing. Call it at initialization and after training to see how the gradient
// reaches the first layers.
func GradientNorms(b backends.Backend, ctx *context.Context, model ModelFn, data *Examples, batchSize int) ([]GradNorm, float64, error) {
	if err := data.Check(); err != nil {
		return nil, 0, err
	}
	n := min(batchSize, data.N)
	if n <= 0 {
		return nil, 0, fmt.Errorf("cnn: gradient norms need batchSize > 0, got %d", batchSize)
	}
	// Create and initialize the model's variables in ctx itself (a no-op when they exist), so the
	// norms are those of the weights that training will start from.
	CreateVariables(b, ctx, model, data.Height, data.Width, data.Channels)
	if err := ctx.InitializeVariables(b, nil); err != nil {
		return nil, 0, fmt.Errorf("cnn: gradient norms: initializing variables: %w", err)
	}
	clone, err := ctx.Clone()
	if err != nil {
		return nil, 0, fmt.Errorf("cnn: gradient norms: cloning context: %w", err)
	}
	defer clone.Finalize()
	var scopes []string
	exec, err := context.NewExec(b, clone.Checked(false), func(ctx *context.Context, images, labels *graph.Node) []*graph.Node {
		g := images.Graph()
		ctx.SetTraining(g, true)
		logits := model(ctx, images)
		loss := losses.SparseCategoricalCrossEntropyLogits([]*graph.Node{labels}, []*graph.Node{logits})
		vars := trainableVars(ctx, g)
		nodes := make([]*graph.Node, len(vars))
		for i, v := range vars {
			nodes[i] = v.ValueGraph(g)
		}
		grads := graph.Gradient(loss, nodes...)
		sums := map[string]*graph.Node{}
		scopes = scopes[:0]
		for i, v := range vars {
			sq := graph.ReduceAllSum(graph.Square(grads[i]))
			if s, ok := sums[v.Scope()]; ok {
				sums[v.Scope()] = graph.Add(s, sq)
			} else {
				sums[v.Scope()] = sq
				scopes = append(scopes, v.Scope())
			}
		}
		out := []*graph.Node{loss}
		for _, s := range scopes {
			out = append(out, graph.Sqrt(sums[s]))
		}
		return out
	})
	if err != nil {
		return nil, 0, fmt.Errorf("cnn: gradient norms: %w", err)
	}
	defer exec.Finalize()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	images, labels := data.batch(idx, n)
	out, err := exec.Exec(images, labels)
	if err != nil {
		return nil, 0, fmt.Errorf("cnn: gradient norms: %w", err)
	}
	norms := make([]GradNorm, len(scopes))
	for i, s := range scopes {
		norms[i] = GradNorm{Scope: s, Norm: float64(tensors.ToScalar[float32](out[i+1]))}
	}
	loss := float64(tensors.ToScalar[float32](out[0]))
	if math.IsNaN(loss) {
		return norms, loss, fmt.Errorf("cnn: gradient norms: loss is NaN")
	}
	return norms, loss, nil
}
