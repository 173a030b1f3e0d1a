package transfer

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	js := os.Getenv("PROBE")
	if js == "" {
		t.Skip()
	}
	cfg := Quick()
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Progress = os.Stderr
	t0 := time.Now()
	r, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s\nwall %.0fs; arms %.0fs pretrain %.0fs", r.Summary(), time.Since(t0).Seconds(), r.PartA.Seconds, r.PartA.PretrainSeconds)
	b, _ := json.Marshal(r.PartA.Curve)
	t.Logf("%s", b)
}
