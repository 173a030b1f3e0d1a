package batchnorm

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

func TestProto(t *testing.T) {
	b, _ := backend.NewLogged(os.Stderr)
	train, val, err := loadFashion(4000, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	var lrs []float64
	for _, s := range strings.Fields(os.Getenv("LRS")) {
		var f float64
		fmt.Sscan(s, &f)
		lrs = append(lrs, f)
	}
	var mom float64
	var steps int
	fmt.Sscan(os.Getenv("MOM"), &mom)
	fmt.Sscan(os.Getenv("STEPS"), &steps)
	for _, lr := range lrs {
		for _, bn := range []bool{false, true} {
			net := &Net{Channels: []int{8, 16, 32}, BatchNorm: bn}
			ctx := context.New()
			ctx.SetRNGStateFromSeed(1)
			start := time.Now()
			h, err := cnn.Train(b, ctx, net.Logits, train, val, cnn.TrainConfig{Steps: steps, BatchSize: 64, Optimizer: cnn.SGD,
				LearningRate: lr, Momentum: mom, Seed: 1, EvalEvery: 25})
			t.Logf("lr %g bn %v: %.1fs err %v", lr, bn, time.Since(start).Seconds(), err)
			if h != nil {
				for _, e := range h.Evals {
					t.Logf("  step %d acc %.3f loss %.3f", e.Step, e.Accuracy, e.Loss)
				}
				t.Logf("  eps %.0f", h.ExamplesPerSecond)
			}
		}
	}
}
