package transfer

import (
	"testing"
)

func TestSpeedTmp(t *testing.T) {
	for _, v := range []struct {
		seed      int64
		per, pre int
	}{{2, 5, 200}, {1, 5, 500}} {
		cfg := Quick()
		cfg.Seed, cfg.TargetPerClass, cfg.PretrainSteps, cfg.Steps = v.seed, v.per, v.pre, 40
		r, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v\n%s", v, r.Summary())
		for _, a := range []Arm{r.PartA.Scratch, r.PartA.Frozen, r.PartA.FineTune} {
			t.Log(a.Name, a.Curve)
		}
	}
}
