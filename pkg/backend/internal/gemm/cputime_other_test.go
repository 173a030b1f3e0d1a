//go:build !linux

package gemm

import "time"

// processCPU is not measured off Linux; benchmarks then skip their per-CPU-second metric.
func processCPU() time.Duration { return 0 }
