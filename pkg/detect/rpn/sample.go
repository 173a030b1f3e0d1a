package rpn

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// MaxBatchSize bounds [SampleConfig.BatchSize], so that a wrong value fails with an error.
const MaxBatchSize = 1 << 20

// SampleConfig is the size and balance of the mini-batch of anchors an image contributes to the RPN's
// loss.
type SampleConfig struct {
	// BatchSize is the most anchors sampled per image, in [1, MaxBatchSize].
	BatchSize int
	// PositiveFraction is the largest fraction of BatchSize that positives may take, in [0, 1]; the
	// positive budget is int(BatchSize·PositiveFraction), rounded down in float64 as torchvision's
	// int(batch_size_per_image * positive_fraction) is.
	PositiveFraction float64
}

// PaperSample returns the paper's mini-batch: 256 anchors per image, up to half of them positive.
func PaperSample() SampleConfig { return SampleConfig{BatchSize: 256, PositiveFraction: 0.5} }

// Validate returns an error unless 1 <= BatchSize <= [MaxBatchSize] and 0 <= PositiveFraction <= 1.
func (c SampleConfig) Validate() error {
	if c.BatchSize < 1 || c.BatchSize > MaxBatchSize {
		return fmt.Errorf("rpn: sample: BatchSize = %d, want in [1, %d]", c.BatchSize, MaxBatchSize)
	}
	if !(c.PositiveFraction >= 0 && c.PositiveFraction <= 1) {
		return fmt.Errorf("rpn: sample: PositiveFraction = %v, want in [0, 1]", c.PositiveFraction)
	}
	return nil
}

// Sample draws an image's mini-batch from the anchors' labels (from [Match]): up to
// int(BatchSize·PositiveFraction) positives chosen uniformly at random without replacement, then
// negatives, likewise, to fill the batch up to BatchSize: when there are too few positives the batch is
// padded with negatives, as the paper does, and it is smaller than BatchSize only when there are too few
// of both. Ignored anchors are never sampled. It returns the indices of the sampled anchors of each kind
// in increasing order.
//
// The draw uses only rng (a Fisher-Yates shuffle of the positives' and then the negatives' indices cut
// short), so the same labels, configuration and seed give the same sample. It returns an error if cfg is
// not valid, and panics if rng is nil.
func Sample(labels []Label, cfg SampleConfig, rng *rand.Rand) (positives, negatives []int, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if rng == nil {
		panic("rpn: Sample: rng is nil, want a *rand.Rand such as rand.New(rand.NewPCG(seed, 0))")
	}
	for i, l := range labels {
		switch l {
		case Positive:
			positives = append(positives, i)
		case Negative:
			negatives = append(negatives, i)
		}
	}
	numPos := min(len(positives), int(float64(cfg.BatchSize)*cfg.PositiveFraction))
	positives = choose(positives, numPos, rng)
	negatives = choose(negatives, min(len(negatives), cfg.BatchSize-numPos), rng)
	return positives, negatives, nil
}

// choose moves a uniformly random k-subset of idx to its front by a partial Fisher-Yates shuffle and
// returns it sorted. It shuffles only when k < len(idx), so a full take consumes no randomness.
func choose(idx []int, k int, rng *rand.Rand) []int {
	if k < len(idx) {
		for i := range k {
			j := i + rng.IntN(len(idx)-i)
			idx[i], idx[j] = idx[j], idx[i]
		}
		idx = idx[:k]
	}
	slices.Sort(idx)
	if idx == nil {
		return []int{}
	}
	return idx
}
