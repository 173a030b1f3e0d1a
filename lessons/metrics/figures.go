package metrics

import (
	"fmt"
	"math"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

// ConfusionFigure draws the test confusion matrix as a heat map with the count in each cell, rows
// = true class, columns = predicted class.
func (r Report) ConfusionFigure() (*plot.Figure, error) {
	values := make([][]float64, len(r.Confusion))
	for i, row := range r.Confusion {
		values[i] = make([]float64, len(row))
		for j, v := range row {
			values[i][j] = float64(v)
		}
	}
	return plot.Heatmap(plot.Labels{Title: fmt.Sprintf("Fashion-MNIST confusion matrix (%d test images)", r.TestSamples),
		X: "predicted class", Y: "true class"}, r.ClassNames, r.ClassNames, values)
}

// ThresholdFigure draws precision, recall and F1 of "is it PositiveClass?" against the threshold.
func (r Report) ThresholdFigure() (*plot.Figure, error) {
	var x, p, rc, f1 []float64
	for _, s := range r.Sweep {
		x = append(x, s.Threshold)
		if s.Predicted == 0 {
			p = append(p, math.NaN()) // undefined: nothing predicted positive; left out of the line
		} else {
			p = append(p, s.Precision)
		}
		rc = append(rc, s.Recall)
		f1 = append(f1, s.F1)
	}
	return plot.Lines(plot.Labels{Title: fmt.Sprintf("Is it a %s? Scores as the threshold moves", r.PositiveClass), X: "threshold on P(class)", Y: "score"},
		[]plot.Series{{Name: "precision", X: x, Y: p}, {Name: "recall", X: x, Y: rc}, {Name: "F1", X: x, Y: f1}})
}

func (r *Report) confusionPNG() ([]byte, error) {
	f, err := r.ConfusionFigure()
	if err != nil {
		return nil, err
	}
	return f.PNG()
}

func (r *Report) thresholdPNG() ([]byte, error) {
	f, err := r.ThresholdFigure()
	if err != nil {
		return nil, err
	}
	return f.PNG()
}
