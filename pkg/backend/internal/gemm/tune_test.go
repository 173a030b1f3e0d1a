package gemm

import (
	"fmt"
	"os"
	"testing"
)

// Temporary tuning harness (removed before hand-off).
func BenchmarkTune(b *testing.B) {
	if os.Getenv("GEMM_TUNE") == "" {
		b.Skip()
	}
	shapes := []benchShape{benchShapes[3], benchShapes[14], benchShapes[9]}
	for _, base := range []*kernel{avx2Kernel, avx512Kernel} {
		for _, kc := range []int{128, 192, 256, 384} {
			for _, mc := range []int{48, 96, 144, 288} {
				kern := *base
				kern.kc, kern.mc = kc, mc
				for _, s := range shapes {
					a, lda, bm, ldb, c := s.operands()
					av, bv := view{a, lda, s.transA}, view{bm, ldb, s.transB}
					b.Run(fmt.Sprintf("%s/kc%d/mc%d/%s", kern.name, kc, mc, s.name), func(b *testing.B) {
						for b.Loop() {
							gemmParallel(&kern, 1, s.m, s.n, s.k, 1, av, bv, 0, c, s.n)
						}
						reportGFLOPS(b, s)
					})
				}
			}
		}
	}
}
