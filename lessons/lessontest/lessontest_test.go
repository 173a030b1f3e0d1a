package lessontest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cvlessons/cvlessons/lessons"
)

func TestRunSeeds(t *testing.T) {
	t.Setenv(lessons.SeedsEnv, "3")
	var got []int
	RunSeeds(t, func(t *testing.T, seed int) {
		if want := fmt.Sprintf("TestRunSeeds/seed%d", seed); t.Name() != want {
			t.Errorf("subtest %q, want %q", t.Name(), want)
		}
		got = append(got, seed)
	})
	if !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("RunSeeds ran seeds %v, want [1 2 3]", got)
	}
}
