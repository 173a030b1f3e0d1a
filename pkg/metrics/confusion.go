package metrics

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// MaxLabels bounds the labels of a [ConfusionMatrix]. The matrix is dense, K×K counts for K labels,
// so 4096 labels take 128 MiB; a label file with one distinct label per line (a column of ids, a
// file given by mistake) would otherwise ask for K² counts: 100,000 labels are 80 GB.
const MaxLabels = 4096

// ConfusionMatrix counts (true label, predicted label) pairs over a fixed, sorted set of labels.
// Row i is true label Labels[i], column j predicted label Labels[j], as in scikit-learn's
// confusion_matrix. The zero value is not usable; build one with [NewConfusionMatrix] or
// [ConfusionMatrixOf].
type ConfusionMatrix struct {
	labels []string
	index  map[string]int
	counts [][]int
	total  int
}

// SortLabels sorts labels in place into the package's label order: numerically when every label
// parses as a base-10 integer, otherwise lexicographically (see the package conventions).
func SortLabels(labels []string) {
	numeric := len(labels) > 0
	vals := make(map[string]int64, len(labels))
	for _, l := range labels {
		v, err := strconv.ParseInt(l, 10, 64)
		if err != nil {
			numeric = false
			break
		}
		vals[l] = v
	}
	if !numeric {
		slices.Sort(labels)
		return
	}
	slices.SortFunc(labels, func(a, b string) int {
		if c := compareInt(vals[a], vals[b]); c != 0 {
			return c
		}
		return compareString(a, b) // "1" and "01" are distinct labels with the same value
	})
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// NewConfusionMatrix returns an empty matrix over the given labels, which it sorts into the package's
// label order (the argument is not modified). Counts are added with [ConfusionMatrix.Add]. It returns
// an error for no labels, a repeated label, or more than [MaxLabels] labels (before allocating).
func NewConfusionMatrix(labels []string) (*ConfusionMatrix, error) {
	if len(labels) == 0 {
		return nil, errors.New("metrics: confusion matrix needs at least one label, got none")
	}
	if len(labels) > MaxLabels {
		return nil, tooManyLabels(len(labels))
	}
	sorted := slices.Clone(labels)
	SortLabels(sorted)
	index := make(map[string]int, len(sorted))
	for i, l := range sorted {
		if _, dup := index[l]; dup {
			return nil, fmt.Errorf("metrics: label %q given twice, want distinct labels", l)
		}
		index[l] = i
	}
	counts := make([][]int, len(sorted))
	for i := range counts {
		counts[i] = make([]int, len(sorted))
	}
	return &ConfusionMatrix{labels: sorted, index: index, counts: counts}, nil
}

// ConfusionMatrixOf counts the pairs (yTrue[i], yPred[i]) over the sorted union of both label sets,
// like scikit-learn's confusion_matrix(y_true, y_pred). It returns an error when the slices differ in
// length or are empty, or when they hold more than [MaxLabels] distinct labels; memory other than
// the matrix is proportional to the input.
func ConfusionMatrixOf(yTrue, yPred []string) (*ConfusionMatrix, error) {
	if len(yTrue) != len(yPred) {
		return nil, fmt.Errorf("metrics: %d true labels but %d predicted labels, want equal lengths", len(yTrue), len(yPred))
	}
	if len(yTrue) == 0 {
		return nil, errors.New("metrics: no labels given, want at least one sample")
	}
	seen := make(map[string]bool)
	var labels []string
	for _, ys := range [][]string{yTrue, yPred} {
		for _, l := range ys {
			if !seen[l] {
				seen[l] = true
				labels = append(labels, l)
			}
		}
	}
	cm, err := NewConfusionMatrix(labels)
	if err != nil {
		return nil, err
	}
	for i := range yTrue {
		cm.counts[cm.index[yTrue[i]]][cm.index[yPred[i]]]++
	}
	cm.total = len(yTrue)
	return cm, nil
}

// tooManyLabels is the error for k labels over MaxLabels.
func tooManyLabels(k int) error {
	return fmt.Errorf("metrics: %d distinct labels, over the limit of %d (a dense confusion matrix of %dx%d counts)", k, MaxLabels, k, k)
}

// Add counts one sample with true label t and predicted label p. It returns an error naming the label
// when either is not one of the matrix's labels.
func (cm *ConfusionMatrix) Add(t, p string) error {
	i, ok := cm.index[t]
	if !ok {
		return fmt.Errorf("metrics: unknown true label %q, want one of %q", t, cm.labels)
	}
	j, ok := cm.index[p]
	if !ok {
		return fmt.Errorf("metrics: unknown predicted label %q, want one of %q", p, cm.labels)
	}
	cm.counts[i][j]++
	cm.total++
	return nil
}

// Labels returns the matrix's labels in row order. The caller must not modify the slice.
func (cm *ConfusionMatrix) Labels() []string { return cm.labels }

// Count returns how many samples with true label Labels()[i] were predicted as Labels()[j].
func (cm *ConfusionMatrix) Count(i, j int) int { return cm.counts[i][j] }

// Counts returns a copy of the matrix as rows of true labels.
func (cm *ConfusionMatrix) Counts() [][]int {
	out := make([][]int, len(cm.counts))
	for i, row := range cm.counts {
		out[i] = slices.Clone(row)
	}
	return out
}

// Total returns the number of samples counted.
func (cm *ConfusionMatrix) Total() int { return cm.total }

// Accuracy returns the fraction of samples on the diagonal (correctly predicted), or 0 when the
// matrix is empty.
func (cm *ConfusionMatrix) Accuracy() float64 {
	if cm.total == 0 {
		return 0
	}
	correct := 0
	for i := range cm.counts {
		correct += cm.counts[i][i]
	}
	return float64(correct) / float64(cm.total)
}

// classCounts returns, for label index i, the true positives, the number of predictions of the
// label (TP+FP) and the number of samples with the label (TP+FN, the support).
func (cm *ConfusionMatrix) classCounts(i int) (tp, predicted, actual int) {
	tp = cm.counts[i][i]
	for k := range cm.counts {
		predicted += cm.counts[k][i]
		actual += cm.counts[i][k]
	}
	return tp, predicted, actual
}
