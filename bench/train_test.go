package bench

import (
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
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
		{"mnist-cnn", 4, 0, "must be positive"},
	} {
		if _, err := Train(b, c.model, c.batch, c.steps); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Train(%q, %d, %d) error = %v, want one containing %q", c.model, c.batch, c.steps, err, c.want)
		}
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
