package lessons

import (
	"fmt"
	"os"
	"strconv"
)

// SeedsEnv names the environment variable that widens a lesson's quick test from seed 1 to seeds
// 1..N: the sweep behind the seed spreads written beside the tests' assertions
// (CVLESSONS_SEEDS=5 go test -run TestQuickRun -v ./lessons/vgg).
const SeedsEnv = "CVLESSONS_SEEDS"

// maxSeeds bounds a sweep: each seed is a whole quick run.
const maxSeeds = 100

// SeedsFromEnv returns the seeds a lesson's quick test runs: 1 to $CVLESSONS_SEEDS, or just 1 when
// it is unset or empty. A value that is not a whole number from 1 to 100 is an error.
func SeedsFromEnv() ([]int, error) {
	v := os.Getenv(SeedsEnv)
	if v == "" {
		return []int{1}, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxSeeds {
		return nil, fmt.Errorf("lessons: $%s = %q, want a whole number from 1 to %d", SeedsEnv, v, maxSeeds)
	}
	seeds := make([]int, n)
	for i := range seeds {
		seeds[i] = i + 1
	}
	return seeds, nil
}
