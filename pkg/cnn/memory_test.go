package cnn

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

func TestActivationBytes(t *testing.T) {
	b := testBackend(t)
	tests := []struct {
		name                    string
		model                   ModelFn
		height, width, channels int
		// atLeast sums, by hand, the input and the outputs of the model's layers per image (4
		// bytes a value); the graph has these and the layers' intermediate values, so the
		// estimate must lie in [atLeast, 2 x atLeast].
		atLeast int64
	}{
		// Input 4, logits 3.
		{"linear 4 -> 3", (&MLP{NumClasses: 3}).Logits, 1, 4, 1, 4 * (4 + 3)},
		// Input 28x28x1; conv, BatchNorm and ReLU of 28x28x32, pooled 14x14x32; the same of
		// 14x14x64, pooled 7x7x64; dense 128 and its ReLU; logits 10.
		{"SmallCNN on 28x28x1", NewSmallCNN(10).Logits, 28, 28, 1,
			4 * (28*28 + 3*28*28*32 + 14*14*32 + 3*14*14*64 + 7*7*64 + 2*128 + 10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ActivationBytes(b, tc.model, tc.height, tc.width, tc.channels)
			if err != nil {
				t.Fatal(err)
			}
			if got < tc.atLeast || got > 2*tc.atLeast {
				t.Errorf("ActivationBytes = %d, want in [%d, %d] (by hand)", got, tc.atLeast, 2*tc.atLeast)
			}
		})
	}
	// Errors, not panics: sizes out of range, a model that cannot be built on the input.
	broken := func(ctx *context.Context, x *graph.Node) *graph.Node { return graph.Reshape(x, 7) }
	for _, c := range []struct {
		name  string
		model ModelFn
		h     int
		want  string
	}{
		{"zero height", NewSmallCNN(10).Logits, 0, "want positive sizes"},
		{"model that does not build", broken, 28, "building the model on 1x28x28x1 images"},
	} {
		if _, err := ActivationBytes(b, c.model, c.h, 28, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
}
