package metrics

import (
	"math"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

func TestAPInterpolations(t *testing.T) {
	cases := []struct {
		name              string
		recall, precision []float64
		want              map[Interpolation]float64 // by hand
	}{
		{
			// The hand_duplicates ranking: TP, FP, FP, TP over 2 ground truths.
			// VOC11: points 0..0.5 (6) see precision 1, points 0.6..1 (5) only the last rank's .5:
			// (6 + 2.5)/11. AllPoints: envelope [1,.5,.5,.5]; area = .5*1 + .5*.5 = .75.
			// COCO101: recall points 0..0.50 (51) read 1, the other 50 read .5: 76/101.
			name: "duplicates", recall: []float64{.5, .5, .5, 1}, precision: []float64{1, .5, 1.0 / 3, .5},
			want: map[Interpolation]float64{VOC11Point: 8.5 / 11, AllPoints: .75, COCO101Point: 76.0 / 101},
		},
		{
			// Perfect ranking of 4 objects: precision 1 at every recall: AP 1 in every scheme.
			name: "perfect", recall: []float64{.25, .5, .75, 1}, precision: []float64{1, 1, 1, 1},
			want: map[Interpolation]float64{VOC11Point: 1, AllPoints: 1, COCO101Point: 1},
		},
		{
			// Half the objects never found: VOC11 points 0..0.5 (6 of 11) at precision 1;
			// AllPoints .5*1; COCO101 points 0..0.50 (51 of 101).
			name: "half recall", recall: []float64{.25, .5}, precision: []float64{1, 1},
			want: map[Interpolation]float64{VOC11Point: 6.0 / 11, AllPoints: .5, COCO101Point: 51.0 / 101},
		},
		{
			name: "empty", recall: nil, precision: nil,
			want: map[Interpolation]float64{VOC11Point: 0, AllPoints: 0, COCO101Point: 0},
		},
	}
	for _, c := range cases {
		for interp, want := range c.want {
			t.Run(c.name+"/"+interp.String(), func(t *testing.T) {
				p := slices.Clone(c.precision)
				if got := AP(c.recall, p, interp); math.Abs(got-want) > 1e-12 {
					t.Errorf("AP(%v, %v, %v) = %v, want %v", c.recall, c.precision, interp, got, want)
				}
				if !slices.Equal(p, c.precision) {
					t.Errorf("AP modified its precision argument: %v", p)
				}
			})
		}
	}
}

// TestMeanAPEqualsCOCOAP50 checks a property: with COCO101Point at IoU .5, MeanAP equals
// EvaluateCOCO's AP50 once no image has more than 100 detections of a category.
func TestMeanAPEqualsCOCOAP50(t *testing.T) {
	for _, name := range []string{"random_a", "random_b", "random_d_dense", "hand_crowd", "hand_ties", "hand_empty_image_missing_class"} {
		t.Run(name, func(t *testing.T) {
			gt, dts := readCOCOFiles(t, filepath.Join("testdata/coco", name+"_gt.json"), filepath.Join("testdata/coco", name+"_dt.json"))
			dts = top100PerImage(dts)
			res, err := EvaluateCOCO(gt, dts)
			if err != nil {
				t.Fatal(err)
			}
			mean, per := MeanAP(gt.Annotations, dts, 0.5, COCO101Point)
			if math.Abs(mean-res.Stats.AP50) > 1e-12 {
				t.Errorf("MeanAP = %v, EvaluateCOCO AP50 = %v", mean, res.Stats.AP50)
			}
			if len(per) == 0 {
				t.Errorf("MeanAP returned no categories")
			}
			for _, interp := range []Interpolation{VOC11Point, AllPoints} {
				m, _ := MeanAP(gt.Annotations, dts, 0.5, interp)
				if m < 0 || m > 1 {
					t.Errorf("MeanAP(%v) = %v, want within [0, 1]", interp, m)
				}
			}
		})
	}
}

// top100PerImage keeps the 100 highest-scoring detections of each (image, category), stable.
func top100PerImage(dts []Detection) []Detection {
	idx := make([]int, len(dts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return dts[idx[a]].Score > dts[idx[b]].Score })
	count := map[[2]int64]int{}
	keep := make([]bool, len(dts))
	for _, i := range idx {
		k := [2]int64{dts[i].Image, dts[i].Category}
		if count[k] < 100 {
			keep[i] = true
			count[k]++
		}
	}
	var out []Detection
	for i, d := range dts {
		if keep[i] {
			out = append(out, d)
		}
	}
	return out
}

func TestMeanAPNoGroundTruth(t *testing.T) {
	mean, per := MeanAP(nil, []Detection{{Image: 1, Category: 1, Box: COCOBox{0, 0, 1, 1}, Score: 1}}, 0.5, AllPoints)
	if mean != -1 || len(per) != 0 {
		t.Errorf("MeanAP without ground truth = %v, %v; want -1 and no categories", mean, per)
	}
}

// TestMatchDetectionsAgreesWithCurve checks a property on the golden fixtures: the true positives
// MatchDetections finds in a category equal the final recall of DetectionCurve times the number of
// non-crowd objects, at several thresholds.
func TestMatchDetectionsAgreesWithCurve(t *testing.T) {
	for _, name := range []string{"random_a", "random_b", "hand_crowd", "hand_ties", "hand_duplicates"} {
		gt, dts := readCOCOFiles(t, filepath.Join("testdata/coco", name+"_gt.json"), filepath.Join("testdata/coco", name+"_dt.json"))
		for _, thr := range []float64{0.5, 0.75, 0.9} {
			matches := MatchDetections(gt.Annotations, dts, thr)
			tp := map[int64]int{}
			for i, m := range matches {
				if m.TruePositive() {
					tp[dts[i].Category]++
					if g := gt.Annotations[m.GT]; g.Image != dts[i].Image || g.Category != dts[i].Category {
						t.Fatalf("%s: detection %d matched ground truth %d of another image or category", name, i, m.GT)
					}
				}
			}
			objects := map[int64]int{}
			for _, g := range gt.Annotations {
				if !g.Crowd {
					objects[g.Category]++
				}
			}
			for cat, n := range objects {
				r, _ := DetectionCurve(gt.Annotations, dts, cat, thr)
				final := 0.0
				if len(r) > 0 {
					final = r[len(r)-1]
				}
				if want := float64(tp[cat]) / float64(n); math.Abs(final-want) > 1e-12 {
					t.Errorf("%s IoU %.2f category %d: curve recall %v, MatchDetections %d of %d", name, thr, cat, final, tp[cat], n)
				}
			}
		}
	}
}
