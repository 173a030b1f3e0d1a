package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchShape is a product from training the course's small CNNs with batch 64.
type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

// benchShapes: im2col convolutions on 28×28 (MNIST) inputs with batch 64 (M = 64*H*W, K = Cin*3*3,
// N = Cout), their weight gradients (op(A) = im2col^T, long K) and input gradients (op(B) = W^T),
// dense layers and squares.
var benchShapes = []benchShape{
	{"conv-fwd/M50176-K9-N16", false, false, 50176, 16, 9},
	{"conv-fwd/M50176-K144-N32", false, false, 50176, 32, 144},
	{"conv-fwd/M12544-K288-N64", false, false, 12544, 64, 288},
	{"conv-fwd/M3136-K576-N128", false, false, 3136, 128, 576},
	{"conv-wgrad/M9-N16-K50176", true, false, 9, 16, 50176},
	{"conv-wgrad/M144-N32-K50176", true, false, 144, 32, 50176},
	{"conv-wgrad/M576-N128-K3136", true, false, 576, 128, 3136},
	{"conv-dgrad/M50176-N144-K32", false, true, 50176, 144, 32},
	{"conv-dgrad/M12544-N288-K64", false, true, 12544, 288, 64},
	{"dense-fwd/M64-K3136-N128", false, false, 64, 128, 3136},
	{"dense-fwd/M64-K128-N10", false, false, 64, 10, 128},
	{"dense-wgrad/M3136-N128-K64", true, false, 3136, 128, 64},
	{"dense-dgrad/M64-N3136-K128", false, true, 64, 3136, 128},
	{"square/512", false, false, 512, 512, 512},
	{"square/1024", false, false, 1024, 1024, 1024},
}

// operands returns random A, B, C for s with tight leading dimensions.
func (s benchShape) operands() (a []float32, lda int, b []float32, ldb int, c []float32) {
	rng := rand.New(rand.NewPCG(7, 7))
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return randomSlice(s.m*s.k, rng), lda, randomSlice(s.k*s.n, rng), ldb, randomSlice(s.m*s.n, rng)
}

// rate measures a benchmark loop: call start before it, count each iteration with tick, and report
// after it.
type rate struct {
	s     benchShape
	iters int
	cpu0  time.Duration
}

func startRate(s benchShape) *rate { return &rate{s: s, cpu0: processCPU()} }

func (r *rate) tick() { r.iters++ }

// report reports GFLOP/s (wall clock, from b.Elapsed) and GFLOP/cpu-s: floating-point operations per
// second of CPU time used by the whole process. On an idle machine the second is the first divided by
// the number of busy threads; on a loaded one it still measures the code, not the competition for
// cores (cache and memory contention still count).
func (r *rate) report(b *testing.B) {
	flops := 2 * float64(r.s.m) * float64(r.s.n) * float64(r.s.k)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := processCPU() - r.cpu0; cpu > 0 && r.cpu0 > 0 {
		b.ReportMetric(flops*float64(r.iters)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
	}
}

// BenchmarkSgemm measures Sgemm (1 thread) and SgemmParallel with 2 workers on the public API.
func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(s.name+"/threads=1", func(b *testing.B) {
			a, lda, bm, ldb, c := s.operands()
			b.ReportAllocs()
			r := startRate(s)
			for b.Loop() {
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				r.tick()
			}
			r.report(b)
		})
		b.Run(s.name+"/threads=2", func(b *testing.B) {
			a, lda, bm, ldb, c := s.operands()
			b.ReportAllocs()
			r := startRate(s)
			for b.Loop() {
				SgemmParallel(2, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				r.tick()
			}
			r.report(b)
		})
	}
}

// BenchmarkKernel measures each micro-kernel this CPU runs (not only the one Sgemm would pick) on
// the benchmark shapes, on 1 and 2 threads.
func BenchmarkKernel(b *testing.B) {
	ks := []*kernel{goKernel}
	ks = append(ks, runnableKernels...)
	for _, kern := range ks {
		for _, s := range benchShapes {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", kern.name, s.name, threads), func(b *testing.B) {
					a, lda, bm, ldb, c := s.operands()
					av, bv := view{a, lda, s.transA}, view{bm, ldb, s.transB}
					b.ReportAllocs()
					r := startRate(s)
					for b.Loop() {
						gemmParallel(kern, threads, s.m, s.n, s.k, 1, av, bv, 0, c, s.n)
						r.tick()
					}
					r.report(b)
				})
			}
		}
	}
}
