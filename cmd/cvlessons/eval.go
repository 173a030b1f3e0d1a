package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

var cmdEval = &command{
	name:  "eval",
	usage: "eval --gt COCO_GT.json --dt DETECTIONS.json [--json]",
	short: "evaluate detections like pycocotools",
	long: `
Eval scores bounding-box detections against COCO ground truth and prints the twelve numbers of
pycocotools' COCOeval.summarize() (AP at IoU .50:.05:.95, .50 and .75; AP for small, medium and
large objects; AR with 1, 10 and 100 detections per image; AR by object size), in its layout.

--gt is a COCO instances file ("images", "categories", "annotations" with "bbox" [x,y,w,h],
"area", "iscrowd"); --dt is a COCO results file: a JSON list of {"image_id", "category_id",
"bbox", "score"}. Matching uses IoU >= threshold, crowd regions are ignored, and categories with
no ground truth are left out of the means (-1 marks a number with nothing to average). See the
pkg/metrics documentation for every convention.

Refused, with the file and the entry named: a file that is JSON null (write [] for a detector that
found nothing), a null entry, an annotation or detection for an image or category not listed in
--gt (pycocotools would leave it out without a word), a negative "area", and a box with a negative
width or height.

With --json the output is one object with keys AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs ARm ARl.

Example:

	cvlessons eval --gt instances_val.json --dt detections.json
`,
	run: runEval,
}

func runEval(env *environment, args []string) error {
	// A bare command value: naming cmdEval here would make an initialization cycle.
	fs := newFlagSet("eval")
	gtPath := fs.String("gt", "", "COCO ground-truth annotations file")
	dtPath := fs.String("dt", "", "COCO detection results file")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("eval: unexpected argument %q", fs.Arg(0))
	}
	if *gtPath == "" || *dtPath == "" {
		return usagef("eval: both --gt and --dt are required")
	}
	gt, err := readCOCO(*gtPath, metrics.ReadCOCOGroundTruth)
	if err != nil {
		return err
	}
	dts, err := readCOCO(*dtPath, metrics.ReadCOCODetections)
	if err != nil {
		return err
	}
	res, err := metrics.EvaluateCOCO(gt, dts)
	if err != nil {
		return fmt.Errorf("eval: %s against %s: %w", *dtPath, *gtPath, err)
	}
	if *asJSON {
		b, err := json.Marshal(res.Stats)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprint(env.stdout, res.Stats.String())
	return err
}

// readCOCO opens path and parses it with read, naming the file in any error.
func readCOCO[T any](path string, read func(r io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return zero, fmt.Errorf("eval: %s: %w", path, err)
	}
	return v, nil
}
