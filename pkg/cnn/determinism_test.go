package cnn

import (
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

// digitsLike returns n seeded 12x12x1 images in 4 classes: a bright square whose position is the
// class, on noise. Enough structure for a CNN to learn in a few steps.
func digitsLike(n int, seed uint64) *Examples {
	const h, w = 12, 12
	rng := rand.New(rand.NewPCG(seed, 2))
	e := &Examples{Pixels: make([]float32, n*h*w), Labels: make([]int, n), N: n, Height: h, Width: w, Channels: 1}
	for i := range n {
		c := rng.IntN(4)
		e.Labels[i] = c
		img := e.Pixels[i*h*w : (i+1)*h*w]
		for p := range img {
			img[p] = float32(rng.Float64() * 0.3)
		}
		y0, x0 := 2+6*(c/2), 2+6*(c%2)
		for y := y0; y < y0+3; y++ {
			for x := x0; x < x0+3; x++ {
				img[y*w+x] += 0.7
			}
		}
	}
	return e
}

// trainedWeights trains SmallCNN (convolutions, BatchNorm, pooling, dense layers) with Adam, a
// cosine schedule and augmentation, and returns every variable's bits by name.
func trainedWeights(t *testing.T, seed int64) map[string][]uint32 {
	t.Helper()
	b := testBackend(t)
	ctx := context.New()
	ctx.SetRNGStateFromSeed(seed)
	net := NewSmallCNN(4)
	cfg := TrainConfig{Epochs: 2, BatchSize: 16, Optimizer: Adam, LearningRate: 1e-3, Schedule: Cosine,
		Augment: augment.ShiftFlip(12, 12, 1), Seed: seed}
	if _, err := Train(b, ctx, net.Logits, digitsLike(96, 7), digitsLike(32, 8), cfg); err != nil {
		t.Fatalf("Train: %v", err)
	}
	out := map[string][]uint32{}
	for v := range ctx.IterVariables() {
		if !v.HasValue() {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatalf("%s: %v", v.ScopeAndName(), err)
		}
		ok := true
		var bits []uint32
		val.ConstFlatData(func(data any) {
			switch d := data.(type) {
			case []float32:
				for _, x := range d {
					bits = append(bits, math.Float32bits(x))
				}
			case []int64:
				for _, x := range d {
					bits = append(bits, uint32(x), uint32(x>>32))
				}
			default:
				ok = false
			}
		})
		if !ok {
			continue
		}
		out[v.ScopeAndName()] = bits
	}
	return out
}

// TestTrainIsBitIdentical trains the same net twice with one seed and compares every variable
// (weights, BatchNorm averages, optimizer state) bit for bit: data order, augmentation,
// initialisation and the parallel kernels' reductions must all be deterministic.
func TestTrainIsBitIdentical(t *testing.T) {
	a, b := trainedWeights(t, 3), trainedWeights(t, 3)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("got %d and %d variables", len(a), len(b))
	}
	for name, wa := range a {
		wb := b[name]
		for i := range wa {
			if wa[i] != wb[i] {
				t.Errorf("%s[%d]: %08x then %08x", name, i, wa[i], wb[i])
				break
			}
		}
	}
	t.Logf("weights' FNV-1a hash: %016x", weightsHash(a))
	other := trainedWeights(t, 4)
	same := true
	for name, wa := range a {
		for i := range wa {
			if wa[i] != other[name][i] {
				same = false
			}
		}
	}
	if same {
		t.Errorf("seeds 3 and 4 trained bit-identical weights: the seed is ignored")
	}
}

// weightsHash is an FNV-1a hash of every variable's bits in name order, to compare runs across
// processes and configurations by eye (go test -v).
func weightsHash(w map[string][]uint32) uint64 {
	names := slices.Sorted(maps.Keys(w))
	h := fnv.New64a()
	for _, n := range names {
		h.Write([]byte(n))
		for _, x := range w[n] {
			h.Write([]byte{byte(x), byte(x >> 8), byte(x >> 16), byte(x >> 24)})
		}
	}
	return h.Sum64()
}
