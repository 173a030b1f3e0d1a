package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const metricsTestdata = "../../pkg/metrics/testdata"

// runCLI runs the CLI in-process and returns the exit status and both streams.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(&environment{stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func writeLines(t *testing.T, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type sklearnCase struct {
	Name       string                     `json:"name"`
	YTrue      []string                   `json:"y_true"`
	YPred      []string                   `json:"y_pred"`
	Zero       string                     `json:"zero_division"`
	ReportText string                     `json:"report_text"`
	ReportDict map[string]json.RawMessage `json:"report_dict"`
	Matrix     [][]int                    `json:"confusion_matrix"`
}

func sklearnCases(t *testing.T) []sklearnCase {
	b, err := os.ReadFile(filepath.Join(metricsTestdata, "sklearn_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Classification []sklearnCase `json:"classification"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g.Classification
}

// TestMetricsCommandMatchesSklearn feeds each scikit-learn 1.2.1 golden case through label files.
func TestMetricsCommandMatchesSklearn(t *testing.T) {
	for _, c := range sklearnCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			tp := writeLines(t, "true.txt", c.YTrue)
			pp := writeLines(t, "pred.txt", c.YPred)
			code, out, errOut := runCLI("metrics", "--true", tp, "--pred", pp, "--zero-division", c.Zero)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			if !strings.HasPrefix(out, c.ReportText) {
				t.Errorf("text report =\n%s\nwant it to start with classification_report's\n%s", out, c.ReportText)
			}
			code, out, errOut = runCLI("metrics", "--true", tp, "--pred", pp, "--json", "--zero-division", c.Zero)
			if code != 0 {
				t.Fatalf("--json: exit %d, stderr %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			cm, _ := json.Marshal(got["confusion_matrix"])
			want, _ := json.Marshal(c.Matrix)
			if string(cm) != string(want) {
				t.Errorf("confusion_matrix = %s, want %s", cm, want)
			}
			for k, raw := range c.ReportDict {
				var w any
				_ = json.Unmarshal(raw, &w)
				if !sameJSON(got[k], w) {
					t.Errorf("%q = %v, want %v (scikit-learn output_dict)", k, got[k], w)
				}
			}
		})
	}
}

func sameJSON(a, b any) bool {
	switch av := a.(type) {
	case float64:
		bv, ok := b.(float64)
		return ok && math.Abs(av-bv) <= 1e-12
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(av) != len(bm) {
			return false
		}
		for k := range av {
			if !sameJSON(av[k], bm[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestMetricsCommandErrors(t *testing.T) {
	tp := writeLines(t, "true.txt", []string{"a", "b", "a"})
	short := writeLines(t, "short.txt", []string{"a"})
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring
	}{
		{"no flags", []string{"metrics"}, 2, "both --true and --pred are required"},
		{"unknown flag", []string{"metrics", "--bogus"}, 2, "usage: cvlessons metrics"},
		{"bad zero division", []string{"metrics", "--true", tp, "--pred", tp, "--zero-division", "2"}, 2, `--zero-division "2"`},
		{"extra argument", []string{"metrics", "--true", tp, "--pred", tp, "extra"}, 2, `unexpected argument "extra"`},
		{"missing file", []string{"metrics", "--true", tp, "--pred", "/nonexistent/p.txt"}, 1, "/nonexistent/p.txt"},
		{"length mismatch", []string{"metrics", "--true", tp, "--pred", short}, 1, "has 3 labels but"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and stderr containing %q", code, errOut, c.code, c.stderr)
			}
		})
	}
}

func TestMetricsCommandWarns(t *testing.T) {
	tp := writeLines(t, "true.txt", []string{"0", "1", "2"})
	pp := writeLines(t, "pred.txt", []string{"0", "0", "2"})
	code, _, errOut := runCLI("metrics", "--true", tp, "--pred", pp)
	if code != 0 || !strings.Contains(errOut, "ill-defined") {
		t.Errorf("exit %d, stderr %q; want 0 and an ill-defined warning", code, errOut)
	}
	code, _, errOut = runCLI("metrics", "--true", tp, "--pred", pp, "--zero-division", "0")
	if code != 0 || errOut != "" {
		t.Errorf("--zero-division 0: exit %d, stderr %q; want 0 and no warning", code, errOut)
	}
}

// TestEvalCommandMatchesPycocotools runs eval on the golden fixtures of pkg/metrics.
func TestEvalCommandMatchesPycocotools(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(metricsTestdata, "coco_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Name, GT, DT, Summary string
			Stats                 []float64
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	keys := []string{"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			gt, dt := filepath.Join(metricsTestdata, c.GT), filepath.Join(metricsTestdata, c.DT)
			code, out, errOut := runCLI("eval", "--gt", gt, "--dt", dt)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			if out != c.Summary {
				t.Errorf("summary =\n%s\nwant (pycocotools)\n%s", out, c.Summary)
			}
			code, out, errOut = runCLI("eval", "--gt", gt, "--dt", dt, "--json")
			if code != 0 {
				t.Fatalf("--json: exit %d, stderr %s", code, errOut)
			}
			var got map[string]float64
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			if len(got) != len(keys) {
				t.Errorf("--json has %d keys, want %d", len(got), len(keys))
			}
			for i, k := range keys {
				if v, ok := got[k]; !ok || math.Abs(v-c.Stats[i]) > 1e-9 {
					t.Errorf("%s = %v, want %v", k, got[k], c.Stats[i])
				}
			}
		})
	}
}

func TestEvalCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"images": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	gt := filepath.Join(metricsTestdata, "coco/hand_crowd_gt.json")
	otherImage := filepath.Join(dir, "other.json")
	if err := os.WriteFile(otherImage, []byte(`[{"image_id": 99, "category_id": 1, "bbox": [0,0,1,1], "score": 1}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no flags", []string{"eval"}, 2, "both --gt and --dt are required"},
		{"malformed ground truth", []string{"eval", "--gt", bad, "--dt", bad}, 1, bad},
		{"missing detections", []string{"eval", "--gt", gt, "--dt", filepath.Join(dir, "none.json")}, 1, "none.json"},
		{"unknown image", []string{"eval", "--gt", gt, "--dt", otherImage}, 1, "image id 99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and stderr containing %q", code, errOut, c.code, c.stderr)
			}
		})
	}
}

// TestEvalCommandHostile: each COCO case of issue 17 is an error naming the file and the entry,
// never a score computed from what was silently dropped.
func TestEvalCommandHostile(t *testing.T) {
	const gtHead = `"images": [{"id": 1}], "categories": [{"id": 1, "name": "cat"}]`
	const goodGT = `{` + gtHead + `, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40]}]}`
	const goodDT = `[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40], "score": 0.9}]`
	tests := []struct {
		name, gt, dt string
		code         int
		stderr       string // substring; GT and DT stand for the files' paths
	}{
		{"valid", goodGT, goodDT, 0, ""},
		{"no detections", goodGT, `[]`, 0, ""},
		{"null detections", goodGT, `null`, 1, "cvlessons: eval: DT: metrics: COCO detections are null, want a JSON list of detections ([] for none)"},
		{"null detection entry", goodGT, `[null]`, 1, "eval: DT: metrics: COCO detections: entry 0 is null"},
		{"null ground truth", `null`, goodDT, 1, "eval: GT: metrics: COCO ground truth is null"},
		{"annotation for an unknown image", `{` + gtHead + `, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40]}, {"id": 5, "image_id": 2, "category_id": 1, "bbox": [0, 0, 40, 40]}]}`, goodDT, 1,
			"eval: GT: metrics: COCO ground truth: annotations[1] (id 5): image_id 2 is not in the ground truth's images"},
		{"annotation for an unknown category", `{` + gtHead + `, "annotations": [{"id": 5, "image_id": 1, "category_id": 2, "bbox": [0, 0, 40, 40]}]}`, goodDT, 1,
			"eval: GT: metrics: COCO ground truth: annotations[0] (id 5): category_id 2 is not in the ground truth's categories"},
		{"negative area", `{` + gtHead + `, "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [0, 0, 40, 40], "area": -1600}]}`, goodDT, 1,
			"eval: GT: metrics: COCO ground truth: annotations[0] (id 5): area -1600, want a number >= 0"},
		{"negative box width", `{` + gtHead + `, "annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [40, 0, -40, 40]}]}`, goodDT, 1,
			"annotations[0] (id 5): bbox [40 0 -40 40] has a negative width or height"},
		{"detection for an unknown category", goodGT, `[{"image_id": 1, "category_id": 0, "bbox": [0, 0, 40, 40], "score": 0.9}]`, 1,
			"eval: DT against GT: metrics: detection 0 is for category id 0, which is not in the ground truth's categories"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gt, dt := filepath.Join(dir, "gt.json"), filepath.Join(dir, "dt.json")
			if err := os.WriteFile(gt, []byte(tc.gt), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dt, []byte(tc.dt), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runCLI("eval", "--gt", gt, "--dt", dt)
			want := strings.NewReplacer("GT", gt, "DT", dt).Replace(tc.stderr)
			if code != tc.code || !strings.Contains(errOut, want) {
				t.Errorf("exit %d, stderr %q; want exit %d and stderr containing %q", code, errOut, tc.code, want)
			}
		})
	}
}
