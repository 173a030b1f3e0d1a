package metrics

import (
	"fmt"

	cvmetrics "github.com/cvlessons/cvlessons/pkg/metrics"
)

// RareResult is the rare-positive example: a population of N with Positives positive cases, scored
// for a model that always predicts "negative".
type RareResult struct {
	// N is the population size; Positives of its members are positive (1 for RarePositive).
	N         int `json:"n"`
	Positives int `json:"positives"`
	// Accuracy, Precision, Recall and F1 are the all-negative model's scores for the positive class.
	Accuracy  float64 `json:"accuracy"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// PrecisionUndefined reports that the model predicted no positive at all, so precision is 0/0
	// (set to 0, as scikit-learn does with a warning).
	PrecisionUndefined bool `json:"precision_undefined"`
}

// RarePositive scores the all-negative model on a population of n with one positive.
func RarePositive(n int) (RareResult, error) {
	return AllNegative(n, 1)
}

// AllNegative scores the model that answers "negative" for everyone on a population of n of which
// positives are positive, with pkg/metrics (scikit-learn's conventions: F1 = 2TP / (2TP + FP + FN),
// precision 0/0 reported as 0 and flagged).
func AllNegative(n, positives int) (RareResult, error) {
	if n < 2 || positives < 1 || positives >= n {
		return RareResult{}, fmt.Errorf("metrics lesson: population %d with %d positives, want at least 2 with 1 to n-1 positives", n, positives)
	}
	cm, err := cvmetrics.NewConfusionMatrix([]string{"negative", "positive"})
	if err != nil {
		return RareResult{}, err
	}
	for i := 0; i < n; i++ {
		truth := "negative"
		if i < positives {
			truth = "positive"
		}
		if err := cm.Add(truth, "negative"); err != nil {
			return RareResult{}, err
		}
	}
	s, err := cm.Binary("positive", cvmetrics.ZeroDivisionWarn)
	if err != nil {
		return RareResult{}, err
	}
	return RareResult{N: n, Positives: positives, Accuracy: cm.Accuracy(), Precision: s.Precision, Recall: s.Recall,
		F1: s.F1, PrecisionUndefined: s.IllDefined}, nil
}
