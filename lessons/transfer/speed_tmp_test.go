package transfer

import (
	"os"
	"testing"
)

func TestSpeedTmp(t *testing.T) {
	cfg := Quick()
	cfg.Progress = nil
	cfg.Progress = os.Stderr
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Summary())
}
