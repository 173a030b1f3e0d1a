package augment

import (
	"os"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/backend"
)

func TestProbeArms(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	cfg := Quick()
	cfg.Steps, cfg.EvalEvery, cfg.ValSize, cfg.BatchSize, cfg.LearningRate, cfg.Views = 800, 100, 1000, 32, 0.001, 10
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	tr, val, err := mnistSubsets(cfg.TrainSize, cfg.ValSize, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	base, err := trainArm(b, "none", tr, val, cfg, cfg.Steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", base)
	augd := augmentedViews(tr, cfg.Views, cfg.Seed, 2)
	a, err := trainArm(b, "aug", augd, val, cfg, cfg.Steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", a)
}
