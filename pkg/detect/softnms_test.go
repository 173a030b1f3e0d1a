package detect

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSoftNMS(t *testing.T) {
	// Three boxes: 1 overlaps 0 with IoU 0.81 (by hand: 81/100), 2 is far away.
	boxes := []Box{{0, 0, 10, 10}, {1, 1, 10, 10}, {50, 50, 60, 60}}
	scores := []float32{0.9, 0.8, 0.5}
	gauss := float32(0.8 * math.Exp(-0.81*0.81/0.5)) // paper eq. 3, by hand
	tests := []struct {
		name       string
		cfg        SoftNMSConfig
		wantKeep   []int
		wantScores []float32
	}{
		{"linear decays overlapping box", DefaultSoftNMS(SoftLinear), []int{0, 2, 1}, []float32{0.9, 0.5, 0.8 * (1 - 0.81)}},
		{"gaussian decays overlapping box", DefaultSoftNMS(SoftGaussian), []int{0, 2, 1}, []float32{0.9, 0.5, gauss}},
		{"linear below N_t leaves scores", SoftNMSConfig{Method: SoftLinear, IoUThreshold: 0.9, ScoreThreshold: 0.001},
			[]int{0, 1, 2}, []float32{0.9, 0.8, 0.5}},
		{"score threshold drops decayed box", SoftNMSConfig{Method: SoftLinear, IoUThreshold: 0.3, ScoreThreshold: 0.2},
			[]int{0, 2}, []float32{0.9, 0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keep, got := SoftNMS(boxes, scores, tc.cfg)
			if !slices.Equal(keep, tc.wantKeep) {
				t.Fatalf("SoftNMS keep = %v, want %v", keep, tc.wantKeep)
			}
			for i := range got {
				if math.Abs(float64(got[i]-tc.wantScores[i])) > 1e-6 {
					t.Errorf("SoftNMS score[%d] = %v, want %v", i, got[i], tc.wantScores[i])
				}
			}
		})
	}
	if scores[1] != 0.8 {
		t.Errorf("SoftNMS modified its input scores: %v", scores)
	}
}

func TestSoftNMSEmptyAndTies(t *testing.T) {
	keep, s := SoftNMS(nil, nil, DefaultSoftNMS(SoftGaussian))
	if len(keep) != 0 || len(s) != 0 {
		t.Errorf("SoftNMS of nothing = %v, %v, want empty", keep, s)
	}
	// Equal scores, disjoint boxes: input order (by hand).
	keep, _ = SoftNMS([]Box{{0, 0, 1, 1}, {2, 2, 3, 3}, {4, 4, 5, 5}}, []float32{0.5, 0.5, 0.5}, DefaultSoftNMS(SoftLinear))
	if !slices.Equal(keep, []int{0, 1, 2}) {
		t.Errorf("SoftNMS with tied scores = %v, want [0 1 2]", keep)
	}
}

// TestSoftNMSPanics checks the programmer-error panics.
func TestSoftNMSPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"length mismatch", func() { SoftNMS(make([]Box, 3), make([]float32, 2), DefaultSoftNMS(SoftLinear)) }, "len(scores) = 2"},
		{"unknown method", func() { SoftNMS(nil, nil, SoftNMSConfig{}) }, "unknown method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.msg) {
					t.Errorf("recovered %v, want a panic containing %q", r, tc.msg)
				}
			}()
			tc.f()
		})
	}
}
