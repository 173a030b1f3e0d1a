package metrics

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addCOCOSeeds(f *testing.F, suffix string) {
	files, _ := filepath.Glob("testdata/coco/hand_*" + suffix)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{``, `{}`, `[]`, `null`, `{"images":[{"id":1}],"annotations":[{"id":1}]}`,
		`{"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,2,3]}]}`,
		`[{"image_id":1,"category_id":1,"bbox":[0,0,1e308,1e308],"score":1}]`,
		`{"images":[{"id":1.5}]}`, `[[[[[[[[[[`, `{"annotations":[{"iscrowd":2}]}`, `[] []`,
		`[null]`, `{"categories":[null]}`, `{"images":[null]}`, `{"annotations":[null]}`,
		`{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[{"id":1,"image_id":2,"category_id":1,"bbox":[0,0,1,1]}]}`,
		`{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1,1],"area":-1}]}`,
		`[{"image_id":1,"category_id":1,"bbox":[0,0,-1,1],"score":1}]`} {
		f.Add([]byte(s))
	}
}

// FuzzReadCOCOGroundTruth: any input is parsed or rejected with an error, and whatever parses can
// be evaluated (with no detections) without panicking.
func FuzzReadCOCOGroundTruth(f *testing.F) {
	addCOCOSeeds(f, "_gt.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadCOCOGroundTruth(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "metrics: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			return
		}
		if _, err := EvaluateCOCO(ds, nil); err != nil {
			t.Errorf("EvaluateCOCO with no detections: %v", err)
		}
	})
}

// FuzzReadCOCODetections: any input is parsed or rejected with an error; parsed detections are
// evaluated against a small ground truth without panicking.
func FuzzReadCOCODetections(f *testing.F) {
	addCOCOSeeds(f, "_dt.json")
	gt := &COCODataset{
		Images:      []int64{1, 2, 3},
		Categories:  []COCOCategory{{ID: 1}, {ID: 2}, {ID: 3}},
		Annotations: []GroundTruth{{ID: 1, Image: 1, Category: 1, Box: COCOBox{10, 10, 50, 50}, Area: 2500}, {ID: 2, Image: 1, Category: 1, Box: COCOBox{0, 0, 100, 100}, Area: 1e4, Crowd: true}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dts, err := ReadCOCODetections(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "metrics: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			return
		}
		for i, d := range dts {
			if d.Box[2] < 0 || d.Box[3] < 0 {
				t.Errorf("detection %d: accepted bbox %v with a negative side", i, d.Box)
			}
		}
		res, err := EvaluateCOCO(gt, dts)
		if err != nil {
			return // a detection for an unlisted image or category is a reported error
		}
		for i, v := range res.Stats.Values() {
			if v != -1 && (v < 0 || v > 1) {
				t.Errorf("stats[%d] = %v, want -1 or within [0, 1]", i, v)
			}
		}
	})
}
