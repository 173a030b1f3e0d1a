package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

var cmdMetrics = &command{
	name:  "metrics",
	usage: "metrics --true FILE --pred FILE [--json] [--digits N] [--zero-division warn|0|1|nan]",
	short: "print a classification report for label files",
	long: `
Metrics reads two UTF-8 text files with one label per line (true labels and predicted labels,
line i of each describing sample i) and prints a report laid out like scikit-learn's
classification_report: precision, recall, F1 and support per label, accuracy, macro and weighted
averages, followed by the confusion matrix (rows = true labels).

Lines may end in \n or \r\n; a byte-order mark at the start of a file and spaces around a label
are dropped, and blank lines at the end are ignored. Refused, with the file and line named: a blank
line followed by a label (it would shift every later label), a tab or other control character in
a label, a label over 1024 bytes, more than 4096 distinct labels (the confusion matrix is dense),
and one number spelled two ways in the run ("1", "01", "+1", "1.0"), which would count as two
classes.

Labels sort numerically when all are integers, otherwise as strings. A label never predicted (or
never present) has an undefined precision (recall); --zero-division decides its value: "warn"
(the default) uses 0 and prints a warning to stderr, "0" and "1" use that number silently, "nan"
leaves the label out of the averages.

With --json the output is one JSON object keyed like classification_report(output_dict=True):
"<label>": {"precision", "recall", "f1-score", "support"}, "accuracy", "macro avg",
"weighted avg", plus "confusion_matrix". Undefined values under "nan" are null.

Example:

	cvlessons metrics --true y_true.txt --pred y_pred.txt
`,
	run: runMetrics,
}

func runMetrics(env *environment, args []string) error {
	// A bare command value: naming cmdMetrics here would make an initialization cycle.
	fs := newFlagSet("metrics")
	truePath := fs.String("true", "", "file of true labels, one per line")
	predPath := fs.String("pred", "", "file of predicted labels, one per line")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the text report")
	digits := fs.Int("digits", 2, "digits after the decimal point in the text report")
	zdName := fs.String("zero-division", "warn", "value of an undefined precision or recall: warn, 0, 1 or nan")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("metrics: unexpected argument %q", fs.Arg(0))
	}
	if *truePath == "" || *predPath == "" {
		return usagef("metrics: both --true and --pred are required")
	}
	if *digits < 0 || *digits > 15 {
		return usagef("metrics: --digits %d out of range, want 0 to 15", *digits)
	}
	zd, err := parseZeroDivision(*zdName)
	if err != nil {
		return err
	}
	lr := newLabelReader()
	yTrue, err := lr.readFile(*truePath)
	if err != nil {
		return err
	}
	yPred, err := lr.readFile(*predPath)
	if err != nil {
		return err
	}
	if len(yTrue) != len(yPred) {
		return fmt.Errorf("metrics: %s has %d labels but %s has %d, want one prediction per true label", *truePath, len(yTrue), *predPath, len(yPred))
	}
	cm, err := metrics.ConfusionMatrixOf(yTrue, yPred)
	if err != nil {
		return fmt.Errorf("%w (reading %s and %s)", err, *truePath, *predPath)
	}
	report := metrics.NewReport(cm, zd)
	if report.IllDefined() {
		fmt.Fprintln(env.stderr, "cvlessons: warning: precision or recall is ill-defined (a label is never predicted or never present) and set to 0; use --zero-division to choose")
	}
	if *asJSON {
		b, err := json.Marshal(report)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.stdout, "%s\n", b)
		return err
	}
	fmt.Fprint(env.stdout, report.Text(*digits))
	fmt.Fprintf(env.stdout, "\nconfusion matrix (rows = true, columns = predicted; labels %s):\n", strings.Join(cm.Labels(), " "))
	for _, row := range report.ConfusionMatrix {
		fmt.Fprintln(env.stdout, strings.Trim(fmt.Sprint(row), "[]"))
	}
	return nil
}

func parseZeroDivision(s string) (metrics.ZeroDivision, error) {
	for _, z := range []metrics.ZeroDivision{metrics.ZeroDivisionWarn, metrics.ZeroDivisionZero, metrics.ZeroDivisionOne, metrics.ZeroDivisionNaN} {
		if z.String() == s {
			return z, nil
		}
	}
	return 0, usagef("metrics: --zero-division %q, want warn, 0, 1 or nan", s)
}
