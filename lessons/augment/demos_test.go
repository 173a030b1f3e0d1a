package augment

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	aug "github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/plot"
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

func TestTransformGrid(t *testing.T) {
	img := ramp(20, 30)
	rows := []Row{{"flip", aug.RandomHorizontalFlip{P: 1}}, {"crop", aug.CenterCrop{Size: 10}}}
	fig, err := TransformGrid(img, rows, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Two rows of three cells as large as the largest image (30x20), which plot.ImageGrid enlarges by
	// the whole factor k = MinCell/30 (titles and padding come on top).
	k := max(1, plot.MinCell/30)
	if w, h := fig.Bounds().Dx(), fig.Bounds().Dy(); w < 3*30*k || h < 2*20*k || w > 3*30*k+40 {
		t.Errorf("grid is %dx%d, want about %dx%d plus titles", w, h, 3*30*k, 2*20*k)
	}
}

// ramp returns an h x w RGB image with distinct values.
func ramp(h, w int) *aug.Image {
	m := aug.NewImage(h, w, 3)
	for i := range m.Pix {
		m.Pix[i] = float32(i) / float32(len(m.Pix))
	}
	return m
}
