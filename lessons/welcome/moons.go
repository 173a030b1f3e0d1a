package welcome

import (
	"math"
	"math/rand/v2"
)

// Moons returns n points of two interleaved half-moons with Gaussian noise of the given standard
// deviation, as scikit-learn 1.2's make_moons draws them: the first n/2 points on the upper
// half-circle of radius 1 centred at (0, 0) have label 0, the rest on the lower half-circle
// centred at (1, 0.5) have label 1. Angles are drawn uniformly, so the points come unsorted.
func Moons(n int, noise float64, rng *rand.Rand) (points []float32, labels []float32) {
	points = make([]float32, 0, 2*n)
	labels = make([]float32, 0, n)
	for i := range n {
		t := math.Pi * rng.Float64()
		x, y, label := math.Cos(t), math.Sin(t), 0
		if i >= n/2 {
			x, y, label = 1-math.Cos(t), 0.5-math.Sin(t), 1
		}
		x += noise * rng.NormFloat64()
		y += noise * rng.NormFloat64()
		points = append(points, float32(x), float32(y))
		labels = append(labels, float32(label))
	}
	return points, labels
}
