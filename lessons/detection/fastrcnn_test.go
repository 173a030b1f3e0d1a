package detection

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // GoMLX's documented style.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// TestGraphRoIPoolMatchesRoIPool checks the pooling inside FastRCNNModel (features times roiMasks,
// maximum over cells) against detect.RoIPool (itself tested against torchvision 0.14) on random
// non-negative features and boxes, including boxes partly outside the image and a tiny one, at
// the backbone's two layouts: every stage pooled (stride 8) and the last one unpooled (stride 4).
func TestGraphRoIPoolMatchesRoIPool(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		poolStages int
		side       int // feature map side for 96x96 images
	}{{"stride 8", 0, 12}, {"stride 4, last stage unpooled", 2, 24}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := FastRCNNQuick()
			cfg.Channels, cfg.PoolStages = []int{8, 8, 8}, tc.poolStages
			if got := 96 / cfg.stride(); got != tc.side {
				t.Fatalf("stride %d gives a %d-cell map, want %d", cfg.stride(), got, tc.side)
			}
			h, w := tc.side, tc.side
			const ch = 4
			r := rand.New(rand.NewPCG(7, 7))
			feat := make([]float32, h*w*ch)
			for i := range feat {
				feat[i] = r.Float32() // >= 0, as ReLU outputs are
			}
			boxes := []detect.Box{{X1: 0, Y1: 0, X2: 96, Y2: 96}, {X1: 10, Y1: 20, X2: 40, Y2: 50}, {X1: 80, Y1: 70, X2: 110, Y2: 100},
				{X1: 33, Y1: 33, X2: 35, Y2: 36}, {X1: 5.5, Y1: 60.2, X2: 29.7, Y2: 71.9}}
			nb := cfg.Bins * cfg.Bins
			masks := make([]float32, len(boxes)*nb*h*w)
			roiMasks(masks, boxes, h, w, cfg)
			exec, err := NewExec(b, func(f, m *Node) *Node {
				return ReduceMax(Mul(Reshape(f, 1, 1, h*w, ch), ExpandAxes(m, -1)), 2)
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Exec1(tensors.FromFlatDataAndDimensions(feat, 1, h, w, ch), tensors.FromFlatDataAndDimensions(masks, len(boxes), nb, h*w))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tensors.CopyFlatData[float32](out)
			if err != nil {
				t.Fatal(err)
			}
			for k, box := range boxes {
				want := detect.RoIPool(feat, h, w, ch, box, 1/float32(cfg.stride()), cfg.Bins, cfg.Bins)
				for i, v := range want {
					if g := got[k*nb*ch+i]; g != v {
						t.Errorf("box %v: pooled[%d] = %v, detect.RoIPool %v", box, i, g, v)
						break
					}
				}
			}
		})
	}
}
