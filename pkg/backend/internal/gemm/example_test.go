package gemm_test

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/backend/internal/gemm"
)

// ExampleSgemm multiplies a 2×3 matrix by the transpose of a 2×3 matrix (expected values by hand:
// row i of A dotted with row j of B).
func ExampleSgemm() {
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{ // Stored 2×3; op(B) = Bᵀ is 3×2.
		1, 0, 1,
		0, 1, 0,
	}
	c := make([]float32, 2*2)
	gemm.Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [4 2 10 5]
}

// ExampleSgemmParallel accumulates into C (beta = 1) using two goroutines where the problem is
// large enough; this one is small enough to run on the caller's goroutine.
func ExampleSgemmParallel() {
	a := []float32{1, 2, 3, 4} // 2×2
	b := []float32{1, 1, 1, 1} // 2×2
	c := []float32{10, 20, 30, 40}
	gemm.SgemmParallel(2, false, false, 2, 2, 2, 0.5, a, 2, b, 2, 1, c, 2)
	fmt.Println(c)
	// Output: [11.5 21.5 33.5 43.5]
}
