package resnet

import "testing"

func TestZZSeeds(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		cfg := Quick()
		cfg.Seed = seed
		r, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d\n%s", seed, r.Summary())
		for _, n := range r.Nets {
			t.Logf("%s tail %.3f", n.Name(), n.TailTrainLoss)
		}
	}
}
