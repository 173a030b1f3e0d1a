package lessons

import (
	"slices"
	"strings"
	"testing"
)

func TestSeedsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    []int
		wantErr string
	}{
		{"", []int{1}, ""},
		{"1", []int{1}, ""},
		{"5", []int{1, 2, 3, 4, 5}, ""},
		{"100", nil, ""},
		{"0", nil, `$CVLESSONS_SEEDS = "0", want a whole number from 1 to 100`},
		{"101", nil, "want a whole number from 1 to 100"},
		{"-3", nil, "want a whole number"},
		{"five", nil, "want a whole number"},
		{"1-5", nil, "want a whole number"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv(SeedsEnv, tc.value)
			got, err := SeedsFromEnv()
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("SeedsFromEnv() error = %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case tc.want == nil:
				if len(got) != 100 || got[0] != 1 || got[99] != 100 {
					t.Errorf("SeedsFromEnv() = %d seeds from %d to %d, want 1 to 100", len(got), got[0], got[len(got)-1])
				}
			case !slices.Equal(got, tc.want):
				t.Errorf("SeedsFromEnv() = %v, want %v", got, tc.want)
			}
		})
	}
}
