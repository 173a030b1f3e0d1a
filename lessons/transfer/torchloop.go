package transfer

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// The note's training loop is PyTorch's: a DataLoader with shuffle=True hands out batches of 32
// and a last, smaller batch (244 = 7 x 32 + 20), and nn.Linear starts the new head small. The two
// functions here make the course's loop do the same, since on 16 optimizer steps both matter.

// torchLinearInit wraps model so that the variables it creates start as PyTorch's
// nn.Linear(fanIn, n) initializes its weight and bias: uniform in +-1/sqrt(fanIn). Use it when the
// only variables still to be created are the new head's (every other one holds imported weights);
// GoMLX's default, He initialization, would start the head about 2.5 times larger.
func torchLinearInit(model cnn.ModelFn, fanIn int) cnn.ModelFn {
	bound := 1 / math.Sqrt(float64(fanIn))
	return func(ctx *context.Context, x *graph.Node) *graph.Node {
		return model(ctx.WithInitializer(initializers.RandomUniformFn(ctx, -bound, bound)), x)
	}
}

// trainEpoch trains model for one pass over train as the note's loop does: the examples shuffled by
// rng, then batches of cfg.BatchSize and the remainder as one last, smaller batch (cnn.Train drops
// an incomplete batch, so it gets a call of its own; the optimizer's state, momentum included,
// lives in ctx and carries over). cfg.Epochs and cfg.Steps are ignored. It returns the epoch's
// loss and accuracy averaged over the examples, as the note's running sums are.
func trainEpoch(b backends.Backend, ctx *context.Context, model cnn.ModelFn, train *cnn.Examples, cfg cnn.TrainConfig, rng *rand.Rand) (loss, acc float64, err error) {
	if cfg.BatchSize < 1 {
		return 0, 0, fmt.Errorf("transfer: batch size %d, want >= 1", cfg.BatchSize)
	}
	perm := rng.Perm(train.N)
	full := train.N / cfg.BatchSize * cfg.BatchSize
	cfg.Epochs, cfg.Steps = 1, 0
	for _, part := range [][]int{perm[:full], perm[full:]} {
		if len(part) == 0 {
			continue
		}
		h, err := cnn.Train(b, ctx, model, train.Subset(part), nil, cfg)
		if err != nil {
			return 0, 0, err
		}
		e := h.Epochs[0]
		loss += e.TrainLoss * float64(len(part))
		acc += e.TrainAccuracy * float64(len(part))
	}
	return loss / float64(train.N), acc / float64(train.N), nil
}
