package metrics

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func readCOCOFiles(t testing.TB, gtPath, dtPath string) (*COCODataset, []Detection) {
	t.Helper()
	gf, err := os.Open(gtPath)
	if err != nil {
		t.Fatal(err)
	}
	defer gf.Close()
	gt, err := ReadCOCOGroundTruth(gf)
	if err != nil {
		t.Fatal(err)
	}
	df, err := os.Open(dtPath)
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	dts, err := ReadCOCODetections(df)
	if err != nil {
		t.Fatal(err)
	}
	return gt, dts
}

// TestEvaluateCOCOMatchesPycocotools compares all 12 stats and the summary text with
// testdata/coco_golden.json, written by testdata/gen_coco.py with pycocotools' COCOeval.
func TestEvaluateCOCOMatchesPycocotools(t *testing.T) {
	b, err := os.ReadFile("testdata/coco_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Source string `json:"source"`
		Cases  []struct {
			Name, GT, DT, Summary string
			Stats                 []float64
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, c := range golden.Cases {
		t.Run(c.Name, func(t *testing.T) {
			gt, dts := readCOCOFiles(t, filepath.Join("testdata", c.GT), filepath.Join("testdata", c.DT))
			res, err := EvaluateCOCO(gt, dts)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Stats.Values()
			for i, want := range c.Stats {
				if math.Abs(got[i]-want) > 1e-9 {
					t.Errorf("stats[%d] = %.12f, want %.12f (%s)", i, got[i], want, golden.Source)
				}
			}
			if s := res.Stats.String(); s != c.Summary {
				t.Errorf("summary =\n%s\nwant\n%s", s, c.Summary)
			}
		})
	}
}

// TestEvaluateCOCOHandWorked checks cases small enough to work out by hand; gen_coco.py feeds the
// same files (testdata/coco_hand_cases.json) to pycocotools, which agrees. All boxes in these cases
// have areas between 32² and 96² (medium) unless said otherwise, so APs, APl, ARs, ARl are -1 (no
// ground truth in range) and APm, ARm equal AP, AR100.
func TestEvaluateCOCOHandWorked(t *testing.T) {
	const eps = eps64
	cases := []struct {
		name string
		want COCOStats
	}{
		{
			// GT a = [0,0,50,50]; crowd region c = [100,0,100,100] (area 10000).
			// Detections by score: d4 [180,80,40,40] .95: crowd IoU = 20*20/1600 = .25 < .5 -> false
			// positive; d2 .93 and d3 .92 lie inside c: crowd IoU = inter/area(d) = 1 -> matched to
			// the crowd, ignored (a crowd may be matched many times); d1 .9 = a -> true positive.
			// Counting only non-ignored: FP then TP: precision [0, .5] -> envelope .5 at every
			// recall point, so AP = .5 at every IoU. Without crowd handling AP would be .25.
			// AR1: the single best detection d4 is a FP -> 0.
			name: "hand_crowd",
			want: COCOStats{AP: .5, AP50: .5, AP75: .5, APs: -1, APm: .5, APl: -1, AR1: 0, AR10: 1, AR100: 1, ARs: -1, ARm: 1, ARl: -1},
		},
		{
			// GT a = [0,0,60,60], b = [200,200,60,60]. d1 = a (.9) TP; d2 [2,2,60,60] (.8): IoU with
			// a = 58²/(2*3600-58²) = .877 but a is taken -> FP (duplicate); d3 [30,0,60,60] (.7):
			// IoU 1800/5400 = .33 -> FP; d4 = b (.6) TP. Recall [.5,.5,.5,1], precision
			// [1,.5,1/3,.5] -> envelope [1,.5,.5,.5]. Recall points 0..0.50 (51 of them) read 1,
			// 0.51..1 (50) read .5: AP = (51 + 25)/101 at every IoU. AR1 = 1 of 2 found = .5.
			name: "hand_duplicates",
			want: COCOStats{AP: 76.0 / 101, AP50: 76.0 / 101, AP75: 76.0 / 101, APs: -1, APm: 76.0 / 101, APl: -1, AR1: .5, AR10: 1, AR100: 1, ARs: -1, ARm: 1, ARl: -1},
		},
		{
			// Category 1: image 1 has GT a, detected exactly (.9); image 2 has no GT but a
			// detection (.95), a FP that comes first: precision [0, .5] -> AP 0.5, recall 1.
			// Category 2 has GT b in image 1 and no detections: AP 0, recall 0.
			// Category 3 has no GT (only a detection): left out of the mean.
			// AP = mean(.5, 0) = .25; AR = mean(1, 0) = .5 for every maxDets (each image's best
			// detection already finds a).
			name: "hand_empty_image_missing_class",
			want: COCOStats{AP: .25, AP50: .25, AP75: .25, APs: -1, APm: .25, APl: -1, AR1: .5, AR10: .5, AR100: .5, ARs: -1, ARm: .5, ARl: -1},
		},
		{
			// Three GT (a, b in image 1, c in image 2). Detections in file order: d1 image 1 FP
			// (.8), d2 image 1 = a (.8), d3 image 2 = c (.8), d4 image 1 = b (.5). The stable sort
			// keeps d1 before d2 and concatenates image 1 before image 2 for the tie with d3:
			// FP, TP, TP, TP -> precision [0,.5,2/3,.75], envelope .75 everywhere, AP = .75.
			// (An unstable sort putting d2 first would give (34*1 + 67*.75)/101 = .834.)
			// AR1: image 1's first detection is d1 (FP), image 2's is d3 (TP): 1/3.
			name: "hand_ties",
			want: COCOStats{AP: .75, AP50: .75, AP75: .75, APs: -1, APm: .75, APl: -1, AR1: 1.0 / 3, AR10: 1, AR100: 1, ARs: -1, ARm: 1, ARl: -1},
		},
		{
			// GT [0,0,100,100] (large), detection [0,0,50,100] (medium): IoU = 5000/10000 = .5
			// exactly, a match at IoU >= .50 and none at .55 ... .95. AP = (1 + 9*0)/10 = .1,
			// AP50 = 1, AP75 = 0. In the large range the matched detection counts at .50; at
			// higher thresholds it is unmatched and outside the range, so ignored: APl = .1.
			// In the medium range the only GT is ignored: APm = -1.
			name: "hand_iou_at_threshold",
			want: COCOStats{AP: .1, AP50: 1, AP75: 0, APs: -1, APm: -1, APl: .1, AR1: .1, AR10: .1, AR100: .1, ARs: -1, ARm: -1, ARl: .1},
		},
		{
			// pycocotools quirk kept for equality: it records a match as the GT's id, so a match to
			// the GT with id 0 reads as "unmatched". d1 (.9) lands exactly on GT id 0 -> counted
			// as a FP; d2 (.8) on GT id 5 -> TP. Recall [0, .5], precision [0, .5] -> envelope .5
			// for recall points 0..0.50 (51), 0 beyond: AP = 25.5/101. AR1 = 0, AR10 = .5.
			name: "hand_gt_id0",
			want: COCOStats{AP: 25.5 / 101, AP50: 25.5 / 101, AP75: 25.5 / 101, APs: -1, APm: 25.5 / 101, APl: -1, AR1: 0, AR10: .5, AR100: .5, ARs: -1, ARm: .5, ARl: -1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gt, dts := readCOCOFiles(t, "testdata/coco/"+c.name+"_gt.json", "testdata/coco/"+c.name+"_dt.json")
			res, err := EvaluateCOCO(gt, dts)
			if err != nil {
				t.Fatal(err)
			}
			got, want := res.Stats.Values(), c.want.Values()
			for i := range got {
				// Precision carries pycocotools' +eps in its denominator: 1/(1+eps) instead of 1.
				if math.Abs(got[i]-want[i]) > 4*eps {
					t.Errorf("stats[%d] = %.17g, want %.17g (by hand)", i, got[i], want[i])
				}
			}
		})
	}
}

func TestEvaluateCOCOErrors(t *testing.T) {
	gt := &COCODataset{Images: []int64{1}, Categories: []COCOCategory{{ID: 1}}}
	_, err := EvaluateCOCO(gt, []Detection{{Image: 7, Category: 1, Box: COCOBox{0, 0, 1, 1}, Score: 1}})
	if err == nil {
		t.Fatal("EvaluateCOCO with a detection for an unknown image: got nil error")
	}
	// No detections at all: every category with ground truth scores 0 (pycocotools cannot load an
	// empty result list; we define it).
	gt.Annotations = []GroundTruth{{ID: 1, Image: 1, Category: 1, Box: COCOBox{0, 0, 10, 10}, Area: 100}}
	res, err := EvaluateCOCO(gt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.AP != 0 || res.Stats.AR100 != 0 || res.Stats.APm != -1 {
		t.Errorf("no detections: stats %+v, want AP 0, AR100 0, APm -1", res.Stats)
	}
}

func TestIoU(t *testing.T) {
	a := COCOBox{0, 0, 10, 10}
	cases := []struct {
		name  string
		d, g  COCOBox
		crowd bool
		want  float64 // by hand
	}{
		{"identical", a, a, false, 1},
		{"half overlap", COCOBox{5, 0, 10, 10}, a, false, 50.0 / 150},
		{"touching edge", COCOBox{10, 0, 10, 10}, a, false, 0},
		{"disjoint", COCOBox{20, 20, 5, 5}, a, false, 0},
		{"inside crowd", COCOBox{2, 2, 4, 4}, a, true, 1},
		{"half in crowd", COCOBox{5, 0, 10, 10}, a, true, 0.5},
		{"zero area", COCOBox{1, 1, 0, 0}, a, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := IoU(c.d, c.g, c.crowd); math.Abs(got-c.want) > 1e-15 {
				t.Errorf("IoU(%v, %v, %v) = %v, want %v", c.d, c.g, c.crowd, got, c.want)
			}
			if !c.crowd {
				if rev := IoU(c.g, c.d, false); rev != IoU(c.d, c.g, false) {
					t.Errorf("IoU not symmetric: %v vs %v", rev, IoU(c.d, c.g, false))
				}
			}
		})
	}
}
