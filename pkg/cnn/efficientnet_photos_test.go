package cnn

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// darknetDataDir is where Debian's darknet package (0.0.0+git20180914.61c9d02e) installs its
// sample photos; $CVLESSONS_DARKNET_DATA overrides it.
func darknetDataDir() string {
	if d := os.Getenv("CVLESSONS_DARKNET_DATA"); d != "" {
		return d
	}
	return "/usr/share/darknet/data"
}

// TestEfficientNetPhotos classifies real photos with the ImageNet weights (Resize 256, CenterCrop
// 224, EfficientNet-Lite normalization) and checks the top-1 class. Each expected class is the one
// efficientnet_lite_pytorch 0.1.0 on PyTorch 1.13 gives with the same weights and PIL's bilinear
// Resize(256) + CenterCrop(224) (printed by gen_efficientnet.py), with its probability there; all
// have a margin of at least 0.12 over the second class. The ants/bees photos are from shared/datasets/hymenoptera_data (val); the others
// are darknet's samples (apt-get install darknet). Each group is skipped when absent, as is the
// whole test without the weights.
func TestEfficientNetPhotos(t *testing.T) {
	sd := efficientNetImageNetWeights(t)
	hymenoptera, hymErr := datasets.HymenopteraDir()
	darknet := darknetDataDir()
	classify, finalize := efficientNetClassifier(t, sd)
	defer finalize()
	for _, tc := range []struct {
		group, file string
		class       int
		name        string
		pytorchProb float64 // PyTorch's top-1 probability, for the record
	}{
		{"hymenoptera", "val/ants/1053149811_f62a3410d3.jpg", 310, "ant", 0.50},
		{"hymenoptera", "val/ants/1119630822_cd325ea21a.jpg", 310, "ant", 0.81},
		{"hymenoptera", "val/bees/10870992_eebeeb3a12.jpg", 309, "bee", 0.75},
		{"hymenoptera", "val/bees/1297972485_33266a18d9.jpg", 309, "bee", 0.78},
		{"darknet", "dog.jpg", 235, "German shepherd", 0.40},
		{"darknet", "eagle.jpg", 21, "kite", 0.50},
		{"darknet", "giraffe.jpg", 340, "zebra", 0.55},
		{"darknet", "kite.jpg", 701, "parachute", 0.56},
	} {
		var path string
		switch tc.group {
		case "hymenoptera":
			if hymErr != nil {
				t.Logf("skipping %s: ants/bees not found beside the repository (shared/datasets/hymenoptera_data): %v", tc.file, hymErr)
				continue
			}
			path = filepath.Join(hymenoptera, filepath.FromSlash(tc.file))
		case "darknet":
			path = filepath.Join(darknet, tc.file)
			if _, err := os.Stat(path); err != nil {
				t.Logf("skipping %s: darknet's sample photos not found in %s (apt-get install darknet, or set $CVLESSONS_DARKNET_DATA)", tc.file, darknet)
				continue
			}
		}
		rgb, err := datasets.DecodeImageFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := PreprocessEfficientNetLite(rgb)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tc.file, func(t *testing.T) {
			logits := classify(img.Pix)
			top := TopK(logits, 2, ImageNetClasses())
			t.Logf("%s: %s; then %s (PyTorch: %.2f)", tc.file, top[0], top[1], tc.pytorchProb)
			if top[0].Class != tc.class {
				t.Errorf("%s: top-1 = %s, want %s (%d)", tc.file, top[0], tc.name, tc.class)
			}
		})
	}
}

// efficientNetClassifier returns a function giving the 1000 logits of one preprocessed 224x224
// image (HWC) with the weights sd, and the function that releases it.
func efficientNetClassifier(t *testing.T, sd *StateDict) (classify func(pix []float32) []float32, finalize func()) {
	t.Helper()
	b := weightsBackend(t)
	e := NewEfficientNetLite0(1000)
	ctx := context.New()
	if _, err := ImportModel(b, ctx, e.Logits, ImageNetSize, sd, ImportOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), false)
		return e.Logits(ctx, images)
	})
	if err != nil {
		t.Fatal(err)
	}
	return func(pix []float32) []float32 {
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(pix, 1, ImageNetSize, ImageNetSize, 3))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}, exec.Finalize
}
