package vgg

import (
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

func TestCompareKernels(t *testing.T) {
	b, err := backend.NewLogged(nil)
	if err != nil {
		t.Fatal(err)
	}
	const c = 64
	// The paper's section 2.3 (notes README): two 3x3 = 18C^2 vs 25C^2; three = 27C^2 vs 49C^2.
	want := []KernelComparison{
		{Stack: 2, Kernel: 5, Channels: c, StackParams: 18 * c * c, SingleParams: 25 * c * c, StackReLUs: 2, SingleReLUs: 1},
		{Stack: 3, Kernel: 7, Channels: c, StackParams: 27 * c * c, SingleParams: 49 * c * c, StackReLUs: 3, SingleReLUs: 1},
	}
	got := CompareKernels(b, c)
	if len(got) != len(want) {
		t.Fatalf("CompareKernels returned %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("CompareKernels row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReceptiveFields(t *testing.T) {
	rows := ReceptiveFields(cnn.VGGConfigD)
	// By hand with r' = r + (k-1)j, j' = js; VGG-16's pool5 field of 212 is the commonly quoted value.
	want := map[string]int{"conv1_1": 3, "conv1_2": 5, "pool1": 6, "conv2_1": 10, "conv3_3": 40, "pool3": 44,
		"conv5_3": 196, "pool5": 212}
	found := 0
	for _, r := range rows {
		if w, ok := want[r.Layer]; ok {
			found++
			if r.Field != w {
				t.Errorf("receptive field of %s = %d, want %d", r.Layer, r.Field, w)
			}
		}
	}
	if found != len(want) || len(rows) != 18 {
		t.Errorf("got %d rows (%d checked), want 18 rows (13 conv + 5 pool) including %d checked", len(rows), found, len(want))
	}
}

// TestQuickRun runs the quick preset and checks the lesson's claims with margins.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three networks")
	}
	cfg := Quick()
	if os.Getenv("CVLESSONS_TEST_VERBOSE") != "" {
		cfg.Progress = os.Stderr
	}
	cfg.OutDir = t.TempDir()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Summary())
	if len(r.Depths) != 3 || len(r.FigurePaths) != 2 {
		t.Fatalf("got %d depths and %d figures, want 3 and 2", len(r.Depths), len(r.FigurePaths))
	}
	for _, d := range r.Depths {
		// Chance is 10%; every depth must learn the clothes.
		if d.TestAccuracy < 0.6 {
			t.Errorf("VGG-%d test accuracy %.3f, want >= 0.6", d.Depth, d.TestAccuracy)
		}
	}
	for i := 1; i < len(r.Depths); i++ {
		if r.Depths[i].Params <= r.Depths[i-1].Params {
			t.Errorf("VGG-%d has %d parameters, not more than VGG-%d's %d", r.Depths[i].Depth, r.Depths[i].Params,
				r.Depths[i-1].Depth, r.Depths[i-1].Params)
		}
	}
}
