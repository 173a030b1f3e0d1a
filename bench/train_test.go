package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

func TestTrain(t *testing.T) {
	b, err := backend.NewGo("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	for _, model := range Models {
		t.Run(model, func(t *testing.T) {
			r, err := Train(b, model, 4, 2)
			if err != nil {
				t.Fatal(err)
			}
			if !(r.ImagesPerSecond > 0) || r.Steps != 2 || r.Batch != 4 {
				t.Errorf("Train(%s) = %+v, want 2 steps of 4 images at a positive rate", model, r)
			}
			line := r.String()
			for _, want := range []string{"model=" + model, "batch=4", "images_per_s=", "peak_rss_mb="} {
				if !strings.Contains(line, want) {
					t.Errorf("result line %q lacks %q", line, want)
				}
			}
		})
	}
}

func TestTrainErrors(t *testing.T) {
	b, err := backend.NewGo("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	for _, c := range []struct {
		model        string
		batch, steps int
		want         string
	}{
		{"lenet", 4, 2, `unknown model "lenet"`},
		{"mnist-cnn", 0, 2, "must be positive"},
		{"mnist-cnn", -1, 2, "must be positive"},
		{"mnist-cnn", 4, 0, "must be positive"},
		{"mnist-cnn", 4, -3, "must be positive"},
		{"mnist-cnn", 4, MaxSteps + 1, "--steps 1000001 is over the limit of 1000000 timed steps"},
		// Issue 17: 627 GB of random images, then a makeslice overflow; now refused before allocating.
		{"mnist-cnn", 100_000_000, 2, "--batch 100000000 needs"},
		{"resnet20", 100_000_000, 2, "of resnet20 activations"},
		{"mnist-cnn", math.MaxInt, 2, "--batch 9223372036854775807 needs more than 9223372036854775807 bytes"},
	} {
		if _, err := Train(b, c.model, c.batch, c.steps); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Train(%q, %d, %d) error = %v, want one containing %q", c.model, c.batch, c.steps, err, c.want)
		}
	}
}

func TestAccuracyRunLimits(t *testing.T) {
	b, err := backend.NewGo("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	model := cnn.NewSmallCNN(10).Logits
	for _, c := range []struct {
		name          string
		epochs, batch int
		want          string // "" when the run may go on
	}{
		{"zero epochs", 0, 64, "--epochs 0 and --batch 64 must be positive"},
		{"negative batch", 1, -64, "must be positive"},
		{"epochs over the limit", MaxEpochs + 1, 64, "--epochs 1001 is over the limit of 1000 epochs"},
		// Issue 17: silently clamped to 60000, then out of memory; now refused.
		{"batch over the training set", 1, 100_000_000, "--batch 100000000 is more than the 60000 training images"},
		{"batch one above the training set", 1, 60_001, "--batch 60001 is more than the 60000 training images"},
		{"batch of the default", 10, 128, ""},
	} {
		err := checkAccuracyRun(b, "mnist-cnn", model, [3]int{28, 28, 1}, c.epochs, c.batch)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: checkAccuracyRun(%d epochs, batch %d) = %v, want %q", c.name, c.epochs, c.batch, err, c.want)
		}
	}
}

func TestBatchPlan(t *testing.T) {
	p := batchPlan{fixed: 1000, perImage: 300, what: "test"}
	for _, c := range []struct {
		name  string
		batch int
		limit int64
		want  string // "" when the batch fits
	}{
		// By hand: 1000 + 10 x 300 = 4000 bytes.
		{"exactly at the limit", 10, 4000, ""},
		{"one byte over", 10, 3999, "--batch 10 needs 4000 bytes (4.0 kB; test), over the limit of 3999 bytes (4.0 kB; src)"},
		{"overflowing int64", math.MaxInt, math.MaxInt64, "needs more than 9223372036854775807 bytes (9.2 EB"},
		{"largest that does not overflow", (math.MaxInt64 - 1000) / 300, math.MaxInt64, ""},
		{"one above it", (math.MaxInt64-1000)/300 + 1, math.MaxInt64, "needs more than"},
	} {
		err := p.check(c.batch, c.limit, "src")
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: check(%d, %d) = %v, want %q", c.name, c.batch, c.limit, err, c.want)
		}
	}
	if limit, source := MemoryLimit(); limit <= 0 || source == "" {
		t.Errorf("MemoryLimit() = %d, %q; want a positive size and its source", limit, source)
	}
}

// BenchmarkTrain trains each reference net for 10 timed steps of batch 64 per iteration and
// reports images per second (the figure "cvlessons bench train" prints).
func BenchmarkTrain(b *testing.B) {
	be, err := backend.NewGo("")
	if err != nil {
		b.Fatal(err)
	}
	defer be.Finalize()
	for _, model := range Models {
		b.Run(model, func(b *testing.B) {
			var ips float64
			for i := 0; i < b.N; i++ {
				r, err := Train(be, model, 64, 10)
				if err != nil {
					b.Fatal(err)
				}
				ips += r.ImagesPerSecond
			}
			b.ReportMetric(ips/float64(b.N), "images/s")
		})
	}
}
