package welcome

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestMoons(t *testing.T) {
	pts, labels := Moons(200, 0, rand.New(rand.NewPCG(1, 2)))
	if len(pts) != 400 || len(labels) != 200 {
		t.Fatalf("got %d coordinates and %d labels, want 400 and 200", len(pts), len(labels))
	}
	// By hand: without noise, label 0 points lie on the unit circle around (0, 0) with y >= 0,
	// label 1 points on the unit circle around (1, 0.5) with y <= 0.5.
	for i, l := range labels {
		x, y := float64(pts[2*i]), float64(pts[2*i+1])
		cx, cy, up := 0.0, 0.0, true
		if l == 1 {
			cx, cy, up = 1, 0.5, false
		}
		if r := math.Hypot(x-cx, y-cy); math.Abs(r-1) > 1e-5 {
			t.Errorf("point %d (%v, %v) label %v is %v from its centre, want 1", i, x, y, l, r)
		}
		if (y >= cy-1e-6) != up {
			t.Errorf("point %d (%v, %v) label %v is on the wrong half", i, x, y, l)
		}
		if want := float32(0); i >= 100 {
			want = 1
			if l != want {
				t.Errorf("label %d = %v, want %v", i, l, want)
			}
		} else if l != want {
			t.Errorf("label %d = %v, want %v", i, l, want)
		}
	}
}

func TestRunQuick(t *testing.T) {
	cfg := Quick()
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	if len(r.Loss) != cfg.Steps {
		t.Fatalf("%d losses, want one per step (%d)", len(r.Loss), cfg.Steps)
	}
	// The lesson's claim: the loop learns. By hand: an untrained logit near 0 gives a loss near
	// ln 2 = 0.69; the moons with noise 0.1 are separable by a small ReLU net, so the loss must fall
	// well below that and the test accuracy must be high. Margins leave room for other backends.
	if first, last := r.Loss[0], r.Loss[len(r.Loss)-1]; !(last < 0.5*first) {
		t.Errorf("loss %.3f -> %.3f, want the final loss below half the first", first, last)
	}
	if r.TestAccuracy < 0.9 {
		t.Errorf("test accuracy %.3f, want >= 0.9", r.TestAccuracy)
	}
	if len(r.Figures()) != 1 || filepath.Base(r.Figures()[0]) != "loss.png" {
		t.Fatalf("figures %v, want [.../loss.png]", r.Figures())
	}
	if st, err := os.Stat(r.Figures()[0]); err != nil || st.Size() == 0 {
		t.Errorf("loss.png: %v, size %v", err, st)
	}
}

func TestRunBadConfig(t *testing.T) {
	cfg := Quick()
	cfg.Steps = 0
	if _, err := Run(cfg); err == nil {
		t.Errorf("Run with 0 steps succeeded, want an error")
	}
}
