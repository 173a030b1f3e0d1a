package metrics

import (
	"strings"
	"testing"
)

// TestReadCOCOGroundTruthHostile: what pycocotools would read as something else (a null file, a
// null entry) or leave out without a word (an annotation of an unlisted image or category) and
// what no object can be (a negative area or box side) is an error naming the entry.
func TestReadCOCOGroundTruthHostile(t *testing.T) {
	const head = `"images": [{"id": 1}], "categories": [{"id": 1, "name": "cat"}]`
	ann := func(fields string) string {
		return `{` + head + `, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10]}, {` + fields + `}]}`
	}
	tests := []struct {
		name, in, want string // want: substring of the error; "" for none
	}{
		{"valid", ann(`"id": 7, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 0`), ""},
		{"zero-size box", ann(`"id": 7, "image_id": 1, "category_id": 1, "bbox": [1, 2, 0, 0]`), ""},
		{"null file", `null`, `metrics: COCO ground truth is null, want an object`},
		{"null image", `{"images": [{"id": 1}, null]}`, `images[1] has no "id"`},
		{"null category", `{"categories": [null]}`, `categories[0] has no "id"`},
		{"category without id", `{"categories": [{"name": "cat"}]}`, `categories[0] has no "id"`},
		{"null annotation", `{` + head + `, "annotations": [null]}`, `annotations[0] lacks "id"`},
		{"unknown image", ann(`"id": 7, "image_id": 2, "category_id": 1, "bbox": [0, 0, 1, 1]`),
			`metrics: COCO ground truth: annotations[1] (id 7): image_id 2 is not in the ground truth's images`},
		{"unknown category", ann(`"id": 7, "image_id": 1, "category_id": 0, "bbox": [0, 0, 1, 1]`),
			`annotations[1] (id 7): category_id 0 is not in the ground truth's categories`},
		{"negative area", ann(`"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": -5`),
			`annotations[1] (id 7): area -5, want a number >= 0`},
		{"negative width", ann(`"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 1]`),
			`annotations[1] (id 7): bbox [0 0 -1 1] has a negative width or height`},
		{"negative height", ann(`"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, -1e-9]`), `negative width or height`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := ReadCOCOGroundTruth(strings.NewReader(tc.in))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := EvaluateCOCO(ds, nil); err != nil {
					t.Errorf("EvaluateCOCO of what the reader accepted: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadCOCOGroundTruth error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadCOCODetectionsHostile(t *testing.T) {
	tests := []struct {
		name, in, want string // want: substring of the error; "" for none
	}{
		{"empty list", `[]`, ""},
		{"valid", `[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]`, ""},
		{"null file", `null`, `metrics: COCO detections are null, want a JSON list of detections ([] for none)`},
		{"null entry", `[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}, null]`, `entry 1 is null, want an object`},
		{"null score", `[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": null}]`, `entry 0 lacks "image_id", "category_id" or "score"`},
		{"null bbox", `[{"image_id": 1, "category_id": 1, "bbox": null, "score": 1}]`, `entry 0: bbox has 0 numbers`},
		{"negative width", `[{"image_id": 1, "category_id": 1, "bbox": [5, 5, -2, 3], "score": 1}]`, `entry 0: bbox [5 5 -2 3] has a negative width or height`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCOCODetections(strings.NewReader(tc.in))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadCOCODetections error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestEvaluateCOCORefusesUnlisted: EvaluateCOCO itself refuses what the readers refuse, for data
// built in code; pycocotools would leave these out of the evaluation without a word.
func TestEvaluateCOCORefusesUnlisted(t *testing.T) {
	box := COCOBox{0, 0, 10, 10}
	ok := GroundTruth{ID: 1, Image: 1, Category: 1, Box: box, Area: 100}
	tests := []struct {
		name string
		gts  []GroundTruth
		dts  []Detection
		want string
	}{
		{"annotation of an unlisted image", []GroundTruth{ok, {ID: 2, Image: 9, Category: 1, Box: box, Area: 100}}, nil,
			"metrics: annotation 1 (id 2): image_id 9 is not in the ground truth's images"},
		{"annotation of an unlisted category", []GroundTruth{{ID: 3, Image: 1, Category: 0, Box: box, Area: 100}}, nil,
			"metrics: annotation 0 (id 3): category_id 0 is not in the ground truth's categories"},
		{"negative area", []GroundTruth{{ID: 4, Image: 1, Category: 1, Box: box, Area: -1}}, nil, "annotation 0 (id 4): area -1, want a number >= 0"},
		{"detection of an unlisted image", []GroundTruth{ok}, []Detection{{Image: 7, Category: 1, Box: box, Score: 1}},
			"metrics: detection 0 is for image id 7, which is not in the ground truth's images"},
		{"detection of an unlisted category (0-based ids)", []GroundTruth{ok}, []Detection{{Image: 1, Category: 1, Box: box, Score: 1}, {Image: 1, Category: 0, Box: box, Score: 1}},
			"metrics: detection 1 is for category id 0, which is not in the ground truth's categories"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gt := &COCODataset{Images: []int64{1, 2}, Categories: []COCOCategory{{ID: 1}, {ID: 2}}, Annotations: tc.gts}
			_, err := EvaluateCOCO(gt, tc.dts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("EvaluateCOCO error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
