package rpn

import (
	"math"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// closeBox reports whether every coordinate of a and b differs by at most tol.
func closeBox(a, b detect.Box, tol float64) bool {
	return math.Abs(float64(a.X1-b.X1)) <= tol && math.Abs(float64(a.Y1-b.Y1)) <= tol &&
		math.Abs(float64(a.X2-b.X2)) <= tol && math.Abs(float64(a.Y2-b.Y2)) <= tol
}

func TestAnchorsBoxes(t *testing.T) {
	// By hand. Scale 32: ratio 0.5 (h/w) is 32/√0.5 = 45.254834 wide and 32·√0.5 = 22.627417 high,
	// half-sizes 22.627417 and 11.313708; ratio 1 is 32x32; ratio 2 is 22.627417 wide, 45.254834 high.
	// Stride 16 puts the cell centres of a 2x2 map at (8, 8), (24, 8), (8, 24), (24, 24), row-major.
	const a, b = 22.627417, 11.313708
	tests := []struct {
		name          string
		anchors       Anchors
		height, width int
		want          []detect.Box
	}{
		{
			name:    "2x2 stride 16, scale 32, ratios 0.5 1 2",
			anchors: Anchors{Stride: 16, Scales: []float32{32}, Ratios: []float32{0.5, 1, 2}},
			height:  2, width: 2,
			want: []detect.Box{
				// row 0, col 0: centre (8, 8)
				{X1: 8 - a, Y1: 8 - b, X2: 8 + a, Y2: 8 + b},
				{X1: -8, Y1: -8, X2: 24, Y2: 24},
				{X1: 8 - b, Y1: 8 - a, X2: 8 + b, Y2: 8 + a},
				// row 0, col 1: centre (24, 8)
				{X1: 24 - a, Y1: 8 - b, X2: 24 + a, Y2: 8 + b},
				{X1: 8, Y1: -8, X2: 40, Y2: 24},
				{X1: 24 - b, Y1: 8 - a, X2: 24 + b, Y2: 8 + a},
				// row 1, col 0: centre (8, 24)
				{X1: 8 - a, Y1: 24 - b, X2: 8 + a, Y2: 24 + b},
				{X1: -8, Y1: 8, X2: 24, Y2: 40},
				{X1: 8 - b, Y1: 24 - a, X2: 8 + b, Y2: 24 + a},
				// row 1, col 1: centre (24, 24)
				{X1: 24 - a, Y1: 24 - b, X2: 24 + a, Y2: 24 + b},
				{X1: 8, Y1: 8, X2: 40, Y2: 40},
				{X1: 24 - b, Y1: 24 - a, X2: 24 + b, Y2: 24 + a},
			},
		},
		{
			// Scale before ratio within a cell; a 1x3 map is one row of three cells.
			name:    "1x3 stride 8, scales 8 16, ratios 1 4",
			anchors: Anchors{Stride: 8, Scales: []float32{8, 16}, Ratios: []float32{1, 4}},
			height:  1, width: 3,
			want: []detect.Box{
				{X1: 0, Y1: 0, X2: 8, Y2: 8}, {X1: 2, Y1: -4, X2: 6, Y2: 12}, // scale 8: 8x8, then 4 wide 16 high
				{X1: -4, Y1: -4, X2: 12, Y2: 12}, {X1: 0, Y1: -12, X2: 8, Y2: 20}, // scale 16: 16x16, then 8x32
				{X1: 8, Y1: 0, X2: 16, Y2: 8}, {X1: 10, Y1: -4, X2: 14, Y2: 12},
				{X1: 4, Y1: -4, X2: 20, Y2: 12}, {X1: 8, Y1: -12, X2: 16, Y2: 20},
				{X1: 16, Y1: 0, X2: 24, Y2: 8}, {X1: 18, Y1: -4, X2: 22, Y2: 12},
				{X1: 12, Y1: -4, X2: 28, Y2: 12}, {X1: 16, Y1: -12, X2: 24, Y2: 20},
			},
		},
		{
			name:    "1x1 non-integer stride",
			anchors: Anchors{Stride: 2.5, Scales: []float32{1}, Ratios: []float32{1}},
			height:  1, width: 1,
			want: []detect.Box{{X1: 0.75, Y1: 0.75, X2: 1.75, Y2: 1.75}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.anchors.Boxes(tt.height, tt.width)
			if err != nil {
				t.Fatalf("Boxes(%d, %d): %v", tt.height, tt.width, err)
			}
			if len(got) != len(tt.want) || len(got) != tt.height*tt.width*tt.anchors.PerCell() {
				t.Fatalf("Boxes(%d, %d) gave %d anchors, want %d", tt.height, tt.width, len(got), len(tt.want))
			}
			for i := range got {
				if !closeBox(got[i], tt.want[i], 1e-5) {
					t.Errorf("Boxes(%d, %d)[%d] = %v, want %v", tt.height, tt.width, i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestPaperAnchorsGeometry checks, over a VGG-16-sized map, that each anchor has area s², aspect ratio
// r (height / width) and its cell's centre, in the documented order.
func TestPaperAnchorsGeometry(t *testing.T) {
	a := PaperAnchors()
	const height, width = 38, 50
	boxes, err := a.Boxes(height, width)
	if err != nil {
		t.Fatal(err)
	}
	if a.PerCell() != 9 || len(boxes) != height*width*9 {
		t.Fatalf("PerCell() = %d and %d anchors, want 9 and %d", a.PerCell(), len(boxes), height*width*9)
	}
	i := 0
	for row := range height {
		for col := range width {
			for _, s := range a.Scales {
				for _, r := range a.Ratios {
					cx, cy, w, h := boxes[i].CXCYWH()
					wantCX, wantCY := (float64(col)+0.5)*16, (float64(row)+0.5)*16
					if math.Abs(float64(cx)-wantCX) > 1e-3 || math.Abs(float64(cy)-wantCY) > 1e-3 {
						t.Fatalf("anchor %d centre (%v, %v), want (%v, %v)", i, cx, cy, wantCX, wantCY)
					}
					if area := float64(w) * float64(h); math.Abs(area/float64(s*s)-1) > 1e-5 {
						t.Fatalf("anchor %d area %v, want %v", i, area, s*s)
					}
					if ratio := float64(h) / float64(w); math.Abs(ratio/float64(r)-1) > 1e-5 {
						t.Fatalf("anchor %d height/width %v, want %v", i, ratio, r)
					}
					i++
				}
			}
		}
	}
}

func TestAnchorsErrors(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	good := []float32{1}
	tests := []struct {
		name          string
		anchors       Anchors
		height, width int
		want          string // a substring of the error
	}{
		{"zero stride", Anchors{Stride: 0, Scales: good, Ratios: good}, 1, 1, "stride = 0"},
		{"negative stride", Anchors{Stride: -16, Scales: good, Ratios: good}, 1, 1, "stride = -16"},
		{"NaN stride", Anchors{Stride: nan, Scales: good, Ratios: good}, 1, 1, "stride = NaN"},
		{"infinite stride", Anchors{Stride: inf, Scales: good, Ratios: good}, 1, 1, "stride = +Inf"},
		{"no scales", Anchors{Stride: 16, Ratios: good}, 1, 1, "0 scales and 1 ratios"},
		{"no ratios", Anchors{Stride: 16, Scales: good}, 1, 1, "1 scales and 0 ratios"},
		{"zero scale", Anchors{Stride: 16, Scales: []float32{32, 0}, Ratios: good}, 1, 1, "Scales[1] = 0"},
		{"negative ratio", Anchors{Stride: 16, Scales: good, Ratios: []float32{-1}}, 1, 1, "Ratios[0] = -1"},
		{"NaN ratio", Anchors{Stride: 16, Scales: good, Ratios: []float32{nan}}, 1, 1, "Ratios[0] = NaN"},
		{"zero height", PaperAnchors(), 0, 5, "feature map 0x5"},
		{"negative width", PaperAnchors(), 5, -1, "feature map 5x-1"},
		{"too many", PaperAnchors(), 1000, 1000, "want at most 4194304"},
		{"overflowing int", PaperAnchors(), math.MaxInt, math.MaxInt, "want at most"},
		{"degenerate anchor", Anchors{Stride: 16, Scales: []float32{1e-30}, Ratios: []float32{1e-30}}, 1, 1, "want a finite size"},
		{"huge anchor", Anchors{Stride: 16, Scales: []float32{1e38}, Ratios: []float32{1e-10}}, 1, 1, "want a finite size"},
		{"coordinates out of range", Anchors{Stride: 1e38, Scales: good, Ratios: good}, 10, 10, "float32's range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.anchors.Boxes(tt.height, tt.width)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rpn: ") {
				t.Errorf("Boxes(%d, %d) = %d anchors, error %v; want an error containing %q",
					tt.height, tt.width, len(got), err, tt.want)
			}
		})
	}
}
