package detect

import (
	"math"
	"strings"
	"testing"
)

func TestYOLOEncode(t *testing.T) {
	g := YOLOGrid{S: 7, B: 2, C: 10, Width: 448, Height: 448}
	// By hand: centre (100, 200) lies in column floor(100/64) = 1, row floor(200/64) = 3; offsets
	// 100/64 - 1 = 0.5625 and 200/64 - 3 = 0.125; size 50/448 x 80/448.
	target, dropped := g.Encode([]Object{{Box: FromCXCYWH(100, 200, 50, 80), Class: 3}})
	if dropped != 0 || len(target) != 7*7*15 {
		t.Fatalf("Encode: len %d, dropped %d, want %d, 0", len(target), dropped, 7*7*15)
	}
	cell := target[(3*7+1)*15 : (3*7+2)*15]
	want := []float32{0.5625, 0.125, 50.0 / 448, 80.0 / 448, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	for i := range want {
		if math.Abs(float64(cell[i]-want[i])) > 1e-6 {
			t.Errorf("target cell (3, 1)[%d] = %v, want %v", i, cell[i], want[i])
		}
	}
	var sum float32
	for _, v := range target {
		sum += v
	}
	if want := 0.5625 + 0.125 + 50.0/448 + 80.0/448 + 2; math.Abs(float64(sum)-want) > 1e-5 {
		t.Errorf("other cells are not zero: target sums to %v, want %v", sum, want)
	}
}

func TestYOLOEncodeCrowdedCellAndEdges(t *testing.T) {
	g := YOLOGrid{S: 2, B: 1, C: 2, Width: 10, Height: 10}
	objects := []Object{
		{Box: Box{0, 0, 4, 4}, Class: 0},   // centre (2, 2): cell (0, 0)
		{Box: Box{1, 1, 3, 3}, Class: 1},   // centre (2, 2) again: dropped
		{Box: Box{8, 8, 10, 12}, Class: 1}, // centre (9, 10) on the bottom edge: cell (1, 1)
	}
	target, dropped := g.Encode(objects)
	if dropped != 1 {
		t.Errorf("dropped = %d, want 1", dropped)
	}
	if c := target[0:7]; c[5] != 1 || c[6] != 0 {
		t.Errorf("cell (0, 0) = %v, want the first object's class 0", c)
	}
	if c := target[3*7 : 4*7]; c[4] != 1 || c[6] != 1 || c[1] != 1 {
		t.Errorf("cell (1, 1) = %v, want the edge object with y offset 1", c)
	}
	for _, tc := range []struct {
		name string
		o    Object
		msg  string
	}{
		{"bad class", Object{Box: Box{0, 0, 1, 1}, Class: 2}, "class 2"},
		{"empty box", Object{Box: Box{0, 0, 0, 1}}, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tc.msg) {
					t.Errorf("recovered %v, want a panic containing %q", r, tc.msg)
				}
			}()
			g.Encode([]Object{tc.o})
		})
	}
}

// perfectPrediction copies each target cell into predictor b with confidence 1.
func perfectPrediction(g YOLOGrid, target []float32, b int) []float32 {
	pred := make([]float32, g.Len())
	for c := range g.S * g.S {
		t := target[c*g.TargetCellLen() : (c+1)*g.TargetCellLen()]
		p := pred[c*g.CellLen() : (c+1)*g.CellLen()]
		if t[4] == 0 {
			continue
		}
		copy(p[5*b:5*b+5], t[:5])
		copy(p[5*g.B:], t[5:])
	}
	return pred
}

func TestYOLORoundTrip(t *testing.T) {
	g := YOLOGrid{S: 4, B: 2, C: 3, Width: 96, Height: 64}
	objects := []Object{{Box{5, 5, 20, 30}, 0}, {Box{50, 10, 90, 60}, 2}, {Box{30, 40, 45, 55}, 1}}
	target, dropped := g.Encode(objects)
	if dropped != 0 {
		t.Fatalf("dropped %d, want 0", dropped)
	}
	for b := range g.B {
		pred := perfectPrediction(g, target, b)
		if loss := g.Loss(pred, target, PaperYOLOLoss()); math.Abs(float64(loss)) > 1e-9 {
			t.Errorf("predictor %d perfect: Loss = %v, want 0", b, loss)
		}
		dets := g.Decode(pred, 0.5, 0.5)
		if len(dets) != len(objects) {
			t.Fatalf("Decode found %d detections, want %d: %v", len(dets), len(objects), dets)
		}
		for _, o := range objects {
			found := false
			for _, d := range dets {
				found = found || (d.Class == o.Class && d.Score == 1 && IoU(d.Box, o.Box) > 0.999)
			}
			if !found {
				t.Errorf("object %v not decoded from predictor %d: %v", o, b, dets)
			}
		}
	}
}

func TestYOLOLossByHand(t *testing.T) {
	g := YOLOGrid{S: 1, B: 2, C: 2, Width: 10, Height: 10}
	target, _ := g.Encode([]Object{{Box{0, 0, 10, 10}, 0}}) // x = y = 0.5, w = h = 1
	pred := []float32{
		0.5, 0.5, 0.25, 1, 0.5, // 2.5 x 10 box: IoU 0.25, responsible
		0.5, 0.5, 0.04, 0.04, 0.2, // 0.4 x 0.4 box: IoU 0.0016
		0.7, 0.1, // class probabilities
	}
	if p, iou := g.Responsible(pred, 0, 0, Box{0, 0, 10, 10}); p != 0 || math.Abs(float64(iou)-0.25) > 1e-6 {
		t.Errorf("Responsible = %d, %v, want 0, 0.25", p, iou)
	}
	// By hand: 5·(√0.25 - 1)² + (0.5 - 0.25)² + 0.5·0.2² + (0.7 - 1)² + 0.1² = 1.25 + 0.0625 + 0.02 + 0.1.
	want := 1.4325
	if got := g.Loss(pred, target, PaperYOLOLoss()); math.Abs(float64(got)-want) > 1e-5 {
		t.Errorf("Loss = %v, want %v", got, want)
	}
	terms := g.LossTerms(pred, target, PaperYOLOLoss())
	for _, c := range []struct {
		name      string
		got, want float32
	}{{"Center", terms.Center, 0}, {"Size", terms.Size, 1.25}, {"Object", terms.Object, 0.0625},
		{"NoObject", terms.NoObject, 0.02}, {"Class", terms.Class, 0.1}} {
		if math.Abs(float64(c.got-c.want)) > 1e-6 {
			t.Errorf("LossTerms().%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	conf, iou := g.ResponsibleConfidences(pred, target)
	if len(conf) != 1 || conf[0] != 0.5 || math.Abs(float64(iou[0])-0.25) > 1e-6 {
		t.Errorf("ResponsibleConfidences = %v, %v, want [0.5], [0.25]", conf, iou)
	}
	// With the confidence target 1 the object term is (0.5 - 1)² = 0.25 instead of 0.0625, by hand.
	one := PaperYOLOLoss()
	one.ConfidenceOne = true
	if got := g.Loss(pred, target, one); math.Abs(float64(got)-(want-0.0625+0.25)) > 1e-5 {
		t.Errorf("Loss with ConfidenceOne = %v, want %v", got, want-0.0625+0.25)
	}
	// Negative sizes count as 0 under the square root rather than giving NaN.
	pred[2] = -1
	if got := g.Loss(pred, target, PaperYOLOLoss()); math.IsNaN(float64(got)) {
		t.Error("Loss with a negative width is NaN")
	}
}

func TestYOLODecodeNMS(t *testing.T) {
	g := YOLOGrid{S: 2, B: 1, C: 2, Width: 20, Height: 20}
	pred := make([]float32, g.Len())
	// Cells (0, 0) and (0, 1) both predict about the same box (10 x 10 centred at (10, 5)) as class 1;
	// cell (1, 1) predicts a distinct class-0 box with a low score.
	copy(pred[0:7], []float32{0.95, 0.5, 0.5, 0.5, 0.9, 0, 1})
	copy(pred[7:14], []float32{0.05, 0.5, 0.5, 0.5, 0.8, 0, 1})
	copy(pred[21:28], []float32{0.5, 0.5, 0.2, 0.2, 0.5, 0.6, 0.4})
	dets := g.Decode(pred, 0.1, 0.5)
	// By hand: the two class-1 boxes overlap with IoU 9/11; the second is suppressed. Cell (1, 1) gives
	// class 0 with score 0.3 and class 1 with 0.2.
	if len(dets) != 3 {
		t.Fatalf("Decode = %v, want 3 detections", dets)
	}
	if dets[0].Class != 1 || math.Abs(float64(dets[0].Score)-0.9) > 1e-6 ||
		dets[1].Class != 0 || math.Abs(float64(dets[1].Score)-0.3) > 1e-6 {
		t.Errorf("Decode = %v, want class 1 at 0.9 then class 0 at 0.3", dets)
	}
	if got := g.Decode(pred, 0.95, 0.5); len(got) != 0 {
		t.Errorf("Decode with a high threshold = %v, want none", got)
	}
}
