package resnet

import (
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// loadFashion returns seeded random subsets of Fashion-MNIST's train and test splits (0: all),
// each image centred in 32x32, then averaged 2x2 down to 16x16 when size is 16.
func loadFashion(trainN, testN, size int, seed int64) (train, test *cnn.Examples, err error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7265736e))
	load := func(split datasets.Split, n int) (*cnn.Examples, error) {
		d, err := datasets.LoadFashionMNIST(split)
		if err != nil {
			return nil, err
		}
		e := cnn.ExamplesFrom(d)
		if n > 0 && n < e.N {
			e = e.Subset(rng.Perm(e.N)[:n])
		}
		e = e.Padded(32, 32)
		if size == 16 {
			e = halve(e)
		}
		return e, nil
	}
	if train, err = load(datasets.Train, trainN); err != nil {
		return nil, nil, err
	}
	if test, err = load(datasets.Test, testN); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// halve averages each 2x2 block of pixels (single-channel images of even size).
func halve(e *cnn.Examples) *cnn.Examples {
	h, w := e.Height/2, e.Width/2
	out := &cnn.Examples{Pixels: make([]float32, e.N*h*w), Labels: e.Labels, N: e.N, Height: h, Width: w, Channels: 1}
	for i := range e.N {
		src := e.Pixels[i*e.Height*e.Width:]
		for y := range h {
			for x := range w {
				s := src[2*y*e.Width+2*x] + src[2*y*e.Width+2*x+1] + src[(2*y+1)*e.Width+2*x] + src[(2*y+1)*e.Width+2*x+1]
				out.Pixels[(i*h+y)*w+x] = s / 4
			}
		}
	}
	return out
}
