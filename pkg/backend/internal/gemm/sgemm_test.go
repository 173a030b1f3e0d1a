package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// shape is one product to test: sizes, scalars and how much each leading dimension exceeds its row.
type shape struct {
	name    string
	m, n, k int
	alpha   float32
	beta    float32
	pad     int  // Extra elements per stored row of A, B and C (leading dimension = row + pad).
	nanC    bool // Fill C with NaN (only meaningful with beta == 0).
}

// shapes covers odd sizes around the register tiles, empty dimensions and the alpha/beta rules.
// Expected values come from reference, a float64 triple loop.
var shapes = []shape{
	{name: "1x1x1", m: 1, n: 1, k: 1, alpha: 1},
	{name: "3x7x17", m: 3, n: 7, k: 17, alpha: 1},
	{name: "17x33x65", m: 17, n: 33, k: 65, alpha: 1},
	{name: "65x129x7", m: 65, n: 129, k: 7, alpha: 1},
	{name: "129x17x33", m: 129, n: 17, k: 33, alpha: 1},
	{name: "7x65x129", m: 7, n: 65, k: 129, alpha: 1},
	{name: "33x16x9/conv-like", m: 33, n: 16, k: 9, alpha: 1},
	{name: "24x64x300/long-k", m: 24, n: 64, k: 300, alpha: 1},
	{name: "alpha-2.5/beta0.5", m: 13, n: 35, k: 19, alpha: -2.5, beta: 0.5},
	{name: "beta1", m: 13, n: 35, k: 19, alpha: 1, beta: 1},
	{name: "beta0/NaN-C", m: 19, n: 37, k: 11, alpha: 1, beta: 0, nanC: true},
	{name: "alpha0/beta2", m: 5, n: 9, k: 4, alpha: 0, beta: 2},
	{name: "alpha0/beta0/NaN-C", m: 5, n: 9, k: 4, alpha: 0, beta: 0, nanC: true},
	{name: "k0/beta0.5", m: 6, n: 5, k: 0, alpha: 1, beta: 0.5},
	{name: "k0/beta0/NaN-C", m: 6, n: 5, k: 0, alpha: 1, beta: 0, nanC: true},
	{name: "m0", m: 0, n: 5, k: 3, alpha: 1},
	{name: "n0", m: 5, n: 0, k: 3, alpha: 1},
	{name: "alpha-2.5/beta0.5/narrow", m: 31, n: 18, k: 13, alpha: -2.5, beta: 0.5, pad: 3},
	{name: "padded-ld", m: 23, n: 41, k: 29, alpha: 1.5, beta: -1, pad: 5},
}

// problem holds the operands of one test product, with C's padding filled with a sentinel.
type problem struct {
	shape
	transA, transB bool
	a, b, c        []float32
	lda, ldb, ldc  int
}

const sentinel = -12345

func newProblem(s shape, transA, transB bool, rng *rand.Rand) *problem {
	p := &problem{shape: s, transA: transA, transB: transB}
	aRows, aCols := s.m, s.k
	if transA {
		aRows, aCols = aCols, aRows
	}
	bRows, bCols := s.k, s.n
	if transB {
		bRows, bCols = bCols, bRows
	}
	p.lda, p.ldb, p.ldc = aCols+s.pad+boolInt(aCols == 0), bCols+s.pad+boolInt(bCols == 0), s.n+s.pad+boolInt(s.n == 0)
	p.a = randomSlice(aRows*p.lda, rng)
	p.b = randomSlice(bRows*p.ldb, rng)
	p.c = randomSlice(s.m*p.ldc, rng)
	// Padding past each stored row of A and B is NaN: reading it may not change the result.
	nanPad(p.a, aRows, aCols, p.lda)
	nanPad(p.b, bRows, bCols, p.ldb)
	// Slices end right after their last element, the shortest Sgemm accepts, so that any read or
	// write past the matrices panics.
	p.a = p.a[:minLen(aRows, aCols, p.lda)]
	p.b = p.b[:minLen(bRows, bCols, p.ldb)]
	p.c = p.c[:minLen(s.m, s.n, p.ldc)]
	for i := range s.m {
		for j := range min(p.ldc, len(p.c)-i*p.ldc) {
			switch {
			case j >= s.n:
				p.c[i*p.ldc+j] = sentinel
			case s.nanC:
				p.c[i*p.ldc+j] = float32(math.NaN())
			}
		}
	}
	return p
}

// minLen is the length of a rows×cols matrix with leading dimension ld up to its last element.
func minLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// nanPad sets the elements past cols in each of the rows of x (row stride ld) to NaN.
func nanPad(x []float32, rows, cols, ld int) {
	for i := range rows {
		for j := cols; j < ld; j++ {
			x[i*ld+j] = float32(math.NaN())
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func randomSlice(n int, rng *rand.Rand) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// reference returns C = alpha*op(A)*op(B) + beta*C computed in float64, and for each element the
// sum of absolute values of the terms (to scale the tolerance).
func (p *problem) reference() (want, mag []float64) {
	at := func(x []float32, ld int, trans bool, i, j int) float64 {
		if trans {
			return float64(x[j*ld+i])
		}
		return float64(x[i*ld+j])
	}
	want = make([]float64, p.m*p.n)
	mag = make([]float64, p.m*p.n)
	for i := range p.m {
		for j := range p.n {
			var sum, abs float64
			for q := range p.k {
				t := at(p.a, p.lda, p.transA, i, q) * at(p.b, p.ldb, p.transB, q, j)
				sum += t
				abs += math.Abs(t)
			}
			v := float64(p.alpha) * sum
			abs *= math.Abs(float64(p.alpha))
			if p.beta != 0 {
				old := float64(p.c[i*p.ldc+j])
				v += float64(p.beta) * old
				abs += math.Abs(float64(p.beta) * old)
			}
			want[i*p.n+j] = v
			mag[i*p.n+j] = abs
		}
	}
	return want, mag
}

// check compares got (the problem's C after the product) with the reference and C's padding with
// the sentinel.
func (p *problem) check(t *testing.T, got []float32, want, mag []float64) {
	t.Helper()
	const eps = 1.0 / (1 << 23) // float32 machine epsilon.
	bad := 0
	for i := range p.m {
		for j := range min(p.ldc, len(got)-i*p.ldc) {
			g := got[i*p.ldc+j]
			if j >= p.n {
				if g != sentinel {
					t.Errorf("C[%d][%d] (padding past n=%d) = %v, want untouched %v", i, j, p.n, g, sentinel)
					bad++
				}
				continue
			}
			w, tol := want[i*p.n+j], 2*float64(p.k+2)*eps*mag[i*p.n+j]+1e-30
			if d := math.Abs(float64(g) - w); !(d <= tol) {
				t.Errorf("C[%d][%d] = %v, want %v (tolerance %.3g)", i, j, g, w, tol)
				bad++
			}
			if bad > 5 {
				t.Fatal("too many mismatches")
			}
		}
	}
}

// testKernels returns every micro-kernel this CPU runs, each also with tiny cache blocks so that
// small products cross every block boundary of the loops in gemm.
func testKernels() []*kernel {
	ks := []*kernel{goKernel}
	ks = append(ks, runnableKernels...)
	for _, k := range ks[:len(ks):len(ks)] {
		small := *k
		small.name += "/tiny-blocks"
		small.kc, small.mc, small.nc = 5, 2*k.mr, 2*k.nr
		ks = append(ks, &small)
	}
	return ks
}

var transCombos = []struct {
	name           string
	transA, transB bool
}{{"NN", false, false}, {"TN", true, false}, {"NT", false, true}, {"TT", true, true}}

func TestGemmKernels(t *testing.T) {
	for _, kern := range testKernels() {
		for _, tc := range transCombos {
			for _, s := range shapes {
				t.Run(fmt.Sprintf("%s/%s/%s", kern.name, tc.name, s.name), func(t *testing.T) {
					p := newProblem(s, tc.transA, tc.transB, rand.New(rand.NewPCG(1, uint64(s.m*1000+s.n))))
					want, mag := p.reference()
					got := append([]float32(nil), p.c...)
					buf := new(buffers)
					gemm(kern, buf, p.m, p.n, p.k, p.alpha, view{p.a, p.lda, p.transA}, view{p.b, p.ldb, p.transB}, p.beta, got, p.ldc)
					p.check(t, got, want, mag)
				})
			}
		}
	}
}

// bigShapes exceed the real cache blocks of every kernel in at least one dimension.
var bigShapes = []shape{
	{name: "300x70x600/long-k", m: 300, n: 70, k: 600, alpha: 1, beta: 0.5},
	{name: "2100x40x20/tall", m: 2100, n: 40, k: 20, alpha: 1},
	{name: "20x2100x30/wide", m: 20, n: 2100, k: 30, alpha: 1, pad: 3},
}

func TestSgemm(t *testing.T) {
	for _, tc := range transCombos {
		for _, s := range append(shapes, bigShapes...) {
			t.Run(tc.name+"/"+s.name, func(t *testing.T) {
				p := newProblem(s, tc.transA, tc.transB, rand.New(rand.NewPCG(2, uint64(s.m*1000+s.n))))
				want, mag := p.reference()
				got := append([]float32(nil), p.c...)
				Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, got, p.ldc)
				p.check(t, got, want, mag)
			})
		}
	}
}

func TestSgemmParallel(t *testing.T) {
	// Each case names the split chooseSplit must pick (with 2 workers and the AVX2 or Go kernel's
	// blocking), so every parallel code path runs.
	cases := []struct {
		shape
		split splitKind
	}{
		{shape{name: "conv-forward/split-m", m: 3000, n: 16, k: 27, alpha: 1}, splitM},
		{shape{name: "weight-grad/split-k", m: 27, n: 16, k: 3000, alpha: 1, beta: 1}, splitK},
		{shape{name: "wide/split-n", m: 8, n: 900, k: 200, alpha: 2, beta: 0.5, pad: 2}, splitN},
		{shape{name: "too-small/no-split", m: 20, n: 20, k: 20, alpha: 1}, splitNone},
	}
	for _, tc := range transCombos {
		for _, cs := range cases {
			t.Run(tc.name+"/"+cs.name, func(t *testing.T) {
				kern := pickKernel(cs.n)
				split := splitNone
				if cs.m*cs.n*cs.k >= 2*parallelWork {
					split = chooseSplit(kern, 2, cs.m, cs.n, cs.k)
				}
				if split != cs.split {
					t.Fatalf("chooseSplit(%s, 2, %d, %d, %d) = %d, want %d", kern.name, cs.m, cs.n, cs.k, split, cs.split)
				}
				p := newProblem(cs.shape, tc.transA, tc.transB, rand.New(rand.NewPCG(3, uint64(cs.m))))
				want, mag := p.reference()
				serial := append([]float32(nil), p.c...)
				Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, serial, p.ldc)
				par := append([]float32(nil), p.c...)
				SgemmParallel(2, p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, par, p.ldc)
				p.check(t, par, want, mag)
				if split == splitK {
					return // Reassociated sums: only the reference tolerance applies.
				}
				for i := range serial {
					if serial[i] != par[i] {
						t.Fatalf("SgemmParallel C[%d] = %v, Sgemm gave %v; want identical", i, par[i], serial[i])
					}
				}
			})
		}
	}
}

// TestSgemmAlphaZero checks the reference-BLAS rule that alpha == 0 reads neither A nor B: NaNs in
// them do not reach C = beta*C (expected values by hand).
func TestSgemmAlphaZero(t *testing.T) {
	cases := []struct {
		name     string
		m, n, k  int
		parallel bool
	}{
		{"tiny-path", 2, 3, 4, false},
		{"blocked-path", 40, 50, 60, false},
		{"parallel", 200, 200, 200, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := make([]float32, tc.m*tc.k)
			b := make([]float32, tc.k*tc.n)
			for i := range a {
				a[i] = float32(math.NaN())
			}
			for i := range b {
				b[i] = float32(math.Inf(1))
			}
			c := make([]float32, tc.m*tc.n)
			for i := range c {
				c[i] = float32(i % 7)
			}
			if tc.parallel {
				SgemmParallel(2, false, false, tc.m, tc.n, tc.k, 0, a, tc.k, b, tc.n, 0.5, c, tc.n)
			} else {
				Sgemm(false, false, tc.m, tc.n, tc.k, 0, a, tc.k, b, tc.n, 0.5, c, tc.n)
			}
			for i, v := range c {
				if want := 0.5 * float32(i%7); v != want {
					t.Fatalf("C[%d] = %v, want %v", i, v, want)
				}
			}
		})
	}
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 12)
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"negative-m", func() { Sgemm(false, false, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) }, "gemm: negative size"},
		{"short-lda", func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }, "leading dimension of A is 2, want >= 3"},
		{"short-ldb-trans", func() { Sgemm(false, true, 2, 4, 3, 1, a, 3, a, 2, 0, a, 4) }, "leading dimension of B is 2, want >= 3"},
		{"short-c", func() { Sgemm(false, false, 4, 4, 1, 1, a, 1, a, 4, 0, a, 4) }, "gemm: C has 12 elements, want >= 16"},
		{"short-a-parallel", func() { SgemmParallel(2, true, false, 5, 1, 3, 1, a, 5, a, 1, 0, a, 1) }, "gemm: A has 12 elements, want >= 15"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("panic = %v, want message containing %q", r, tc.want)
				}
			}()
			tc.call()
		})
	}
}

func TestSgemmAllocs(t *testing.T) {
	const m, n, k = 200, 64, 300
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) // Warm the buffer pool.
	if got := testing.AllocsPerRun(10, func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }); got != 0 {
		t.Errorf("Sgemm allocates %v times per call, want 0", got)
	}
}

// TestConvolutionCalls runs the three im2col calls exactly as the package documentation writes
// them and checks each against plain loops over the same row-major arrays (expected values: float64
// sums computed here).
func TestConvolutionCalls(t *testing.T) {
	const M, K, Cout = 70, 27, 16
	rng := rand.New(rand.NewPCG(4, 4))
	cols, w, dy := randomSlice(M*K, rng), randomSlice(K*Cout, rng), randomSlice(M*Cout, rng)
	y, dw, dcols := make([]float32, M*Cout), make([]float32, K*Cout), make([]float32, M*K)
	Sgemm(false, false, M, Cout, K, 1, cols, K, w, Cout, 0, y, Cout)
	Sgemm(true, false, K, Cout, M, 1, cols, K, dy, Cout, 0, dw, Cout)
	Sgemm(false, true, M, K, Cout, 1, dy, Cout, w, Cout, 0, dcols, K)
	check := func(name string, got []float32, nRows, nCols, inner int, term func(i, j, p int) float64) {
		for i := range nRows {
			for j := range nCols {
				var want, mag float64
				for p := range inner {
					want += term(i, j, p)
					mag += math.Abs(term(i, j, p))
				}
				if d := math.Abs(float64(got[i*nCols+j]) - want); d > 1e-5*mag+1e-6 {
					t.Fatalf("%s[%d][%d] = %v, want %v", name, i, j, got[i*nCols+j], want)
				}
			}
		}
	}
	check("y", y, M, Cout, K, func(i, j, p int) float64 { return float64(cols[i*K+p]) * float64(w[p*Cout+j]) })
	check("dw", dw, K, Cout, M, func(i, j, p int) float64 { return float64(cols[p*K+i]) * float64(dy[p*Cout+j]) })
	check("dcols", dcols, M, K, Cout, func(i, j, p int) float64 { return float64(dy[i*Cout+p]) * float64(w[j*Cout+p]) })
}
