package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

var cmdMetrics = &command{
	name:  "metrics",
	usage: "metrics --true FILE --pred FILE [--json] [--digits N] [--zero-division warn|0|1|nan]",
	short: "print a classification report for label files",
	long: `
Metrics reads two text files with one label per line (true labels and predicted labels, line i of
each describing sample i; blank lines are skipped, surrounding spaces trimmed) and prints a report
laid out like scikit-learn's classification_report: precision, recall, F1 and support per label,
accuracy, macro and weighted averages, followed by the confusion matrix (rows = true labels).

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
	yTrue, err := readLabels(*truePath)
	if err != nil {
		return err
	}
	yPred, err := readLabels(*predPath)
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

// readLabels reads one label per line, trimming spaces and skipping blank lines.
func readLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer f.Close()
	var labels []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			labels = append(labels, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("metrics: reading %s: %w", path, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("metrics: %s has no labels, want one label per line", path)
	}
	return labels, nil
}
