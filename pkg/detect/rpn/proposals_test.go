package rpn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func TestProposals(t *testing.T) {
	box := func(x1, y1, x2, y2 float32) detect.Box { return detect.Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }
	nan := float32(math.NaN())
	cfg := func(pre, post int, minSize float32) ProposalConfig {
		return ProposalConfig{PreNMSTopN: pre, PostNMSTopN: post, NMSIoU: 0.7, MinSize: minSize, Coder: DefaultBoxCoder()}
	}
	// Expected proposals by hand; the image is 100x100 and deltas are zero unless given.
	tests := []struct {
		name    string
		anchors []detect.Box
		scores  []float32
		deltas  map[int][4]float32
		cfg     ProposalConfig
		want    []Proposal
	}{
		{
			name: "ranked by score, NMS above 0.7",
			anchors: []detect.Box{
				box(0, 0, 20, 20),
				box(1, 0, 21, 20), // IoU 380/420 = 0.905 with anchor 0: suppressed
				box(50, 50, 70, 70),
				box(50, 0, 70, 20),
			},
			scores: []float32{0.9, 0.8, 0.8, 0.95},
			cfg:    cfg(100, 100, 0),
			want: []Proposal{
				{box(50, 0, 70, 20), 0.95, 3}, {box(0, 0, 20, 20), 0.9, 0}, {box(50, 50, 70, 70), 0.8, 2},
			},
		},
		{
			// IoU 0.7 exactly would survive; 10x10 boxes offset by 2 have IoU 80/120 = 0.667: both kept.
			name:    "overlap below the threshold kept",
			anchors: []detect.Box{box(0, 0, 10, 10), box(2, 0, 12, 10)},
			scores:  []float32{1, 2},
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(2, 0, 12, 10), 2, 1}, {box(0, 0, 10, 10), 1, 0}},
		},
		{
			name:    "equal scores keep anchor order, in NMS too",
			anchors: []detect.Box{box(60, 60, 80, 80), box(0, 0, 20, 20), box(0, 0, 20, 21)},
			scores:  []float32{0.5, 0.5, 0.5},
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(60, 60, 80, 80), 0.5, 0}, {box(0, 0, 20, 20), 0.5, 1}},
		},
		{
			name:    "deltas decoded",
			anchors: []detect.Box{box(10, 10, 30, 30)},
			scores:  []float32{1},
			deltas:  map[int][4]float32{0: {0.5, -0.25, float32(math.Ln2), 0}}, // right 10, up 5, twice as wide
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(10, 5, 50, 25), 1, 0}},
		},
		{
			name:    "clipped to the image",
			anchors: []detect.Box{box(-10, -10, 30, 30), box(90, 80, 130, 120)},
			scores:  []float32{1, 2},
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(90, 80, 100, 100), 2, 1}, {box(0, 0, 30, 30), 1, 0}},
		},
		{
			name: "minimum size after clipping, exactly at it kept",
			anchors: []detect.Box{
				box(0, 0, 16, 16),    // 16x16: kept (>=)
				box(40, 0, 55, 40),   // 15 wide: dropped
				box(-10, 50, 10, 70), // clipped to 10 wide: dropped
				box(60, 60, 100, 76), // 40x16: kept
			},
			scores: []float32{1, 2, 3, 0.5},
			cfg:    cfg(100, 100, 16),
			want:   []Proposal{{box(0, 0, 16, 16), 1, 0}, {box(60, 60, 100, 76), 0.5, 3}},
		},
		{
			name:    "outside the image dropped even with no minimum size",
			anchors: []detect.Box{box(200, 200, 220, 220), box(0, 0, 5, 5)},
			scores:  []float32{9, 1},
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(0, 0, 5, 5), 1, 1}},
		},
		{
			name:    "NaN scores and NaN deltas dropped",
			anchors: []detect.Box{box(0, 0, 10, 10), box(20, 20, 30, 30), box(50, 50, 60, 60)},
			scores:  []float32{nan, 1, 2},
			deltas:  map[int][4]float32{2: {nan, 0, 0, 0}},
			cfg:     cfg(100, 100, 0),
			want:    []Proposal{{box(20, 20, 30, 30), 1, 1}},
		},
		{
			// The pre-NMS cut keeps anchors 0 and 1, which overlap, so NMS leaves one box although the
			// disjoint anchor 2 would have survived NMS.
			name:    "pre-NMS top N applies before NMS",
			anchors: []detect.Box{box(0, 0, 20, 20), box(0, 0, 20, 21), box(50, 50, 70, 70)},
			scores:  []float32{0.9, 0.8, 0.7},
			cfg:     cfg(2, 100, 0),
			want:    []Proposal{{box(0, 0, 20, 20), 0.9, 0}},
		},
		{
			name:    "post-NMS top N",
			anchors: []detect.Box{box(0, 0, 20, 20), box(0, 0, 20, 21), box(50, 50, 70, 70), box(30, 30, 40, 40)},
			scores:  []float32{0.9, 0.8, 0.7, 0.6},
			cfg:     cfg(100, 2, 0),
			want:    []Proposal{{box(0, 0, 20, 20), 0.9, 0}, {box(50, 50, 70, 70), 0.7, 2}},
		},
		{
			name:    "no anchors",
			anchors: nil,
			scores:  nil,
			cfg:     PaperTestProposals(),
			want:    []Proposal{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deltas := make([][4]float32, len(tt.anchors))
			for i, d := range tt.deltas {
				deltas[i] = d
			}
			anchors := slices.Clone(tt.anchors)
			got, err := Proposals(anchors, tt.scores, deltas, 100, 100, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || len(got) != len(tt.want) {
				t.Fatalf("Proposals = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Anchor != tt.want[i].Anchor || got[i].Score != tt.want[i].Score || !closeBox(got[i].Box, tt.want[i].Box, 1e-5) {
					t.Errorf("Proposals[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if !slices.Equal(anchors, tt.anchors) {
				t.Errorf("Proposals modified its anchors")
			}
		})
	}
}

// TestProposalsProperties checks, on the paper's anchors with random scores and deltas, that proposals
// are inside the image, at least MinSize on a side, by non-increasing score, pairwise IoU <= NMSIoU,
// at most PostNMSTopN, each equal to its anchor's decoded and clipped box, and the same on a second call.
func TestProposalsProperties(t *testing.T) {
	const width, height = 400, 300
	anchors, err := PaperAnchors().Boxes(19, 25)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	scores := make([]float32, len(anchors))
	deltas := make([][4]float32, len(anchors))
	for i := range anchors {
		scores[i] = float32(rng.IntN(50)) / 50 // many ties
		for k := range 4 {
			deltas[i][k] = float32(rng.NormFloat64() * 0.3)
		}
	}
	cfg := ProposalConfig{PreNMSTopN: 1500, PostNMSTopN: 200, NMSIoU: 0.7, MinSize: 16, Coder: DefaultBoxCoder()}
	got, err := Proposals(anchors, scores, deltas, width, height, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || len(got) > cfg.PostNMSTopN {
		t.Fatalf("Proposals gave %d proposals, want 1 to %d", len(got), cfg.PostNMSTopN)
	}
	for i, p := range got {
		b := p.Box
		if b.X1 < 0 || b.Y1 < 0 || b.X2 > width || b.Y2 > height || b.Width() < cfg.MinSize || b.Height() < cfg.MinSize {
			t.Errorf("proposal %d %v is outside the %dx%d image or smaller than %v", i, b, width, height, cfg.MinSize)
		}
		if want := cfg.Coder.Decode(anchors[p.Anchor], deltas[p.Anchor]).Clip(width, height); b != want || p.Score != scores[p.Anchor] {
			t.Errorf("proposal %d = %+v, want box %v and score %v of anchor %d", i, p, want, scores[p.Anchor], p.Anchor)
		}
		if i > 0 && (p.Score > got[i-1].Score || p.Score == got[i-1].Score && p.Anchor < got[i-1].Anchor) {
			t.Errorf("proposal %d (score %v, anchor %d) ranks after proposal %d (score %v, anchor %d)",
				i, p.Score, p.Anchor, i-1, got[i-1].Score, got[i-1].Anchor)
		}
		for j := range i {
			if iou := detect.IoU(b, got[j].Box); iou > cfg.NMSIoU {
				t.Errorf("proposals %d and %d overlap with IoU %v > %v", j, i, iou, cfg.NMSIoU)
			}
		}
	}
	again, err := Proposals(anchors, scores, deltas, width, height, cfg)
	if err != nil || !slices.Equal(again, got) {
		t.Errorf("Proposals is not deterministic")
	}
}

func TestProposalsErrors(t *testing.T) {
	nan := float32(math.NaN())
	good := PaperTestProposals()
	with := func(f func(*ProposalConfig)) ProposalConfig { c := good; f(&c); return c }
	tests := []struct {
		name          string
		cfg           ProposalConfig
		width, height int
		want          string
	}{
		{"zero pre-NMS", with(func(c *ProposalConfig) { c.PreNMSTopN = 0 }), 10, 10, "PreNMSTopN = 0"},
		{"zero post-NMS", with(func(c *ProposalConfig) { c.PostNMSTopN = 0 }), 10, 10, "PostNMSTopN = 0"},
		{"NMS threshold above 1", with(func(c *ProposalConfig) { c.NMSIoU = 1.1 }), 10, 10, "NMSIoU = 1.1"},
		{"NaN NMS threshold", with(func(c *ProposalConfig) { c.NMSIoU = nan }), 10, 10, "NMSIoU = NaN"},
		{"negative minimum size", with(func(c *ProposalConfig) { c.MinSize = -1 }), 10, 10, "MinSize = -1"},
		{"zero coder", with(func(c *ProposalConfig) { c.Coder = BoxCoder{} }), 10, 10, "Weights[0] = 0"},
		{"empty image", good, 10, 0, "image 10x0"},
	}
	anchors := []detect.Box{{X1: 0, Y1: 0, X2: 5, Y2: 5}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Proposals(anchors, []float32{1}, make([][4]float32, 1), tt.width, tt.height, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rpn: ") {
				t.Errorf("Proposals error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("length mismatch panics", func(t *testing.T) {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "1 anchors, 2 scores and 1 deltas") {
				t.Errorf("recovered %q, want a panic about the lengths", r)
			}
		}()
		Proposals(anchors, []float32{1, 2}, make([][4]float32, 1), 10, 10, good)
	})
}
