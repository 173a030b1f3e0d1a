package gemm

import (
	"runtime"
	"sync"
)

// parallelWork is the least m*n*k each goroutine of SgemmParallel gets; smaller problems use fewer
// goroutines (down to none), since starting and joining one costs about a microsecond.
const parallelWork = 48 * 48 * 48

// SgemmParallel is Sgemm split across `workers` goroutines (workers <= 0 means runtime.GOMAXPROCS(0)).
//
// It splits C into row blocks or column blocks, or splits the inner dimension k and sums the partial
// products, whichever copies least; problems too small to repay a goroutine run on the caller's.
// Results can differ from Sgemm's in the last bits only when k is split (the sum is reassociated).
func SgemmParallel(workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	av := view{data: a, ld: lda, trans: transA}
	bv := view{data: b, ld: ldb, trans: transB}
	if m*n*k <= smallWork {
		naive(m, n, k, alpha, av, bv, beta, c, ldc)
		return
	}
	gemmParallel(pickKernel(n), workers, m, n, k, alpha, av, bv, beta, c, ldc)
}

// splitKind says along which dimension gemmParallel divides the work.
type splitKind int

const (
	splitNone splitKind = iota // One goroutine does everything.
	splitM                     // Each goroutine computes a block of rows of C.
	splitN                     // Each goroutine computes a block of columns of C.
	splitK                     // Each goroutine computes a partial product over a range of k.
)

// chooseSplit picks how to divide an m×n×k product among workers goroutines: the valid split that
// duplicates the least packing or reduction work. Splitting rows makes every goroutine pack all of
// B (k*n each), splitting columns all of A (m*k each), and splitting k writes and sums a partial C
// (2*m*n each).
func chooseSplit(kern *kernel, workers, m, n, k int) splitKind {
	best, bestCost := splitNone, int(^uint(0)>>1)
	if m >= workers*kern.mr {
		best, bestCost = splitM, k*n
	}
	if n >= workers*kern.nr && m*k < bestCost {
		best, bestCost = splitN, m*k
	}
	if k >= workers*kern.kc/2 && 2*m*n < bestCost {
		best = splitK
	}
	return best
}

// task is one goroutine's share of a parallel product.
type task struct {
	kern    *kernel
	buf     *buffers
	m, n, k int
	alpha   float32
	a, b    view
	beta    float32
	c       []float32
	ldc     int
}

// run computes the task's product.
func (t *task) run() {
	gemm(t.kern, t.buf, t.m, t.n, t.k, t.alpha, t.a, t.b, t.beta, t.c, t.ldc)
}

// gemmParallel is SgemmParallel after argument checks, with a chosen kernel.
func gemmParallel(kern *kernel, workers, m, n, k int, alpha float32, a, b view, beta float32, c []float32, ldc int) {
	workers = min(workers, max(1, m*n*k/parallelWork))
	split := splitNone
	if workers > 1 && alpha != 0 {
		split = chooseSplit(kern, workers, m, n, k)
	}
	if split == splitNone {
		buf := getBuffers()
		gemm(kern, buf, m, n, k, alpha, a, b, beta, c, ldc)
		putBuffers(buf)
		return
	}
	run := parallelPool.Get().(*parallelRun)
	defer parallelPool.Put(run)
	tasks := run.tasks[:0]
	whole := task{kern: kern, m: m, n: n, k: k, alpha: alpha, a: a, b: b, beta: beta, c: c, ldc: ldc}
	switch split {
	case splitM:
		step := roundUp((m+workers-1)/workers, kern.mr)
		for i := 0; i < m; i += step {
			t := whole
			t.m = min(step, m-i)
			t.a = a.sub(i, 0)
			t.c = c[i*ldc:]
			tasks = append(tasks, t)
		}
	case splitN:
		step := roundUp((n+workers-1)/workers, kern.nr)
		for j := 0; j < n; j += step {
			t := whole
			t.n = min(step, n-j)
			t.b = b.sub(0, j)
			t.c = c[j:]
			tasks = append(tasks, t)
		}
	case splitK:
		step := roundUp((k+workers-1)/workers, 16)
		for p := 0; p < k; p += step {
			t := whole
			t.k = min(step, k-p)
			t.a = a.sub(0, p)
			t.b = b.sub(p, 0)
			tasks = append(tasks, t)
		}
	}
	for i := range tasks {
		tasks[i].buf = getBuffers()
		if split == splitK && i > 0 {
			// Later k-ranges write a private partial C that is summed into C below.
			tasks[i].c = tasks[i].buf.c.grow(m * n)
			tasks[i].ldc = n
			tasks[i].beta = 0
		}
	}
	run.tasks = tasks
	run.wg.Add(len(tasks) - 1)
	for i := 1; i < len(tasks); i++ {
		go run.work(i)
	}
	tasks[0].run()
	run.wg.Wait()
	if split == splitK {
		for _, t := range tasks[1:] {
			for i := range m {
				dst := c[i*ldc : i*ldc+n]
				for j, v := range t.c[i*n : i*n+n] {
					dst[j] += v
				}
			}
		}
	}
	for i := range tasks {
		putBuffers(tasks[i].buf)
		tasks[i] = task{} // Drop references to the caller's slices.
	}
}

// parallelRun is the reusable state of one gemmParallel call.
type parallelRun struct {
	tasks []task
	wg    sync.WaitGroup
}

var parallelPool = sync.Pool{New: func() any { return new(parallelRun) }}

// work runs task i on its own goroutine.
func (r *parallelRun) work(i int) {
	r.tasks[i].run()
	r.wg.Done()
}
