package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Report is the content of scikit-learn's classification_report: per-label scores, accuracy and the
// macro and weighted averages, computed with one zero-division policy.
type Report struct {
	// Labels are the row names in the package's label order.
	Labels []string
	// Classes holds the scores of Labels[i] at index i.
	Classes []Scores
	// Accuracy is the fraction of correct predictions (the micro average of single-label data).
	Accuracy float64
	// MacroAvg and WeightedAvg are the "macro avg" and "weighted avg" rows.
	MacroAvg, WeightedAvg Scores
	// ConfusionMatrix holds the counts, rows = true labels, columns = predicted labels.
	ConfusionMatrix [][]int
	// Total is the number of samples.
	Total int
}

// NewReport computes the classification report of cm under the zero-division policy zd.
func NewReport(cm *ConfusionMatrix, zd ZeroDivision) *Report {
	return &Report{
		Labels:          append([]string(nil), cm.labels...),
		Classes:         cm.PerClass(zd),
		Accuracy:        cm.Accuracy(),
		MacroAvg:        cm.Averaged(Macro, zd),
		WeightedAvg:     cm.Averaged(Weighted, zd),
		ConfusionMatrix: cm.Counts(),
		Total:           cm.total,
	}
}

// IllDefined reports whether any score was set to 0 because of a zero denominator under
// ZeroDivisionWarn (scikit-learn would have printed an UndefinedMetricWarning).
func (r *Report) IllDefined() bool {
	for _, s := range r.Classes {
		if s.IllDefined {
			return true
		}
	}
	return false
}

// Text lays the report out exactly like scikit-learn's classification_report(digits=digits): a
// header, one row per label, a blank line, then the accuracy, macro avg and weighted avg rows.
// Numbers are rounded half to even on their exact binary value, as Python's format does.
func (r *Report) Text(digits int) string {
	const lastHeading = "weighted avg"
	width := len(lastHeading)
	for _, l := range r.Labels {
		width = max(width, len(l))
	}
	width = max(width, digits)
	var b strings.Builder
	fmt.Fprintf(&b, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support")
	row := func(name string, s Scores, support int) {
		fmt.Fprintf(&b, "%*s  %9s %9s %9s %9d\n", width, name, pyFixed(s.Precision, digits),
			pyFixed(s.Recall, digits), pyFixed(s.F1, digits), support)
	}
	for i, l := range r.Labels {
		row(l, r.Classes[i], r.Classes[i].Support)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%*s  %9s %9s %9s %9d\n", width, "accuracy", "", "", pyFixed(r.Accuracy, digits), r.Total)
	row("macro avg", r.MacroAvg, r.Total)
	row("weighted avg", r.WeightedAvg, r.Total)
	return b.String()
}

// String returns Text(2), scikit-learn's default layout.
func (r *Report) String() string { return r.Text(2) }

// pyFixed formats v like Python's "{:.Nf}", including "nan".
func pyFixed(v float64, digits int) string {
	if math.IsNaN(v) {
		return "nan"
	}
	return fmt.Sprintf("%.*f", digits, v)
}

// MarshalJSON writes the report keyed like classification_report(output_dict=True): each label maps
// to {"precision","recall","f1-score","support"}, then "accuracy", "macro avg", "weighted avg", and
// "confusion_matrix" (rows = true labels in label order). NaN scores are written as null.
func (r *Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	writeKey := func(k string) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
	}
	scores := func(s Scores, support int) {
		fmt.Fprintf(&b, `{"precision":%s,"recall":%s,"f1-score":%s,"support":%d}`,
			jsonFloat(s.Precision), jsonFloat(s.Recall), jsonFloat(s.F1), support)
	}
	for i, l := range r.Labels {
		writeKey(l)
		scores(r.Classes[i], r.Classes[i].Support)
	}
	writeKey("accuracy")
	b.WriteString(jsonFloat(r.Accuracy))
	writeKey("macro avg")
	scores(r.MacroAvg, r.Total)
	writeKey("weighted avg")
	scores(r.WeightedAvg, r.Total)
	writeKey("confusion_matrix")
	cmb, err := json.Marshal(r.ConfusionMatrix)
	if err != nil {
		return nil, err
	}
	b.Write(cmb)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonFloat formats v as the shortest JSON number that round-trips, or null for NaN.
func jsonFloat(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "null"
	}
	out, _ := json.Marshal(v)
	return string(out)
}
