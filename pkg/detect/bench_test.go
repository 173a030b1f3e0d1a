package detect

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchScene returns n random boxes in a 1000x1000 image with sides uniform in [10, 100] and uniform
// scores, from a fixed seed. bench/nms uses the same recipe for its torchvision comparison.
func benchScene(n int) ([]Box, []float32) {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	boxes := randomBoxes(r, n, 1000, 10, 100)
	scores := make([]float32, n)
	for i := range scores {
		scores[i] = r.Float32()
	}
	return boxes, scores
}

func BenchmarkNMS(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		boxes, scores := benchScene(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NMS(boxes, scores, 0.5)
			}
		})
	}
}

// BenchmarkNMSPairwise is the textbook O(n·kept) loop, for comparison with the grid.
func BenchmarkNMSPairwise(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		boxes, scores := benchScene(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				order := make([]int32, n)
				for i := range order {
					order[i] = int32(i)
				}
				sortByScore(order, scores)
				nmsPairwise(nil, boxes, order, 0.5)
			}
		})
	}
}

func BenchmarkBatchedNMS(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		boxes, scores := benchScene(n)
		classes := make([]int, n)
		for i := range classes {
			classes[i] = i % 10
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				BatchedNMS(boxes, scores, classes, 0.5)
			}
		})
	}
}

func BenchmarkIoUMatrix(b *testing.B) {
	for _, n := range []int{100, 1000} {
		boxes, _ := benchScene(n)
		dst := make([]float32, n*n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				IoUMatrixTo(dst, boxes, boxes)
			}
		})
	}
}

func BenchmarkSoftNMS(b *testing.B) {
	for _, n := range []int{100, 1000} {
		boxes, scores := benchScene(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SoftNMS(boxes, scores, DefaultSoftNMS(SoftGaussian))
			}
		})
	}
}
