package gemm

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0) // CLOCK_THREAD_CPUTIME_ID
	return time.Duration(ts.Nano())
}

// Temporary tuning harness (removed before hand-off): GFLOP per thread-CPU-second, robust to load.
func TestTune(t *testing.T) {
	if os.Getenv("GEMM_TUNE") == "" {
		t.Skip()
	}
	runtime.LockOSThread()
	variants := map[string]*kernel{"avx2": avx2Kernel}
	names := []string{"avx2"}
	shapes := []benchShape{benchShapes[0], benchShapes[1], benchShapes[2], benchShapes[12]}
	for _, s := range shapes {
		a, lda, bm, ldb, c := s.operands()
		av, bv := view{a, lda, s.transA}, view{bm, ldb, s.transB}
		line := fmt.Sprintf("%-30s", s.name)
		for _, name := range names {
			kern := *variants[name]
			buf := new(buffers)
			gemm(&kern, buf, s.m, s.n, s.k, 1, av, bv, 0, c, s.n)
			best := 0.0
			for range 5 {
				reps := max(1, int(1e9/(2*float64(s.m*s.n*s.k))))
				t0 := threadCPU()
				for range reps {
					gemm(&kern, buf, s.m, s.n, s.k, 1, av, bv, 0, c, s.n)
				}
				g := 2 * float64(s.m*s.n*s.k) * float64(reps) / (threadCPU() - t0).Seconds() / 1e9
				best = max(best, g)
			}
			line += fmt.Sprintf(" %s=%6.1f", name, best)
		}
		fmt.Println(line)
	}
}
