package transfer

import (
	"os"
	"strconv"
	"testing"
)

func envF(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

func TestTransferProbe(t *testing.T) {
	if os.Getenv("TPROBE") == "" {
		t.Skip()
	}
	cfg := Quick()
	cfg.Seed = int64(envF("TSEED", 1))
	cfg.Pool = int(envF("TPOOL", float64(cfg.Pool)))
	cfg.PretrainSteps = int(envF("TPRESTEPS", float64(cfg.PretrainSteps)))
	cfg.PretrainImages = int(envF("TPREIMAGES", float64(cfg.PretrainImages)))
	cfg.BackboneScale = envF("TBSCALE", cfg.BackboneScale)
	cfg.ScratchLR = envF("TSCRATCHLR", cfg.ScratchLR)
	cfg.HeadLR = envF("THEADLR", cfg.HeadLR)
	cfg.Steps = int(envF("TSTEPS", float64(cfg.Steps)))
	cfg.Repeats = int(envF("TREPEATS", float64(cfg.Repeats)))
	cfg.Progress = os.Stderr
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v\n%s", cfg, r.Summary())
}
