package augment

import (
	"math/rand/v2"
	"sync"
)

// SampleRand returns the random source for sample index of epoch in a run seeded with seed. Each
// (seed, epoch, index) gets its own PCG stream, so a sample's augmentation does not depend on which
// worker handles it or in which order: a pipeline with 1 or 16 workers produces the same data.
func SampleRand(seed uint64, epoch, index int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed), splitmix(uint64(epoch)<<32^uint64(uint32(index)))))
}

// splitmix is the SplitMix64 finaliser, which spreads nearby integers over the whole 64-bit range.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// ApplyAll applies t to every sample with up to workers goroutines, sample i drawing from
// SampleRand(seed, epoch, i); the result is the same for any workers >= 1. It returns a new slice.
func ApplyAll(t Transform, samples []Sample, seed uint64, epoch, workers int) []Sample {
	out := make([]Sample, len(samples))
	workers = max(1, min(workers, len(samples)))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(samples); i += workers {
				out[i] = t.Apply(samples[i], SampleRand(seed, epoch, i))
			}
		}()
	}
	wg.Wait()
	return out
}
