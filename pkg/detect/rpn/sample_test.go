package rpn

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// labelsOf returns pos positives, then neg negatives, then ign ignored labels, interleaved so that
// the kinds are not contiguous: label i is Positive, Negative or Ignore by a fixed pattern.
func labelsOf(pos, neg, ign int) []Label {
	var out []Label
	for pos+neg+ign > 0 {
		if pos > 0 {
			out, pos = append(out, Positive), pos-1
		}
		if ign > 0 {
			out, ign = append(out, Ignore), ign-1
		}
		if neg > 0 {
			out, neg = append(out, Negative), neg-1
		}
	}
	return out
}

func TestSampleCounts(t *testing.T) {
	// Expected counts by hand from the rule: positives min(P, int(B·f)), negatives min(N, B - positives).
	tests := []struct {
		name             string
		pos, neg, ign    int
		cfg              SampleConfig
		wantPos, wantNeg int
	}{
		{"few positives, padded with negatives", 10, 1000, 50, PaperSample(), 10, 246},
		{"many of both", 200, 1000, 50, PaperSample(), 128, 128},
		{"few negatives", 200, 50, 0, PaperSample(), 128, 50},
		{"too few of both", 20, 30, 5, PaperSample(), 20, 30},
		{"only ignored", 0, 0, 40, PaperSample(), 0, 0},
		{"no anchors", 0, 0, 0, PaperSample(), 0, 0},
		{"no positives allowed", 50, 1000, 0, SampleConfig{BatchSize: 256, PositiveFraction: 0}, 0, 256},
		{"all positives allowed", 300, 1000, 0, SampleConfig{BatchSize: 256, PositiveFraction: 1}, 256, 0},
		{"budget rounded down: int(10·0.7) = 7", 100, 100, 0, SampleConfig{BatchSize: 10, PositiveFraction: 0.7}, 7, 3},
		{"budget rounded down: int(10·0.35) = 3", 100, 100, 0, SampleConfig{BatchSize: 10, PositiveFraction: 0.35}, 3, 7},
		{"odd batch", 100, 100, 0, SampleConfig{BatchSize: 5, PositiveFraction: 0.5}, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := labelsOf(tt.pos, tt.neg, tt.ign)
			orig := slices.Clone(labels)
			pos, neg, err := Sample(labels, tt.cfg, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			if len(pos) != tt.wantPos || len(neg) != tt.wantNeg {
				t.Errorf("Sample gave %d positives and %d negatives, want %d and %d", len(pos), len(neg), tt.wantPos, tt.wantNeg)
			}
			if pos == nil || neg == nil {
				t.Errorf("Sample gave nil slices, want empty ones")
			}
			for _, s := range []struct {
				idx  []int
				want Label
			}{{pos, Positive}, {neg, Negative}} {
				if !slices.IsSorted(s.idx) || len(slices.Compact(slices.Clone(s.idx))) != len(s.idx) {
					t.Errorf("Sample's %v indices %v are not strictly increasing", s.want, s.idx)
				}
				for _, i := range s.idx {
					if labels[i] != s.want {
						t.Errorf("Sample picked anchor %d labelled %v as %v", i, labels[i], s.want)
					}
				}
			}
			if !slices.Equal(labels, orig) {
				t.Errorf("Sample modified its labels")
			}
		})
	}
}

func TestSampleDeterministic(t *testing.T) {
	labels := labelsOf(500, 5000, 100)
	draw := func(seed uint64) ([]int, []int) {
		pos, neg, err := Sample(labels, PaperSample(), rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		return pos, neg
	}
	p1, n1 := draw(7)
	p2, n2 := draw(7)
	if !slices.Equal(p1, p2) || !slices.Equal(n1, n2) {
		t.Errorf("Sample with seed 7 twice gave different samples")
	}
	p3, n3 := draw(8)
	if slices.Equal(p1, p3) && slices.Equal(n1, n3) {
		t.Errorf("Sample with seeds 7 and 8 gave the same sample of 128 from 500 and 128 from 5000")
	}
}

// TestSampleUniform checks that each of 4 positives is drawn about equally often when 1 is taken:
// 4000 draws, expected 1000 each, standard deviation √(4000·¼·¾) ≈ 27, so ±150 is over 5σ.
func TestSampleUniform(t *testing.T) {
	labels := []Label{Positive, Negative, Positive, Positive, Ignore, Positive}
	cfg := SampleConfig{BatchSize: 2, PositiveFraction: 0.5}
	rng := rand.New(rand.NewPCG(3, 4))
	counts := map[int]int{}
	for range 4000 {
		pos, _, err := Sample(labels, cfg, rng)
		if err != nil {
			t.Fatal(err)
		}
		counts[pos[0]]++
	}
	for _, i := range []int{0, 2, 3, 5} {
		if counts[i] < 850 || counts[i] > 1150 {
			t.Errorf("positive %d drawn %d times of 4000, want about 1000 (counts %v)", i, counts[i], counts)
		}
	}
}

func TestSampleErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  SampleConfig
		want string
	}{
		{"zero batch", SampleConfig{BatchSize: 0, PositiveFraction: 0.5}, "BatchSize = 0"},
		{"huge batch", SampleConfig{BatchSize: 1 << 40, PositiveFraction: 0.5}, "BatchSize = 1099511627776"},
		{"fraction above 1", SampleConfig{BatchSize: 256, PositiveFraction: 1.5}, "PositiveFraction = 1.5"},
		{"negative fraction", SampleConfig{BatchSize: 256, PositiveFraction: -0.5}, "PositiveFraction = -0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Sample(labelsOf(3, 3, 0), tt.cfg, rand.New(rand.NewPCG(1, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rpn: sample: ") {
				t.Errorf("Sample error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("nil rng panics", func(t *testing.T) {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "rng is nil") {
				t.Errorf("recovered %q, want a panic about a nil rng", r)
			}
		}()
		Sample(labelsOf(3, 3, 0), PaperSample(), nil)
	})
}
