package metrics

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
)

// sklearnGolden mirrors testdata/sklearn_golden.json, written by testdata/gen_sklearn.py with
// scikit-learn 1.2.1 (Debian python3-sklearn).
type sklearnGolden struct {
	Version        string `json:"sklearn_version"`
	Classification []struct {
		Name            string                     `json:"name"`
		YTrue           []string                   `json:"y_true"`
		YPred           []string                   `json:"y_pred"`
		ZeroDivision    string                     `json:"zero_division"`
		Labels          []string                   `json:"labels"`
		ConfusionMatrix [][]int                    `json:"confusion_matrix"`
		Precision       []float64                  `json:"precision"`
		Recall          []float64                  `json:"recall"`
		F1              []float64                  `json:"f1"`
		Support         []int                      `json:"support"`
		Warned          bool                       `json:"warned"`
		ReportText      string                     `json:"report_text"`
		ReportText4     string                     `json:"report_text_4"`
		ReportDict      map[string]json.RawMessage `json:"report_dict"`
		Macro           []float64                  `json:"macro"`
		Micro           []float64                  `json:"micro"`
		Weighted        []float64                  `json:"weighted"`
		PosLabel        *string                    `json:"pos_label"`
		Binary          []float64                  `json:"binary"`
	} `json:"classification"`
	Curves []struct {
		Name          string     `json:"name"`
		YTrue         []bool     `json:"y_true"`
		Scores        []float64  `json:"scores"`
		PRPrecision   []*float64 `json:"pr_precision"`
		PRRecall      []*float64 `json:"pr_recall"`
		PRThresholds  []*float64 `json:"pr_thresholds"`
		ROCFPR        []*float64 `json:"roc_fpr"`
		ROCTPR        []*float64 `json:"roc_tpr"`
		ROCThresholds []*float64 `json:"roc_thresholds"`
	} `json:"curves"`
}

func loadSklearnGolden(t *testing.T) *sklearnGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g sklearnGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

func parseZeroDivision(t *testing.T, s string) ZeroDivision {
	switch s {
	case "warn":
		return ZeroDivisionWarn
	case "0":
		return ZeroDivisionZero
	case "1":
		return ZeroDivisionOne
	}
	t.Fatalf("unknown zero_division %q", s)
	return 0
}

const tol = 1e-12 // the Go code does the same float64 operations as scikit-learn

func near(a, b float64) bool { return math.Abs(a-b) <= tol || (math.IsNaN(a) && math.IsNaN(b)) }

func TestClassificationMatchesSklearn(t *testing.T) {
	g := loadSklearnGolden(t)
	for _, c := range g.Classification {
		t.Run(c.Name, func(t *testing.T) {
			zd := parseZeroDivision(t, c.ZeroDivision)
			cm, err := ConfusionMatrixOf(c.YTrue, c.YPred)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cm.Labels(), c.Labels) {
				t.Errorf("Labels() = %q, want %q (scikit-learn %s)", cm.Labels(), c.Labels, g.Version)
			}
			if !reflect.DeepEqual(cm.Counts(), c.ConfusionMatrix) {
				t.Errorf("Counts() = %v, want %v", cm.Counts(), c.ConfusionMatrix)
			}
			per := cm.PerClass(zd)
			warned := false
			for i, s := range per {
				warned = warned || s.IllDefined
				if !near(s.Precision, c.Precision[i]) || !near(s.Recall, c.Recall[i]) || !near(s.F1, c.F1[i]) || s.Support != c.Support[i] {
					t.Errorf("label %q: got P %v R %v F1 %v support %d, want %v %v %v %d", c.Labels[i],
						s.Precision, s.Recall, s.F1, s.Support, c.Precision[i], c.Recall[i], c.F1[i], c.Support[i])
				}
			}
			if warned != c.Warned {
				t.Errorf("IllDefined = %v, want %v (UndefinedMetricWarning raised)", warned, c.Warned)
			}
			for _, avg := range []struct {
				a    Average
				want []float64
			}{{Macro, c.Macro}, {Micro, c.Micro}, {Weighted, c.Weighted}} {
				s := cm.Averaged(avg.a, zd)
				if !near(s.Precision, avg.want[0]) || !near(s.Recall, avg.want[1]) || !near(s.F1, avg.want[2]) {
					t.Errorf("Averaged(%v) = %v %v %v, want %v", avg.a, s.Precision, s.Recall, s.F1, avg.want)
				}
			}
			if c.PosLabel != nil {
				s, err := cm.Binary(*c.PosLabel, zd)
				if err != nil {
					t.Fatal(err)
				}
				if !near(s.Precision, c.Binary[0]) || !near(s.Recall, c.Binary[1]) || !near(s.F1, c.Binary[2]) {
					t.Errorf("Binary(%q) = %v %v %v, want %v", *c.PosLabel, s.Precision, s.Recall, s.F1, c.Binary)
				}
			}
			r := NewReport(cm, zd)
			if got := r.Text(2); got != c.ReportText {
				t.Errorf("Text(2) =\n%s\nwant\n%s", got, c.ReportText)
			}
			if got := r.Text(4); got != c.ReportText4 {
				t.Errorf("Text(4) =\n%s\nwant\n%s", got, c.ReportText4)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]json.RawMessage
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if _, ok := got["confusion_matrix"]; !ok {
				t.Errorf("JSON lacks confusion_matrix")
			}
			delete(got, "confusion_matrix")
			if len(got) != len(c.ReportDict) {
				t.Errorf("JSON has %d keys, want %d", len(got), len(c.ReportDict))
			}
			for k, want := range c.ReportDict {
				var gv, wv any
				_ = json.Unmarshal(got[k], &gv)
				_ = json.Unmarshal(want, &wv)
				if !jsonNear(gv, wv) {
					t.Errorf("JSON[%q] = %s, want %s", k, got[k], want)
				}
			}
		})
	}
}

// jsonNear compares decoded JSON values with floats within tol.
func jsonNear(a, b any) bool {
	switch av := a.(type) {
	case float64:
		bv, ok := b.(float64)
		return ok && near(av, bv)
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(av) != len(bm) {
			return false
		}
		for k := range av {
			if !jsonNear(av[k], bm[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestCurvesMatchSklearn(t *testing.T) {
	g := loadSklearnGolden(t)
	for _, c := range g.Curves {
		t.Run(c.Name, func(t *testing.T) {
			p, r, th, err := PrecisionRecallCurve(c.YTrue, c.Scores)
			if err != nil {
				t.Fatal(err)
			}
			checkSeries(t, "PR precision", p, c.PRPrecision)
			checkSeries(t, "PR recall", r, c.PRRecall)
			checkSeries(t, "PR thresholds", th, c.PRThresholds)
			fpr, tpr, rth, err := ROCCurve(c.YTrue, c.Scores)
			if err != nil {
				t.Fatal(err)
			}
			checkSeries(t, "ROC fpr", fpr, c.ROCFPR)
			checkSeries(t, "ROC tpr", tpr, c.ROCTPR)
			checkSeries(t, "ROC thresholds", rth, c.ROCThresholds)
		})
	}
}

func checkSeries(t *testing.T, what string, got []float64, want []*float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values %v, want %d", what, len(got), got, len(want))
		return
	}
	for i := range got {
		w := math.NaN()
		if want[i] != nil {
			w = *want[i]
		}
		if !near(got[i], w) {
			t.Errorf("%s[%d] = %v, want %v (scikit-learn 1.2.1)", what, i, got[i], w)
		}
	}
}
