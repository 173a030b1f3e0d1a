package gemm

import (
	"time"

	"golang.org/x/sys/unix"
)

// processCPU returns the CPU time this process has used, all threads together, with nanosecond
// resolution (CLOCK_PROCESS_CPUTIME_ID; getrusage counts in scheduler ticks, too coarse here).
func processCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
