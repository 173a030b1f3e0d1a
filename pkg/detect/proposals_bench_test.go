package detect

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomRectScene returns a width x height scene with n random rectangles of random colours and
// aspect ratios between 1:3 and 3:1, and the rectangles as ground truth.
func randomRectScene(r *rand.Rand, width, height, n int) (Image, []Box) {
	gt := make([]Box, 0, n)
	colours := make([][3]float32, 0, n)
	for len(gt) < n {
		w := 8 + r.Float32()*float32(width)/3
		h := 8 + r.Float32()*float32(height)/3
		x, y := r.Float32()*(float32(width)-w), r.Float32()*(float32(height)-h)
		b := Box{float32(int(x)), float32(int(y)), float32(int(x + w)), float32(int(y + h))}
		overlaps := false
		for _, g := range gt {
			overlaps = overlaps || !g.Intersect(b).Empty()
		}
		if overlaps {
			continue
		}
		gt = append(gt, b)
		colours = append(colours, [3]float32{r.Float32(), r.Float32(), r.Float32()})
	}
	return syntheticScene(r, width, height, gt, colours, 0.15), gt
}

// TestSelectiveSearchBeatsSlidingWindows checks the lesson's claim on synthetic scenes: at the same
// number of proposals, selective search recalls more objects at IoU 0.5 than sliding windows.
func TestSelectiveSearchBeatsSlidingWindows(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var ssAll, swAll, gtAll [][]Box
	for range 6 {
		img, gt := randomRectScene(r, 128, 96, 3)
		ss := SelectiveSearch(img, SelectiveSearchFast())
		sw := SlidingWindows(128, 96, []float32{16, 24, 32, 48, 64}, []float32{0.5, 1, 2}, 0.5)
		n := min(len(ss), len(sw), 150)
		// Sliding windows have no ranking: take an even subsample of n.
		sub := make([]Box, n)
		for i := range sub {
			sub[i] = sw[i*len(sw)/n]
		}
		ssAll, swAll, gtAll = append(ssAll, ss[:n]), append(swAll, sub), append(gtAll, gt)
	}
	ssRecall := PooledProposalRecall(ssAll, gtAll, 0.5)
	swRecall := PooledProposalRecall(swAll, gtAll, 0.5)
	t.Logf("recall at IoU 0.5, equal counts: selective search %.2f, sliding windows %.2f", ssRecall, swRecall)
	if ssRecall < swRecall+0.1 {
		t.Errorf("selective search recall %.2f, sliding windows %.2f: want selective search ahead by 0.1", ssRecall, swRecall)
	}
}

func BenchmarkSelectiveSearch(b *testing.B) {
	for _, size := range []int{64, 128, 256} {
		r := rand.New(rand.NewPCG(1, uint64(size)))
		img, _ := randomRectScene(r, size, size, 4)
		for _, cfg := range []struct {
			name string
			c    SelectiveSearchConfig
		}{{"single", SelectiveSearchSingle()}, {"fast", SelectiveSearchFast()}} {
			b.Run(fmt.Sprintf("%s/%dx%d", cfg.name, size, size), func(b *testing.B) {
				b.ReportAllocs()
				var n int
				for b.Loop() {
					n = len(SelectiveSearch(img, cfg.c))
				}
				b.ReportMetric(float64(n), "boxes")
			})
		}
	}
}
