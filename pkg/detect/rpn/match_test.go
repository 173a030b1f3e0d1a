package rpn

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func TestMatch(t *testing.T) {
	// Every IoU below is by hand, and exact in float32 (areas are integers, quotients dyadic or
	// compared only with thresholds far away).
	const P, N, I = Positive, Negative, Ignore
	box := func(x1, y1, x2, y2 float32) detect.Box { return detect.Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }
	unit := box(0, 0, 10, 10)
	inf := float32(math.Inf(1))
	tests := []struct {
		name        string
		anchors     []detect.Box
		truth       []detect.Box
		cfg         MatchConfig
		wantLabels  []Label
		wantMatched []int
		wantMaxIoU  []float32
	}{
		{
			name: "thresholds",
			anchors: []detect.Box{
				unit,              // IoU 1: positive
				box(0, 0, 10, 14), // 100/140 = 0.714 >= 0.7: positive
				box(0, 0, 10, 20), // 0.5: ignored, between 0.3 and 0.7
				box(50, 50, 60, 60),
			},
			truth:       []detect.Box{unit},
			cfg:         PaperMatch(),
			wantLabels:  []Label{P, P, I, N},
			wantMatched: []int{0, 0, -1, -1},
			wantMaxIoU:  []float32{1, 100.0 / 140, 0.5, 0},
		},
		{
			name: "exactly at the thresholds",
			anchors: []detect.Box{
				box(0, 0, 10, 20), // IoU 0.5 = PositiveIoU: positive (>=), though not the box's best
				box(0, 0, 10, 40), // IoU 0.25 = NegativeIoU: not negative (<), so ignored
				box(0, 0, 10, 50), // IoU 0.2: negative
				box(0, 0, 10, 11), // IoU 100/110, the box's best: positive
			},
			truth:       []detect.Box{unit},
			cfg:         MatchConfig{PositiveIoU: 0.5, NegativeIoU: 0.25},
			wantLabels:  []Label{P, I, N, P},
			wantMatched: []int{0, -1, -1, 0},
			wantMaxIoU:  []float32{0.5, 0.25, 0.2, float32(100) / float32(110)},
		},
		{
			name: "one ulp above the thresholds",
			anchors: []detect.Box{
				box(0, 0, 10, 20), // IoU 0.5, one ulp below PositiveIoU: ignored
				box(0, 0, 10, 40), // IoU 0.25, one ulp below NegativeIoU: negative
				box(0, 0, 10, 11), // IoU 100/110, the box's best: positive
			},
			truth:       []detect.Box{unit},
			cfg:         MatchConfig{PositiveIoU: math.Nextafter32(0.5, 1), NegativeIoU: math.Nextafter32(0.25, 1)},
			wantLabels:  []Label{I, N, P},
			wantMatched: []int{-1, -1, 0},
			wantMaxIoU:  []float32{0.5, 0.25, float32(100) / float32(110)},
		},
		{
			name: "best anchor rescues a box below 0.7",
			anchors: []detect.Box{
				box(0, 0, 10, 20), // IoU 0.5, the box's best: positive
				box(0, 0, 10, 40), // 0.25: negative
				box(50, 50, 60, 60),
			},
			truth:       []detect.Box{unit},
			cfg:         PaperMatch(),
			wantLabels:  []Label{P, N, N},
			wantMatched: []int{0, -1, -1},
			wantMaxIoU:  []float32{0.5, 0.25, 0},
		},
		{
			name:        "best anchor below the negative threshold",
			anchors:     []detect.Box{box(0, 0, 10, 40), box(0, 0, 10, 50)}, // IoU 0.25 and 0.2
			truth:       []detect.Box{unit},
			cfg:         PaperMatch(),
			wantLabels:  []Label{P, N},
			wantMatched: []int{0, -1},
			wantMaxIoU:  []float32{0.25, 0.2},
		},
		{
			name: "tied best anchors are all positive",
			anchors: []detect.Box{
				box(10, 10, 20, 30), // IoU 0.5
				box(10, 0, 20, 20),  // IoU 0.5
				box(10, 10, 20, 40), // IoU 1/3: ignored
			},
			truth:       []detect.Box{box(10, 10, 20, 20)},
			cfg:         PaperMatch(),
			wantLabels:  []Label{P, P, I},
			wantMatched: []int{0, 0, -1},
			wantMaxIoU:  []float32{0.5, 0.5, float32(100) / float32(300)},
		},
		{
			// Anchor 1 is the best for box 1 (IoU 200/500 = 0.4) but has a higher IoU with box 0 (0.5):
			// it is positive through box 1 and regresses to box 0, as py-faster-rcnn does.
			name:        "a rescued anchor regresses to its own best box",
			anchors:     []detect.Box{unit, box(0, 0, 10, 20)},
			truth:       []detect.Box{unit, box(0, 0, 10, 50)},
			cfg:         PaperMatch(),
			wantLabels:  []Label{P, P},
			wantMatched: []int{0, 0},
			wantMaxIoU:  []float32{1, 0.5},
		},
		{
			name:        "a box no anchor overlaps makes no positive",
			anchors:     []detect.Box{unit, box(20, 20, 30, 30)},
			truth:       []detect.Box{box(90, 90, 100, 100)},
			cfg:         PaperMatch(),
			wantLabels:  []Label{N, N},
			wantMatched: []int{-1, -1},
			wantMaxIoU:  []float32{0, 0},
		},
		{
			name:        "an empty truth box matches nothing",
			anchors:     []detect.Box{unit},
			truth:       []detect.Box{box(0, 0, 10, 0)},
			cfg:         PaperMatch(),
			wantLabels:  []Label{N},
			wantMatched: []int{-1},
			wantMaxIoU:  []float32{0},
		},
		{
			name:        "no truth boxes: inside anchors negative",
			anchors:     []detect.Box{unit, box(-5, 0, 5, 10), box(90, 90, 100, 100)},
			truth:       nil,
			cfg:         PaperMatch(),
			wantLabels:  []Label{N, I, N},
			wantMatched: []int{-1, -1, -1},
			wantMaxIoU:  []float32{0, 0, 0},
		},
		{
			name: "border anchors ignored",
			anchors: []detect.Box{
				box(-5, 0, 15, 20),     // crosses the left edge: ignored though IoU 0.6
				box(0, 0, 20, 20),      // on the edges: inside, IoU 1
				box(80, 80, 100, 100),  // touches the right and bottom edges: inside, negative
				box(90, 90, 110, 110),  // crosses: ignored
				box(0, -0.5, 20, 19.5), // half a pixel above the top: ignored
			},
			truth:       []detect.Box{box(0, 0, 20, 20)},
			cfg:         PaperMatch(),
			wantLabels:  []Label{I, P, N, I, I},
			wantMatched: []int{-1, 0, -1, -1, -1},
			wantMaxIoU:  []float32{0.6, 1, 0, 0, float32(390) / float32(410)},
		},
		{
			// The crossing anchor (IoU 100/120) is the box's best overall, but only inside anchors take
			// part in the best-anchor rule, so the inside one (IoU 0.5) is rescued.
			name:        "best anchor among inside anchors only",
			anchors:     []detect.Box{box(-2, 0, 10, 10), box(0, 0, 10, 20)},
			truth:       []detect.Box{unit},
			cfg:         PaperMatch(),
			wantLabels:  []Label{I, P},
			wantMatched: []int{-1, 0},
			wantMaxIoU:  []float32{100.0 / 120, 0.5},
		},
		{
			name:        "allowed border exactly reached",
			anchors:     []detect.Box{box(-2, 0, 10, 10), box(0, 0, 10, 20)},
			truth:       []detect.Box{unit},
			cfg:         MatchConfig{PositiveIoU: 0.7, NegativeIoU: 0.3, AllowedBorder: 2},
			wantLabels:  []Label{P, I},
			wantMatched: []int{0, -1},
			wantMaxIoU:  []float32{100.0 / 120, 0.5},
		},
		{
			name:        "infinite allowed border keeps every anchor",
			anchors:     []detect.Box{box(-2, 0, 10, 10), box(0, 0, 10, 20), box(-1000, -1000, -990, -990)},
			truth:       []detect.Box{unit},
			cfg:         MatchConfig{PositiveIoU: 0.7, NegativeIoU: 0.3, AllowedBorder: inf},
			wantLabels:  []Label{P, I, N},
			wantMatched: []int{0, -1, -1},
			wantMaxIoU:  []float32{100.0 / 120, 0.5, 0},
		},
		{
			name:        "no anchors",
			anchors:     nil,
			truth:       []detect.Box{unit},
			cfg:         PaperMatch(),
			wantLabels:  []Label{},
			wantMatched: []int{},
			wantMaxIoU:  []float32{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			anchors := slices.Clone(tt.anchors)
			m, err := Match(anchors, tt.truth, 100, 100, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.Labels, tt.wantLabels) {
				t.Errorf("Match labels = %v, want %v", m.Labels, tt.wantLabels)
			}
			if !slices.Equal(m.Matched, tt.wantMatched) {
				t.Errorf("Match matched = %v, want %v", m.Matched, tt.wantMatched)
			}
			for i := range tt.wantMaxIoU {
				if math.Abs(float64(m.MaxIoU[i]-tt.wantMaxIoU[i])) > 1e-6 {
					t.Errorf("Match MaxIoU[%d] = %v, want %v", i, m.MaxIoU[i], tt.wantMaxIoU[i])
				}
			}
			if !slices.Equal(anchors, tt.anchors) {
				t.Errorf("Match modified its anchors")
			}
		})
	}
}

// TestMatchEveryBoxGetsAPositive checks the point of the best-anchor rule on the paper's anchors: every
// ground-truth box that an inside anchor overlaps has a positive anchor, and that anchor's IoU with it is
// the highest over inside anchors.
func TestMatchEveryBoxGetsAPositive(t *testing.T) {
	anchors, err := PaperAnchors().Boxes(38, 50)
	if err != nil {
		t.Fatal(err)
	}
	truth := []detect.Box{
		{X1: 100, Y1: 100, X2: 140, Y2: 130}, // small: no anchor reaches 0.7
		{X1: 300, Y1: 200, X2: 556, Y2: 456}, // close to a 256 anchor
		{X1: 600, Y1: 50, X2: 620, Y2: 500},  // thin and tall
	}
	m, err := Match(anchors, truth, 800, 600, PaperMatch())
	if err != nil {
		t.Fatal(err)
	}
	pos, neg, ign := m.Counts()
	if pos+neg+ign != len(anchors) || pos == 0 || neg == 0 || ign == 0 {
		t.Errorf("Counts() = %d, %d, %d, want positives, negatives and ignored summing to %d", pos, neg, ign, len(anchors))
	}
	for j, g := range truth {
		found := false
		for i, a := range anchors {
			if m.Labels[i] == Positive && detect.IoU(a, g) > 0 && detect.IoU(a, g) >= bestInside(anchors, g, 800, 600) {
				found = true
			}
		}
		if !found {
			t.Errorf("truth box %d %v has no positive anchor at its highest IoU", j, g)
		}
	}
}

func bestInside(anchors []detect.Box, g detect.Box, w, h float32) float32 {
	var best float32
	for _, a := range anchors {
		if insideImage(a, w, h, 0) {
			best = max(best, detect.IoU(a, g))
		}
	}
	return best
}

func TestMatchErrors(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name          string
		cfg           MatchConfig
		width, height int
		want          string
	}{
		{"zero positive threshold", MatchConfig{PositiveIoU: 0}, 10, 10, "PositiveIoU = 0"},
		{"positive threshold above 1", MatchConfig{PositiveIoU: 1.5}, 10, 10, "PositiveIoU = 1.5"},
		{"NaN positive threshold", MatchConfig{PositiveIoU: nan}, 10, 10, "PositiveIoU = NaN"},
		{"thresholds out of order", MatchConfig{PositiveIoU: 0.3, NegativeIoU: 0.7}, 10, 10, "NegativeIoU = 0.7"},
		{"negative threshold below 0", MatchConfig{PositiveIoU: 0.7, NegativeIoU: -0.1}, 10, 10, "NegativeIoU = -0.1"},
		{"NaN border", MatchConfig{PositiveIoU: 0.7, NegativeIoU: 0.3, AllowedBorder: nan}, 10, 10, "AllowedBorder = NaN"},
		{"empty image", PaperMatch(), 0, 10, "image 0x10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Match([]detect.Box{{X1: 0, Y1: 0, X2: 1, Y2: 1}}, nil, tt.width, tt.height, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "rpn: match: ") {
				t.Errorf("Match error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMatchingTargets(t *testing.T) {
	anchors := []detect.Box{
		{X1: 0, Y1: 0, X2: 10, Y2: 10},
		{X1: 50, Y1: 50, X2: 60, Y2: 60},
		{X1: 80, Y1: 0, X2: 90, Y2: 10},
	}
	truth := []detect.Box{
		{X1: 2, Y1: 0, X2: 12, Y2: 10},  // anchor 0 moved right by 0.2 widths: IoU 80/120, its best anchor
		{X1: 80, Y1: 0, X2: 90, Y2: 20}, // anchor 2 twice as high: IoU 0.5, its best anchor
	}
	m, err := Match(anchors, truth, 100, 100, PaperMatch())
	if err != nil {
		t.Fatal(err)
	}
	ln2 := float32(math.Ln2)
	tests := []struct {
		name  string
		coder BoxCoder
		want  [][4]float32
	}{
		// By hand: t = ((x - xa)/wa, (y - ya)/ha, log(w/wa), log(h/ha)); anchor 1 is negative.
		{"unit weights", DefaultBoxCoder(), [][4]float32{{0.2, 0, 0, 0}, {}, {0, 0.5, 0, ln2}}},
		{"Fast R-CNN weights", BoxCoder{Weights: [4]float32{10, 10, 5, 5}, ScaleClamp: DefaultScaleClamp},
			[][4]float32{{2, 0, 0, 0}, {}, {0, 5, 0, 5 * ln2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Targets(anchors, truth, tt.coder)
			for i := range tt.want {
				for k := range 4 {
					if math.Abs(float64(got[i][k]-tt.want[i][k])) > 1e-6 {
						t.Errorf("Targets[%d] = %v, want %v", i, got[i], tt.want[i])
						break
					}
				}
			}
		})
	}
	t.Run("length mismatch panics", func(t *testing.T) {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "2 anchors, 3 labels") {
				t.Errorf("recovered %q, want a panic about 2 anchors and 3 labels", r)
			}
		}()
		m.Targets(anchors[:2], truth, DefaultBoxCoder())
	})
}

func TestLabelString(t *testing.T) {
	for l, want := range map[Label]string{Positive: "positive", Negative: "negative", Ignore: "ignore", 7: "Label(7)"} {
		if got := l.String(); got != want {
			t.Errorf("Label(%d).String() = %q, want %q", int8(l), got, want)
		}
	}
}
