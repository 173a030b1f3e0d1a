package cnn

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// BenchmarkTrainStep measures training throughput (one optimizer step per iteration, batch 64,
// Adam) of the course's reference networks on random 32x32x1 images. Run with
// go test -run XXX -bench TrainStep ./pkg/cnn/ and read the examples/s metric.
func BenchmarkTrainStep(b *testing.B) {
	be := testBackend(b)
	const batch = 64
	data := stripes(batch, 1).Padded(32, 32)
	for _, bc := range []struct {
		name  string
		model ModelFn
	}{
		{"narrow-vgg11", NarrowVGG11(10).Logits},
		{"cifar-resnet20", NewCIFARResNet(20, 10).Logits},
		{"mlp-5x128-bn", (&MLP{Hidden: []int{128, 128, 128, 128, 128}, NumClasses: 10, BatchNorm: true}).Logits},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.New()
			if err := ctx.SetRNGStateFromSeed(1); err != nil {
				b.Fatal(err)
			}
			cfg := TrainConfig{Steps: 1, BatchSize: batch, Optimizer: Adam, LearningRate: 1e-3}
			if _, err := Train(be, ctx, bc.model, data, nil, cfg); err != nil { // compile and warm up
				b.Fatal(err)
			}
			cfg.Steps = b.N
			b.ReportAllocs()
			b.ResetTimer()
			h, err := Train(be, ctx, bc.model, data, nil, cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(h.ExamplesPerSecond, "examples/s")
		})
	}
}
