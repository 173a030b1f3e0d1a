package vgg

import (
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/lessons/lessontest"
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

func TestModelDepth(t *testing.T) {
	ladder := Quick()
	paper := Config{Width: 0.25, Hidden: []int{512, 512}} // the paper's configurations (no StageWidths)
	tests := []struct {
		name    string
		cfg     Config
		depth   int
		wantErr bool
	}{
		{"ladder 1 conv per stage", ladder, 5, false},
		{"ladder 2 convs per stage", ladder, 8, false},
		{"ladder 3 convs per stage", ladder, 11, false},
		{"ladder, not a multiple of the stages", ladder, 7, true},
		{"ladder, no convolutions", ladder, 2, true},
		{"paper VGG-11", paper, 11, false},
		{"paper VGG-19", paper, 19, false},
		{"paper, no configuration", paper, 12, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.cfg.Model(tt.depth)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Model(%d) = %v, want an error", tt.depth, v.Layers)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Depth() != tt.depth || !v.BatchNorm {
				t.Errorf("Model(%d) has depth %d and BatchNorm %v, want %d and true", tt.depth, v.Depth(), v.BatchNorm, tt.depth)
			}
		})
	}
}

// TestQuickRun runs the quick preset and checks the lesson's claims with margins, on seed 1 or on
// seeds 1 to $CVLESSONS_SEEDS (lessontest.RunSeeds): the spreads beside the assertions are seeds
// 1-5 on a 2-core AMD EPYC, pure-Go backend.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three networks")
	}
	lessontest.RunSeeds(t, func(t *testing.T, seed int) { checkQuick(t, int64(seed)) })
}

func checkQuick(t *testing.T, seed int64) {
	cfg := Quick()
	cfg.Seed = seed
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
		// Chance is 10%; every depth must learn the clothes (seeds 1-5: 84.9-87.4%).
		if d.TestAccuracy < 0.8 {
			t.Errorf("VGG-%d test accuracy %.3f, want >= 0.8", d.Depth, d.TestAccuracy)
		}
	}
	// Depth helps, up to a point. Seeds 1-5 of Quick (2-core AMD EPYC) gave test accuracies VGG-5
	// 85.7/85.2/84.9/86.0/86.5%, VGG-8 86.8/87.1/86.2/86.9/87.4%, VGG-11 85.8/87.4/86.6/86.4/87.2%:
	// the better deeper net beat VGG-5 by 0.9-2.2 points, and the deeper nets' last-epoch training
	// loss was 0.77-0.92 of VGG-5's. VGG-11 did not beat VGG-8 on three seeds of five (the "point"),
	// which is reported, not asserted.
	shallow := r.Depths[0]
	best := 0.0
	for _, d := range r.Depths[1:] {
		best = max(best, d.TestAccuracy)
		if d.TrainLoss > 0.95*shallow.TrainLoss {
			t.Errorf("VGG-%d's last-epoch training loss %.3f is not 5%% below VGG-%d's %.3f", d.Depth, d.TrainLoss, shallow.Depth, shallow.TrainLoss)
		}
	}
	if best < shallow.TestAccuracy+0.005 {
		t.Errorf("the deeper nets' best test accuracy %.4f does not beat VGG-%d's %.4f by 0.5 points", best, shallow.Depth, shallow.TestAccuracy)
	}
	for i := 1; i < len(r.Depths); i++ {
		if r.Depths[i].Params <= r.Depths[i-1].Params {
			t.Errorf("VGG-%d has %d parameters, not more than VGG-%d's %d", r.Depths[i].Depth, r.Depths[i].Params,
				r.Depths[i-1].Depth, r.Depths[i-1].Params)
		}
	}
}
