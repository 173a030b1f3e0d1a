package metrics

import (
	"fmt"

	cvmetrics "github.com/cvlessons/cvlessons/pkg/metrics"
)

// RareResult is the rare-positive example: a population with one positive case in N, scored for a
// model that always predicts "negative".
type RareResult struct {
	// N is the population size; exactly one member is positive.
	N int `json:"n"`
	// Accuracy, Precision and Recall are the all-negative model's scores for the positive class.
	Accuracy  float64 `json:"accuracy"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// PrecisionUndefined reports that the model predicted no positive at all, so precision is 0/0
	// (set to 0, as scikit-learn does with a warning).
	PrecisionUndefined bool `json:"precision_undefined"`
}

// RarePositive scores the all-negative model on a population of n with one positive.
func RarePositive(n int) (RareResult, error) {
	if n < 2 {
		return RareResult{}, fmt.Errorf("metrics lesson: population %d, want at least 2", n)
	}
	cm, err := cvmetrics.NewConfusionMatrix([]string{"negative", "positive"})
	if err != nil {
		return RareResult{}, err
	}
	if err := cm.Add("positive", "negative"); err != nil {
		return RareResult{}, err
	}
	for i := 1; i < n; i++ {
		if err := cm.Add("negative", "negative"); err != nil {
			return RareResult{}, err
		}
	}
	s, err := cm.Binary("positive", cvmetrics.ZeroDivisionWarn)
	if err != nil {
		return RareResult{}, err
	}
	return RareResult{N: n, Accuracy: cm.Accuracy(), Precision: s.Precision, Recall: s.Recall, PrecisionUndefined: s.IllDefined}, nil
}
