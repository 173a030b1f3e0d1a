// Package lessontest holds what the lessons' tests share: running a quick test over the seeds that
// $CVLESSONS_SEEDS names, so that one variable widens every lesson's quick test into the seed sweep
// behind the spreads written beside its assertions. Only tests import it.
package lessontest

import (
	"fmt"
	"testing"

	"github.com/cvlessons/cvlessons/lessons"
)

// RunSeeds runs check as the subtest "seedN" of t for each seed of lessons.SeedsFromEnv (seed 1
// alone unless $CVLESSONS_SEEDS is set); t fails when the variable is malformed.
func RunSeeds(t *testing.T, check func(t *testing.T, seed int)) {
	t.Helper()
	seeds, err := lessons.SeedsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { check(t, seed) })
	}
}
