package vgg

import (
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// loadFashion returns seeded random subsets of Fashion-MNIST's train and test splits (0: all),
// each image centred in 32x32.
func loadFashion(trainN, testN int, seed int64) (train, test *cnn.Examples, err error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x76676766))
	load := func(split datasets.Split, n int) (*cnn.Examples, error) {
		d, err := datasets.LoadFashionMNIST(split)
		if err != nil {
			return nil, err
		}
		e := cnn.ExamplesFrom(d)
		if n > 0 && n < e.N {
			e = e.Subset(rng.Perm(e.N)[:n])
		}
		return e.Padded(32, 32), nil
	}
	if train, err = load(datasets.Train, trainN); err != nil {
		return nil, nil, err
	}
	if test, err = load(datasets.Test, testN); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
