package detection

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // GoMLX's documented style.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestPoolRegionsMatchesRoIAlign checks RoIAlign inside the graph (PoolRegions with regionWeights) against
// detect.RoIAlign (itself tested against torchvision 0.14) on a batch of two random feature maps,
// with boxes on both images, partly outside the image and tiny; and its gradient: d(sum of the pooled
// values)/d(features) is, at each cell, the sum over the regions on its image of the product of the
// region's summed weights along y and along x.
func TestPoolRegionsMatchesRoIAlign(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	const n, h, w, ch, stride, bins = 2, 24, 24, 3, 4, 7
	r := rand.New(rand.NewPCG(7, 7))
	feat := make([]float32, n*h*w*ch)
	for i := range feat {
		feat[i] = r.Float32()*2 - 1
	}
	boxes := []detect.Box{{X1: 0, Y1: 0, X2: 96, Y2: 96}, {X1: 10, Y1: 20, X2: 40, Y2: 50}, {X1: 80, Y1: 70, X2: 110, Y2: 100},
		{X1: 33, Y1: 33, X2: 35, Y2: 36}, {X1: 5.5, Y1: 60.2, X2: 29.7, Y2: 71.9}}
	slots := []int{0, 1, 1, 0, 1}
	weights := newRegionWeights(len(boxes), bins, n, h, w, stride)
	wantGrad := make([]float32, n*h*w)
	for k, box := range boxes {
		weights.set(k, slots[k], box)
		wy, wx := detect.RoIAlignWeights(h, w, box, 1.0/stride, bins, bins, RoIAlignSamples)
		for y := range h {
			for x := range w {
				var sy, sx float32
				for i := range bins {
					sy, sx = sy+wy[i*h+y], sx+wx[i*w+x]
				}
				wantGrad[(slots[k]*h+y)*w+x] += sy * sx
			}
		}
	}
	exec, err := NewExec(b, func(f, wy, wx *Node) (*Node, *Node) {
		pooled := PoolRegions(f, wy, wx)
		return pooled, Gradient(ReduceAllSum(pooled), f)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	wy, wx := weights.tensors(len(boxes))
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(feat, n, h, w, ch), wy, wx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		t.Fatal(err)
	}
	nb := bins * bins
	for k, box := range boxes {
		want := detect.RoIAlign(feat[slots[k]*h*w*ch:(slots[k]+1)*h*w*ch], h, w, ch, box, 1.0/stride, bins, bins, RoIAlignSamples)
		for i, v := range want {
			if g := got[k*nb*ch+i]; math.Abs(float64(g-v)) > 1e-5 {
				t.Errorf("box %v on image %d: pooled[%d] = %v, detect.RoIAlign %v", box, slots[k], i, g, v)
				break
			}
		}
	}
	grad, err := tensors.CopyFlatData[float32](out[1])
	if err != nil {
		t.Fatal(err)
	}
	for cell, want := range wantGrad {
		for c := range ch {
			if g := grad[cell*ch+c]; math.Abs(float64(g-want)) > 1e-5 {
				t.Fatalf("gradient at cell %d channel %d = %v, want %v", cell, c, g, want)
			}
		}
	}
}
