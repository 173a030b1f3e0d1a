package detection

import (
	"os"
	"slices"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

func TestYOLODebug(t *testing.T) {
	steps := probeInt("CVLESSONS_YOLO_DEBUG", 0)
	if steps == 0 {
		t.Skip()
	}
	b, _ := backend.New()
	cfg := YOLOQuick()
	cfg.Steps = steps
	trainSet, val, _ := datasets.DigitDetection(datasets.DefaultDigitsConfig(), 2000, 50)
	ctx, _, err := TrainYOLO(b, cfg, trainSet, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	tp, _ := PredictYOLO(b, ctx, cfg, trainSet.Images, 50)
	var sum float32
	wts := detect.PaperYOLOLoss()
	wts.ConfidenceOne = cfg.ConfidenceOne
	for i := range 100 {
		tg, _ := cfg.Grid.Encode(objectsOf(trainSet.Objects[i]))
		sum += cfg.Grid.Loss(tp[i], tg, wts)
	}
	t.Logf("inference-mode loss on 100 training images: %.3f", sum/100)
	st, _, _ := EvaluateYOLO(b, ctx, cfg, val)
	t.Logf("%+v", st)
	preds, _ := PredictYOLO(b, ctx, cfg, val.Images, 50)
	for i := range 3 {
		p := preds[i]
		var confs []float32
		for c := range cfg.Grid.S * cfg.Grid.S {
			for bb := range cfg.Grid.B {
				confs = append(confs, p[c*cfg.Grid.CellLen()+5*bb+4])
			}
		}
		t.Logf("image %d: max conf %.3f, gt %v", i, slices.Max(confs), val.Objects[i])
		d := cfg.Grid.Decode(p, 0.0, 0.5)
		t.Logf("  top: %v", d[:min(5, len(d))])
	}
}
