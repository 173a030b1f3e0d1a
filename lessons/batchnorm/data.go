package batchnorm

import (
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// loadFashion returns seeded random subsets of Fashion-MNIST's train and test splits (0: all),
// as 28x28x1 images.
func loadFashion(trainN, testN int, seed int64) (train, test *cnn.Examples, err error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x626e))
	load := func(split datasets.Split, n int) (*cnn.Examples, error) {
		d, err := datasets.LoadFashionMNIST(split)
		if err != nil {
			return nil, err
		}
		e := cnn.ExamplesFrom(d)
		if n > 0 && n < e.N {
			e = e.Subset(rng.Perm(e.N)[:n])
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
