package augment

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestDemos(t *testing.T) {
	cfg := Quick()
	var r Report
	figs, err := Demos(cfg, &r)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("photos from %s; mosaic %+v", r.Photos, r.Mosaic)
	for _, name := range []string{TransformsPNG, CutMixPNG, MixUpPNG, MosaicPNG} {
		f := figs[name]
		if f == nil || f.Bounds().Dx() < 100 || f.Bounds().Dy() < 100 {
			t.Errorf("figure %s missing or tiny", name)
			continue
		}
		if dir := os.Getenv("AUGMENT_FIGURES"); dir != "" {
			if err := f.Save(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Mixed labels: weights sum to 1 and each image keeps at least part of its own label.
	for _, set := range [][]MixedSample{r.CutMix, r.MixUp} {
		if len(set) != 4 {
			t.Fatalf("%d mixed samples, want 4 (2 per class)", len(set))
		}
		for i, s := range set {
			if math.Abs(s.OwnWeight+s.PartnerWeight-1) > 1e-6 || s.OwnWeight < 0 || s.PartnerWeight < 0 {
				t.Errorf("sample %d: weights %v + %v, want non-negative summing to 1", i, s.OwnWeight, s.PartnerWeight)
			}
		}
	}
	// Mosaic: never more boxes than came in, and the default digits leave some on the canvas.
	if r.Mosaic.BoxesKept > r.Mosaic.BoxesIn || r.Mosaic.BoxesKept == 0 {
		t.Errorf("mosaic kept %d of %d boxes", r.Mosaic.BoxesKept, r.Mosaic.BoxesIn)
	}
}
