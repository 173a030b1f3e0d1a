package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Beta draws from the Beta(a, b) distribution as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). CutMix and
// MixUp draw their mixing weight from Beta(alpha, alpha). It panics unless a, b > 0.
func Beta(r *rand.Rand, a, b float64) float64 {
	if !(a > 0 && b > 0) {
		panic(fmt.Sprintf("augment: Beta(%g, %g): parameters must be positive", a, b))
	}
	x := gamma(r, a)
	y := gamma(r, b)
	if x+y == 0 { // both underflowed (tiny a and b): the distribution sits at 0 and 1 equally
		if r.IntN(2) == 0 {
			return 0
		}
		return 1
	}
	return x / (x + y)
}

// gamma draws from Gamma(a, 1) with Marsaglia and Tsang's method; for a < 1 it uses
// Gamma(a+1) * U^(1/a).
func gamma(r *rand.Rand, a float64) float64 {
	if a < 1 {
		u := r.Float64()
		return gamma(r, a+1) * math.Pow(u, 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
