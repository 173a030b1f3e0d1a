package detect

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestNMS(t *testing.T) {
	half := Box{0, 0, 1, 1} // IoU(Box{0, 0, 2, 1}, half) = 0.5 exactly (by hand)
	tests := []struct {
		name      string
		boxes     []Box
		scores    []float32
		threshold float32
		want      []int // by hand, same as torchvision.ops.nms
	}{
		{"empty", nil, nil, 0.5, []int{}},
		{"one box", []Box{{0, 0, 1, 1}}, []float32{0.1}, 0.5, []int{0}},
		{"exactly at threshold survives", []Box{{0, 0, 2, 1}, half}, []float32{0.9, 0.8}, 0.5, []int{0, 1}},
		{"one ulp above threshold is suppressed", []Box{{0, 0, 2, 1}, half}, []float32{0.9, 0.8},
			math.Nextafter32(0.5, 0), []int{0}},
		{"sorted by score", []Box{{0, 0, 1, 1}, {5, 5, 6, 6}, {9, 9, 10, 10}}, []float32{0.2, 0.9, 0.5}, 0.5, []int{1, 2, 0}},
		{"duplicate suppressed by higher score", []Box{{0, 0, 10, 10}, {0, 0, 10, 10}}, []float32{0.3, 0.7}, 0.5, []int{1}},
		{"equal scores keep input order", []Box{{0, 0, 10, 10}, {0, 0, 10, 10}, {20, 20, 30, 30}}, []float32{0.5, 0.5, 0.5},
			0.5, []int{0, 2}},
		{"chain: suppressed boxes do not suppress", []Box{{0, 0, 10, 10}, {4, 0, 14, 10}, {8, 0, 18, 10}},
			[]float32{0.9, 0.8, 0.7}, 0.3, []int{0, 2}}, // IoU(0,1) = 6/14, IoU(0,2) = 2/18
		{"zero-area boxes kept", []Box{{0, 0, 10, 10}, {5, 5, 5, 5}, {5, 5, 5, 5}}, []float32{0.9, 0.8, 0.7}, 0.5, []int{0, 1, 2}},
		{"NaN box kept", []Box{{0, 0, 10, 10}, {0, 0, nan32, 10}}, []float32{0.5, 0.9}, 0.5, []int{1, 0}},
		{"NaN score ranks first (torch.sort)", []Box{{0, 0, 10, 10}, {1, 1, 11, 11}}, []float32{0.9, nan32}, 0.5, []int{1}},
		{"threshold 0 suppresses any overlap", []Box{{0, 0, 10, 10}, {9, 9, 20, 20}, {10, 0, 20, 9}}, []float32{0.9, 0.8, 0.7},
			0, []int{0, 2}},
		{"negative threshold keeps the top box", []Box{{0, 0, 1, 1}, {5, 5, 6, 6}}, []float32{0.1, 0.2}, -0.1, []int{1}},
		{"NaN threshold suppresses nothing", []Box{{0, 0, 1, 1}, {0, 0, 1, 1}}, []float32{0.1, 0.2}, nan32, []int{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NMS(tc.boxes, tc.scores, tc.threshold)
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("NMS(%v, %v, %v) = %v, want %v", tc.boxes, tc.scores, tc.threshold, got, tc.want)
			}
			if got == nil {
				t.Errorf("NMS returned nil, want a non-nil (possibly empty) slice")
			}
		})
	}
}

func TestNMSPanicsOnLengthMismatch(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "len(boxes) = 2 but len(scores) = 1") {
			t.Errorf("NMS with 2 boxes and 1 score: recovered %v, want a panic naming both lengths", r)
		}
	}()
	NMS(make([]Box, 2), make([]float32, 1), 0.5)
}

func TestBatchedNMSPanicsOnLengthMismatch(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "len(classes) = 1") {
			t.Errorf("BatchedNMS with 1 class for 2 boxes: recovered %v, want a panic naming the lengths", r)
		}
	}()
	BatchedNMS(make([]Box, 2), make([]float32, 2), make([]int, 1), 0.5)
}

func TestBatchedNMS(t *testing.T) {
	boxes := []Box{{0, 0, 10, 10}, {0, 0, 10, 10}, {1, 1, 10, 10}, {50, 50, 60, 60}}
	scores := []float32{0.9, 0.8, 0.7, 0.95}
	classes := []int{0, 1, 0, 1}
	// By hand: box 2 is suppressed by box 0 (same class, IoU 0.81); box 1 is another class.
	want := []int{3, 0, 1}
	if got := BatchedNMS(boxes, scores, classes, 0.5); !slices.Equal(got, want) {
		t.Errorf("BatchedNMS = %v, want %v", got, want)
	}
	if got := BatchedNMS(nil, nil, nil, 0.5); len(got) != 0 {
		t.Errorf("BatchedNMS of nothing = %v, want empty", got)
	}
}

// checkNMSProperties checks what any correct greedy NMS result satisfies.
func checkNMSProperties(t *testing.T, boxes []Box, scores []float32, thr float32, keep []int) {
	t.Helper()
	kept := make([]bool, len(boxes))
	for k, i := range keep {
		if kept[i] {
			t.Fatalf("index %d kept twice", i)
		}
		kept[i] = true
		if k > 0 && scores[keep[k-1]] < scores[i] {
			t.Fatalf("keep[%d] = %d has score %v above the previous %v, want decreasing", k, i, scores[i], scores[keep[k-1]])
		}
		for _, j := range keep[:k] {
			if iou := IoU(boxes[i], boxes[j]); iou > thr {
				t.Fatalf("kept boxes %d and %d have IoU %v > %v", i, j, iou, thr)
			}
		}
	}
	for i := range boxes {
		if kept[i] {
			continue
		}
		ok := false
		for _, j := range keep {
			if scores[j] >= scores[i] && IoU(boxes[i], boxes[j]) > thr {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("box %d was dropped but overlaps no kept box with a higher score by more than %v", i, thr)
		}
	}
}

// TestNMSGridMatchesPairwise compares the grid-accelerated NMS with the textbook loop on scenes with
// small, mixed and huge boxes, duplicates and empty boxes.
func TestNMSGridMatchesPairwise(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	scenes := []struct {
		name               string
		n                  int
		extent, lo, hi     float32
		thresholds         []float32
		withDegenerate     bool
		withQuantizedScore bool
	}{
		{"sparse small", 2000, 1000, 2, 40, []float32{0, 0.3, 0.5, 0.9}, false, false},
		{"dense", 1000, 100, 5, 60, []float32{0.1, 0.5}, false, false},
		{"mixed sizes", 1500, 500, 0.5, 600, []float32{0.05, 0.5}, true, false},
		{"tied scores", 800, 200, 5, 30, []float32{0.5}, true, true},
	}
	for _, sc := range scenes {
		boxes := randomBoxes(r, sc.n, sc.extent, sc.lo, sc.hi)
		scores := make([]float32, sc.n)
		for i := range scores {
			scores[i] = r.Float32()
			if sc.withQuantizedScore {
				scores[i] = float32(r.IntN(5)) / 4
			}
		}
		if sc.withDegenerate {
			for k := 0; k < sc.n/20; k++ {
				i := r.IntN(sc.n)
				boxes[i].X2 = boxes[i].X1 // zero width
				j := r.IntN(sc.n)
				boxes[j] = boxes[r.IntN(sc.n)] // duplicate
			}
		}
		for _, thr := range sc.thresholds {
			got := NMS(boxes, scores, thr)
			order := make([]int32, sc.n)
			for i := range order {
				order[i] = int32(i)
			}
			sortByScore(order, scores)
			want := nmsPairwise(nil, boxes, order, thr)
			if !slices.Equal(got, want) {
				t.Errorf("%s, t=%v: grid NMS kept %d boxes, pairwise %d; first difference at %d",
					sc.name, thr, len(got), len(want), firstDiff(got, want))
				continue
			}
			checkNMSProperties(t, boxes, scores, thr, got)
		}
	}
}

func firstDiff(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
