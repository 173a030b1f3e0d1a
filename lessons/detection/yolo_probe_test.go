package detection

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
)

// probeInts reads a comma-separated list of integers from the environment (nil when unset).
func probeInts(name string) []int {
	s := os.Getenv(name)
	if s == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, _ := strconv.Atoi(f)
		out = append(out, v)
	}
	return out
}

// probeInt reads an integer knob of the probe from the environment.
func probeInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// TestYOLOProbe trains YOLO for $CVLESSONS_YOLO_STEPS steps (skipped when unset): a measurement, not a
// claim. $CVLESSONS_YOLO_CHANNELS ("8,16,32,64"), _BATCH, _TRAIN, _LR100K (learning rate in units
// of 1e-5), _COSINE (1: cosine schedule), _S and _POOLSTAGES (grid and backbone) and _VAL
// (validation images, default 200) override the quick preset.
func TestYOLOProbe(t *testing.T) {
	steps := probeInt("CVLESSONS_YOLO_STEPS", 0)
	if steps == 0 {
		t.Skip("set CVLESSONS_YOLO_STEPS to run")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := YOLOQuick()
	cfg.Steps = steps
	cfg.BatchSize = probeInt("CVLESSONS_YOLO_BATCH", cfg.BatchSize)
	cfg.LearningRate = float64(probeInt("CVLESSONS_YOLO_LR100K", int(cfg.LearningRate*1e5))) * 1e-5
	if c := probeInts("CVLESSONS_YOLO_CHANNELS"); c != nil {
		cfg.Channels = c
	}
	cfg.ConfidenceOne = probeInt("CVLESSONS_YOLO_CONF1", 0) == 1
	cfg.Downsample = probeInt("CVLESSONS_YOLO_DOWN", cfg.Downsample)
	cfg.Cosine = probeInt("CVLESSONS_YOLO_COSINE", 0) == 1
	cfg.PoolStages = probeInt("CVLESSONS_YOLO_POOLSTAGES", cfg.PoolStages)
	cfg.Grid.S = probeInt("CVLESSONS_YOLO_S", cfg.Grid.S)
	trainSet, val, err := datasets.DigitDetection(datasets.DefaultDigitsConfig(), probeInt("CVLESSONS_YOLO_TRAIN", 2000), probeInt("CVLESSONS_YOLO_VAL", 200))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Every = probeInt("CVLESSONS_YOLO_EVERY", 0)
	cfg.OnStep = func(step int, ctx *context.Context) error {
		st, _, err := EvaluateYOLO(b, ctx, cfg, val)
		t.Logf("step %d: val mAP@0.5 %.3f COCO %.3f (%.0f images/s)", step, st.MeanAP50, st.COCOMeanAP, st.ImagesPerSecond)
		return err
	}
	start := time.Now()
	ctx, losses, err := TrainYOLO(b, cfg, trainSet, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v: %d steps in %.1fs: loss %.3f -> %.3f", cfg, steps, time.Since(start).Seconds(), losses[0], losses[len(losses)-1])
	st, _, err := EvaluateYOLO(b, ctx, cfg, val)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("val: %+v", st)
}
