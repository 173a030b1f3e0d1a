package detect

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestIoU(t *testing.T) {
	// Expected values by hand (area of intersection / area of union).
	tests := []struct {
		name string
		a, b Box
		want float32
	}{
		{"identical", Box{0, 0, 10, 10}, Box{0, 0, 10, 10}, 1},
		{"half overlap", Box{0, 0, 2, 1}, Box{1, 0, 3, 1}, 1.0 / 3},
		{"nested half", Box{0, 0, 2, 1}, Box{0, 0, 1, 1}, 0.5},
		{"disjoint", Box{0, 0, 1, 1}, Box{5, 5, 6, 6}, 0},
		{"touching edge", Box{0, 0, 1, 1}, Box{1, 0, 2, 1}, 0},
		{"touching corner", Box{0, 0, 1, 1}, Box{1, 1, 2, 2}, 0},
		{"quarter", Box{0, 0, 2, 2}, Box{1, 1, 3, 3}, 1.0 / 7},
		{"zero area inside", Box{0, 0, 10, 10}, Box{5, 5, 5, 8}, 0},
		{"two equal points", Box{3, 3, 3, 3}, Box{3, 3, 3, 3}, 0},
		{"inverted", Box{10, 10, 0, 0}, Box{0, 0, 10, 10}, 0},
		{"NaN coordinate", Box{0, 0, nan32, 10}, Box{0, 0, 10, 10}, 0},
		{"both inverted overlapping", Box{10, 10, 0, 0}, Box{8, 8, 2, 2}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IoU(tc.a, tc.b); got != tc.want {
				t.Errorf("IoU(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := IoU(tc.b, tc.a); got != tc.want {
				t.Errorf("IoU(%v, %v) = %v, want %v (swapped)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

func randomBoxes(r *rand.Rand, n int, extent, minSize, maxSize float32) []Box {
	boxes := make([]Box, n)
	for i := range boxes {
		x, y := r.Float32()*extent, r.Float32()*extent
		w := minSize + r.Float32()*(maxSize-minSize)
		h := minSize + r.Float32()*(maxSize-minSize)
		boxes[i] = Box{x, y, x + w, y + h}
	}
	return boxes
}

func TestIoUProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	boxes := randomBoxes(r, 300, 50, 0.5, 30)
	for i, a := range boxes {
		if got := IoU(a, a); got != 1 {
			t.Fatalf("IoU(b, b) = %v for %v, want 1", got, a)
		}
		for _, b := range boxes[i+1:] {
			ab, ba := IoU(a, b), IoU(b, a)
			if ab != ba {
				t.Fatalf("IoU(%v, %v) = %v but IoU(b, a) = %v, want symmetric", a, b, ab, ba)
			}
			if !(ab >= 0 && ab <= 1) {
				t.Fatalf("IoU(%v, %v) = %v, want in [0, 1]", a, b, ab)
			}
			g := GIoU(a, b)
			if !(g >= -1 && g <= ab) {
				t.Fatalf("GIoU(%v, %v) = %v, want in [-1, IoU = %v]", a, b, g, ab)
			}
		}
	}
}

func TestGIoU(t *testing.T) {
	// Expected values by hand: IoU - (area(C) - union) / area(C).
	tests := []struct {
		name string
		a, b Box
		want float32
	}{
		{"identical", Box{0, 0, 2, 2}, Box{0, 0, 2, 2}, 1},
		{"touching", Box{0, 0, 1, 1}, Box{1, 0, 2, 1}, 0},          // C = union
		{"gap of one", Box{0, 0, 1, 1}, Box{2, 0, 3, 1}, -1.0 / 3}, // C = 3, union = 2
		{"far apart", Box{0, 0, 1, 1}, Box{99, 0, 100, 1}, -98.0 / 100},
		{"diagonal", Box{0, 0, 1, 1}, Box{1, 1, 2, 2}, -0.5}, // C = 4, union = 2
		{"two equal points", Box{3, 3, 3, 3}, Box{3, 3, 3, 3}, 0},
		{"distant points", Box{0, 0, 0, 0}, Box{4, 4, 4, 4}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := GIoU(tc.a, tc.b)
			if math.Abs(float64(got-tc.want)) > 1e-6 {
				t.Errorf("GIoU(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestIoUMatrix(t *testing.T) {
	a := []Box{{0, 0, 2, 2}, {5, 5, 6, 6}}
	b := []Box{{0, 0, 2, 2}, {1, 1, 3, 3}, {5, 5, 6, 6}}
	got := IoUMatrix(a, b)
	want := []float32{1, 1.0 / 7, 0, 0, 0, 1} // by hand
	if len(got) != len(want) {
		t.Fatalf("len(IoUMatrix) = %d, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("IoUMatrix[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if got := IoUMatrix(nil, b); len(got) != 0 {
		t.Errorf("IoUMatrix(nil, b) has %d elements, want 0", len(got))
	}
}

func TestIoUMatrixToPanicsOnWrongLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("IoUMatrixTo with a short dst did not panic")
		}
	}()
	IoUMatrixTo(make([]float32, 5), make([]Box, 2), make([]Box, 3))
}
