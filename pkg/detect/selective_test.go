package detect

import (
	"math"
	"math/rand/v2"
	"testing"
)

// syntheticScene draws filled rectangles of distinct colours on a noisy background and returns the
// image and the rectangles as ground-truth boxes.
func syntheticScene(r *rand.Rand, width, height int, rects []Box, colours [][3]float32, noise float32) Image {
	img := Image{Width: width, Height: height, Channels: 3, Pix: make([]float32, 3*width*height)}
	for y := range height {
		for x := range width {
			c := [3]float32{0.45, 0.5, 0.4}
			for k, b := range rects {
				if float32(x) >= b.X1 && float32(x) < b.X2 && float32(y) >= b.Y1 && float32(y) < b.Y2 {
					c = colours[k]
				}
			}
			for ch := range 3 {
				v := c[ch] + noise*(r.Float32()-0.5)
				img.Pix[3*(y*width+x)+ch] = min(max(v, 0), 1)
			}
		}
	}
	return img
}

func TestSegmentGraph(t *testing.T) {
	// Two halves of different colour, no noise, no smoothing: by hand, two regions split at x = 10.
	// (With smoothing the blurred boundary columns form regions of their own, as FH intends.)
	img := Image{Width: 20, Height: 8, Channels: 1, Pix: make([]float32, 160)}
	for y := range 8 {
		for x := 10; x < 20; x++ {
			img.Pix[y*20+x] = 1
		}
	}
	seg := SegmentGraph(img, 100, 0, 5)
	if seg.NumRegions != 2 {
		t.Fatalf("SegmentGraph of two halves: %d regions, want 2", seg.NumRegions)
	}
	for y := range 8 {
		for x := range 20 {
			want := int32(0)
			if x >= 10 {
				want = 1
			}
			if got := seg.Labels[y*20+x]; got != want {
				t.Fatalf("label of (%d, %d) = %d, want %d", x, y, got, want)
			}
		}
	}
	// A uniform image is one region; larger k never gives more regions on a noisy scene.
	if got := SegmentGraph(Image{Width: 5, Height: 5, Channels: 1, Pix: make([]float32, 25)}, 10, 0.8, 1).NumRegions; got != 1 {
		t.Errorf("uniform image: %d regions, want 1", got)
	}
	r := rand.New(rand.NewPCG(3, 4))
	noisy := syntheticScene(r, 60, 40, nil, nil, 0.3)
	prev := math.MaxInt
	for _, k := range []float32{10, 50, 200, 1000} {
		n := SegmentGraph(noisy, k, 0.8, 1).NumRegions
		if n > prev {
			t.Errorf("k = %v gave %d regions, more than the %d of a smaller k", k, n, prev)
		}
		prev = n
	}
}

func TestSelectiveSearchFindsRectangles(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gt := []Box{{8, 10, 40, 30}, {55, 5, 75, 60}, {20, 45, 50, 70}, {85, 40, 115, 52}}
	colours := [][3]float32{{0.9, 0.1, 0.1}, {0.1, 0.2, 0.9}, {0.95, 0.9, 0.2}, {0.1, 0.1, 0.1}}
	img := syntheticScene(r, 120, 80, gt, colours, 0.1)
	for _, tc := range []struct {
		name string
		cfg  SelectiveSearchConfig
	}{
		{"single", SelectiveSearchSingle()},
		{"fast", SelectiveSearchFast()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			boxes := SelectiveSearch(img, tc.cfg)
			if len(boxes) == 0 {
				t.Fatal("no proposals")
			}
			for _, g := range gt {
				best := float32(0)
				for _, b := range boxes {
					best = max(best, IoU(b, g))
				}
				if best < 0.5 {
					t.Errorf("best IoU with %v = %v, want >= 0.5", g, best)
				}
			}
			// The whole image is the top of every hierarchy; all boxes lie inside the image.
			whole := Box{0, 0, 120, 80}
			hasWhole := false
			for _, b := range boxes {
				hasWhole = hasWhole || b == whole
				if b.Empty() || b.X1 < 0 || b.Y1 < 0 || b.X2 > 120 || b.Y2 > 80 {
					t.Fatalf("proposal %v is empty or outside the 120x80 image", b)
				}
			}
			if !hasWhole {
				t.Error("the whole image is not among the proposals")
			}
			if got := ProposalRecall(boxes, gt, 0.5); got != 1 {
				t.Errorf("ProposalRecall = %v, want 1", got)
			}
		})
	}
}

func TestSelectiveSearchDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	img := syntheticScene(r, 50, 40, []Box{{5, 5, 20, 30}}, [][3]float32{{1, 0, 0}}, 0.2)
	a, b := SelectiveSearch(img, SelectiveSearchSingle()), SelectiveSearch(img, SelectiveSearchSingle())
	if len(a) != len(b) {
		t.Fatalf("two runs gave %d and %d boxes", len(a), len(b))
	}
	seen := map[Box]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two runs differ at %d: %v vs %v", i, a[i], b[i])
		}
		if seen[a[i]] {
			t.Fatalf("box %v repeated", a[i])
		}
		seen[a[i]] = true
	}
}

func TestSlidingWindows(t *testing.T) {
	// By hand: 10x10 windows, stride 0.5 (5 px) in a 20x15 image: x in {0, 5, 10}, y in {0, 5}.
	got := SlidingWindows(20, 15, []float32{10}, []float32{1}, 0.5)
	if len(got) != 6 || got[0] != (Box{0, 0, 10, 10}) || got[5] != (Box{10, 5, 20, 15}) {
		t.Errorf("SlidingWindows = %v, want 6 windows from (0,0)-(10,10) to (10,5)-(20,15)", got)
	}
	// By hand: stride 1 with a 7-wide window in a 10-wide image: x = 0, then flush 3.
	got = SlidingWindows(10, 7, []float32{7}, []float32{1}, 1)
	if len(got) != 2 || got[1] != (Box{3, 0, 10, 7}) {
		t.Errorf("SlidingWindows with a flush last window = %v, want [(0,0)-(7,7) (3,0)-(10,7)]", got)
	}
	// Aspect ratio 4: 20 wide, 5 high for size 10.
	got = SlidingWindows(20, 5, []float32{10}, []float32{4}, 1)
	if len(got) != 1 || got[0] != (Box{0, 0, 20, 5}) {
		t.Errorf("SlidingWindows ratio 4 = %v, want [(0,0)-(20,5)]", got)
	}
	if got := SlidingWindows(5, 5, []float32{10}, []float32{1}, 0.5); len(got) != 0 {
		t.Errorf("window larger than image gave %v, want none", got)
	}
}

func TestProposalRecall(t *testing.T) {
	gt := []Box{{0, 0, 10, 10}, {20, 20, 30, 30}}
	tests := []struct {
		name      string
		proposals []Box
		iou       float32
		want      float64 // by hand
	}{
		{"none", nil, 0.5, 0},
		{"exact one", []Box{{0, 0, 10, 10}}, 0.5, 0.5},
		{"exactly at threshold counts", []Box{{0, 0, 10, 20}, {20, 20, 30, 30}}, 0.5, 1},
		{"just below threshold misses", []Box{{0, 0, 10, 21}}, 0.5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProposalRecall(tc.proposals, gt, tc.iou); got != tc.want {
				t.Errorf("ProposalRecall(%v, gt, %v) = %v, want %v", tc.proposals, tc.iou, got, tc.want)
			}
		})
	}
	if got := ProposalRecall([]Box{{0, 0, 1, 1}}, nil, 0.5); !math.IsNaN(got) {
		t.Errorf("ProposalRecall with no ground truth = %v, want NaN", got)
	}
	pooled := PooledProposalRecall([][]Box{{{0, 0, 10, 10}}, nil}, [][]Box{gt, {{5, 5, 6, 6}}}, 0.5)
	if pooled != 1.0/3 {
		t.Errorf("PooledProposalRecall = %v, want 1/3", pooled)
	}
}
