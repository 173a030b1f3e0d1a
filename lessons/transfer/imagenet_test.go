package transfer

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestSpreadOf checks the spread of a few accuracies by hand.
func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want Spread
	}{
		{[]float64{0.9}, Spread{0.9, 0.9, 0.9}},
		{[]float64{0.8, 1.0, 0.9}, Spread{0.8, 0.9, 1.0}},
		{[]float64{0.5, 0.5}, Spread{0.5, 0.5, 0.5}},
	} {
		got := spreadOf(tc.xs)
		if math.Abs(got.Min-tc.want.Min) > 1e-12 || math.Abs(got.Mean-tc.want.Mean) > 1e-12 || math.Abs(got.Max-tc.want.Max) > 1e-12 {
			t.Errorf("spreadOf(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

// TestImageNetReport checks that Part B's results reach the JSON (where the committed-run claims
// read them) and the summary, and that a skipped Part B says why.
func TestImageNetReport(t *testing.T) {
	cfg := Class()
	res := &ImageNetResult{
		NoteEpochs: Spread{0.8, 0.85, 0.9}, Last: Spread{0.93, 0.95, 0.97}, RandomLast: Spread{0.46, 0.5, 0.58},
		NotePhases: []PhaseResult{{1, "val", 0.7, 0.5}, {2, "train", 0.6, 0.7}, {2, "val", 0.5, 0.8}},
		Mistakes:   []string{"val/ants/a.jpg"},
		Arms:       []RecipeArm{{Name: "frozen", ValAccuracy: 0.88, Seconds: 100}},
	}
	pt := CurvePoint{PerClass: 1}
	r := Report{Backend: "go", Config: cfg, PartA: &PartA{Curve: []CurvePoint{pt}}, ImageNet: res}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"last":{"min":0.93,"mean":0.95,"max":0.97}`, `"random_last":{"min":0.46`,
		`"arms":[{"name":"frozen"`, `"val_accuracy":0.88`, `"head_epochs":25`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
	s := r.Summary()
	for _, want := range []string{"transfer (part B)", "after 3 epochs 0.800/0.850/0.900", "after 25: 0.930/0.950/0.970",
		"random backbone after 25: 0.460/0.500/0.580", "1 validation images wrong", "frozen         val accuracy 0.8800", "| 2 val Loss: 0.5000 Acc: 0.8000"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	r.ImageNet, r.ImageNetSkipped = nil, "no EfficientNet-Lite0 ImageNet weights"
	if s := r.Summary(); !strings.Contains(s, "part B) skipped: no EfficientNet-Lite0 ImageNet weights") {
		t.Errorf("a skipped part B is not reported:\n%s", s)
	}
	if _, err := RunImageNet(ImageNetConfig{HeadEpochs: 2, HeadSeeds: 1}, "w.pth", "data", "", cfg); err == nil ||
		!strings.Contains(err.Error(), "HeadEpochs >= 3") {
		t.Errorf("RunImageNet with 2 epochs: error %v, want one naming HeadEpochs >= 3", err)
	}
}

// TestPlan checks what a run announces before it trains: Part B first, with what it runs, when
// it will run; Part A's two parts always, with their step counts.
func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   Config
		partB bool
		parts []string
		want  []string
	}{
		{"class", Class(), true, []string{partBPart, "pretraining", armsPart}, []string{"5 heads x 25 epochs on cached features and on a random backbone)"}},
		{"full", Full(), true, []string{partBPart, "pretraining", armsPart}, []string{"uncached, with the frozen BatchNorm layers in training and in evaluation mode, also fine-tuned"}},
		{"part A only", Quick(), false, []string{"pretraining", armsPart}, []string{"30000 Fashion-MNIST images"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := plan(tc.cfg, tc.partB)
			var names []string
			for _, part := range p.Parts {
				names = append(names, part.Name)
			}
			if strings.Join(names, "|") != strings.Join(tc.parts, "|") {
				t.Errorf("parts %q, want %q", names, tc.parts)
			}
			if got, want := p.Steps(), tc.cfg.PretrainSteps+3*len(tc.cfg.Shots)*tc.cfg.Repeats*tc.cfg.Steps; got != want {
				t.Errorf("%d steps, want %d", got, want)
			}
			for _, w := range tc.want {
				if !strings.Contains(p.What, w) {
					t.Errorf("plan %q lacks %q", p.What, w)
				}
			}
		})
	}
}
