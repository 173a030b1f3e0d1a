package detect

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // GoMLX's documented style.
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/pkg/backend"
)

// yoloBatch returns a batch of random predictions and the targets of random objects.
func yoloBatch(r *rand.Rand, g YOLOGrid, batch int) (pred, target []float32) {
	for range batch {
		var objects []Object
		for range 1 + r.IntN(4) {
			w, h := 8+r.Float32()*30, 8+r.Float32()*30
			x, y := r.Float32()*(g.Width-w), r.Float32()*(g.Height-h)
			objects = append(objects, Object{Box: Box{x, y, x + w, y + h}, Class: r.IntN(g.C)})
		}
		t, _ := g.Encode(objects)
		target = append(target, t...)
		p := make([]float32, g.Len())
		for i := range p {
			p[i] = r.Float32()
		}
		// Put some predictions near the truth so that responsibility is not always predictor 0.
		for c := range g.S * g.S {
			tc := t[c*g.TargetCellLen():]
			if tc[4] == 1 && r.IntN(2) == 0 {
				b := r.IntN(g.B)
				copy(p[c*g.CellLen()+5*b:], []float32{tc[0] + 0.05, tc[1] - 0.05, tc[2] * 1.1, tc[3] * 0.9})
			}
		}
		pred = append(pred, p...)
	}
	return pred, target
}

// TestYOLOLossGraphMatchesPlainGo checks the graph loss against YOLOGrid.Loss (the mean over the
// batch), and its gradient against central finite differences of YOLOGrid.Loss.
func TestYOLOLossGraphMatchesPlainGo(t *testing.T) {
	confOne := PaperYOLOLoss()
	confOne.ConfidenceOne = true
	for _, c := range []struct {
		name string
		wts  YOLOLossWeights
	}{{"paper", PaperYOLOLoss()}, {"confidence target 1", confOne}} {
		t.Run(c.name, func(t *testing.T) { checkYOLOLossGraph(t, c.wts) })
	}
}

func checkYOLOLossGraph(t *testing.T, wts YOLOLossWeights) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	g := YOLOGrid{S: 4, B: 2, C: 3, Width: 64, Height: 64}
	const batch = 3
	r := rand.New(rand.NewPCG(3, 5))
	pred, target := yoloBatch(r, g, batch)
	exec, err := NewExec(b, func(p, tg *Node) []*Node {
		loss := YOLOLossGraph(g, p, tg, wts)
		return []*Node{loss, Gradient(loss, p)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(pred, batch, g.S, g.S, g.CellLen()),
		tensors.FromFlatDataAndDimensions(target, batch, g.S, g.S, g.TargetCellLen()))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.ToScalar[float32](out[0])
	grad, err := tensors.CopyFlatData[float32](out[1])
	if err != nil {
		t.Fatal(err)
	}
	plain := func(p []float32) float64 {
		var s float64
		for i := range batch {
			s += float64(g.Loss(p[i*g.Len():(i+1)*g.Len()], target[i*g.S*g.S*g.TargetCellLen():(i+1)*g.S*g.S*g.TargetCellLen()], wts))
		}
		return s / batch
	}
	want := plain(pred)
	if math.Abs(float64(got)-want) > 1e-4*max(1, want) {
		t.Fatalf("YOLOLossGraph = %v, plain-Go Loss (batch mean) = %v", got, want)
	}
	// Finite differences on a sample of coordinates (the confidence target IoU is held constant in
	// the graph, so probe only coordinates it does not depend on: confidences and class scores, plus
	// box coordinates of cells without objects, whose gradient must be 0).
	const h = 1e-2
	checked := 0
	for i := 0; i < len(pred); i += 7 {
		k := i % g.CellLen()
		cell := (i / g.CellLen()) % (g.S * g.S)
		img := i / g.Len()
		hasObject := target[(img*g.S*g.S+cell)*g.TargetCellLen()+4] == 1
		isConf := k < 5*g.B && k%5 == 4
		isClass := k >= 5*g.B
		if !(isConf || isClass || !hasObject) {
			continue
		}
		p := append([]float32(nil), pred...)
		p[i] = pred[i] + h
		up := plain(p)
		p[i] = pred[i] - h
		down := plain(p)
		fd := (up - down) / (2 * h)
		if math.Abs(float64(grad[i])-fd) > 2e-3*max(1, math.Abs(fd)) {
			t.Errorf("d loss / d pred[%d] = %v, finite difference %v", i, grad[i], fd)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d gradient entries checked", checked)
	}
	// Box coordinates of responsible predictors, by hand from the paper's terms (the IoU target is a
	// constant): d/dx 5(x - x̂)² = 10(x - x̂); d/dw 5(√w - √ŵ)² = 5(√w - √ŵ)/√w; divided by the batch
	// size, since the loss is the batch mean.
	responsible := 0
	for img := range batch {
		for cell := range g.S * g.S {
			tc := target[(img*g.S*g.S+cell)*g.TargetCellLen():]
			if tc[4] != 1 {
				continue
			}
			pc := pred[img*g.Len()+cell*g.CellLen():]
			resp, _ := g.Responsible(pred[img*g.Len():(img+1)*g.Len()], cell/g.S, cell%g.S, g.targetBox(tc, cell/g.S, cell%g.S))
			base := img*g.Len() + cell*g.CellLen() + 5*resp
			for k, want := range []float64{
				10 * float64(pc[5*resp]-tc[0]),
				10 * float64(pc[5*resp+1]-tc[1]),
				5 * (math.Sqrt(float64(pc[5*resp+2])) - math.Sqrt(float64(tc[2]))) / math.Sqrt(float64(pc[5*resp+2])),
				5 * (math.Sqrt(float64(pc[5*resp+3])) - math.Sqrt(float64(tc[3]))) / math.Sqrt(float64(pc[5*resp+3])),
			} {
				want /= batch
				if math.Abs(float64(grad[base+k])-want) > 1e-3*max(1, math.Abs(want)) {
					t.Errorf("image %d cell %d predictor %d coordinate %d: gradient %v, want %v", img, cell, resp, k, grad[base+k], want)
				}
			}
			responsible++
		}
	}
	if responsible == 0 {
		t.Error("no responsible predictors checked")
	}
}
