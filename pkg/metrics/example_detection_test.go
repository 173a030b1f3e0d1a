package metrics_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/metrics"
)

func ExampleIoU() {
	g := metrics.COCOBox{0, 0, 10, 10}
	fmt.Printf("%.4f\n", metrics.IoU(metrics.COCOBox{5, 0, 10, 10}, g, false))
	fmt.Printf("%.4f\n", metrics.IoU(metrics.COCOBox{5, 0, 10, 10}, g, true)) // crowd: union = detection
	fmt.Println(metrics.IoU(metrics.COCOBox{10, 0, 10, 10}, g, false))        // touching edges
	// Output:
	// 0.3333
	// 0.5000
	// 0
}

func ExampleCOCOBox_Area() {
	fmt.Println(metrics.COCOBox{3, 4, 32, 32}.Area())
	// Output: 1024
}

func ExampleAP() {
	// Ranked detections TP, FP, FP, TP over two objects.
	recall := []float64{0.5, 0.5, 0.5, 1}
	precision := []float64{1, 0.5, 1.0 / 3, 0.5}
	for _, interp := range []metrics.Interpolation{metrics.VOC11Point, metrics.AllPoints, metrics.COCO101Point} {
		fmt.Printf("%-12v %.4f\n", interp, metrics.AP(recall, precision, interp))
	}
	// Output:
	// VOC11Point   0.7727
	// AllPoints    0.7500
	// COCO101Point 0.7525
}

// twoImages is a small detection problem: two cats and a dog, a duplicate and a false positive.
func twoImages() ([]metrics.GroundTruth, []metrics.Detection) {
	gts := []metrics.GroundTruth{
		{ID: 1, Image: 1, Category: 1, Box: metrics.COCOBox{0, 0, 60, 60}, Area: 3600},
		{ID: 2, Image: 1, Category: 2, Box: metrics.COCOBox{100, 100, 50, 50}, Area: 2500},
		{ID: 3, Image: 2, Category: 1, Box: metrics.COCOBox{10, 10, 40, 40}, Area: 1600},
	}
	dts := []metrics.Detection{
		{Image: 1, Category: 1, Box: metrics.COCOBox{0, 0, 60, 60}, Score: 0.9},
		{Image: 1, Category: 1, Box: metrics.COCOBox{2, 2, 60, 60}, Score: 0.8},      // duplicate
		{Image: 2, Category: 1, Box: metrics.COCOBox{12, 10, 40, 40}, Score: 0.7},    // IoU 0.905
		{Image: 1, Category: 2, Box: metrics.COCOBox{100, 100, 50, 50}, Score: 0.6},  // exact
		{Image: 2, Category: 2, Box: metrics.COCOBox{300, 300, 50, 50}, Score: 0.95}, // no dog there
	}
	return gts, dts
}

func ExampleDetectionCurve() {
	gts, dts := twoImages()
	recall, precision := metrics.DetectionCurve(gts, dts, 1, 0.5)
	fmt.Printf("recall %v\nprecision %.3f\n", recall, precision)
	// Output:
	// recall [0.5 0.5 1]
	// precision [1.000 0.500 0.667]
}

func ExampleMeanAP() {
	gts, dts := twoImages()
	mean, per := metrics.MeanAP(gts, dts, 0.5, metrics.AllPoints)
	fmt.Printf("mAP@0.5 %.4f cat %.4f dog %.4f\n", mean, per[1], per[2])
	// Output:
	// mAP@0.5 0.6667 cat 0.8333 dog 0.5000
}

func ExampleEvaluateCOCO() {
	gts, dts := twoImages()
	gt := &metrics.COCODataset{
		Images:      []int64{1, 2},
		Categories:  []metrics.COCOCategory{{ID: 1, Name: "cat"}, {ID: 2, Name: "dog"}},
		Annotations: gts,
	}
	// Cat 1 at IoU .50-.90: TP, FP (duplicate), TP -> AP (51*1 + 50*2/3)/101 = .835; at .95 the
	// second cat (IoU .905) is missed -> .505; mean .802. Dog: FP then TP -> .5. AP = .651.
	res, err := metrics.EvaluateCOCO(gt, dts)
	if err != nil {
		panic(err)
	}
	fmt.Print(res.Stats)
	fmt.Printf("per category AP %.3f\n", res.CategoryAP)
	// Output:
	// Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.651
	//  Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.667
	//  Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.667
	//  Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000
	//  Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.651
	//  Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.975
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 0.975
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.975
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 0.975
	//  Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000
	// per category AP [0.802 0.500]
}

func ExampleCOCOStats_MarshalJSON() {
	s := metrics.COCOStats{AP: 0.5, AP50: 0.75, AP75: 0.5, APs: -1, APm: 0.5, APl: -1, AR1: 0.5, AR10: 0.6, AR100: 0.6, ARs: -1, ARm: 0.6, ARl: -1}
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
	fmt.Println(s.Values()[1])
	// Output:
	// {"AP":0.5,"AP50":0.75,"AP75":0.5,"APs":-1,"APm":0.5,"APl":-1,"AR1":0.5,"AR10":0.6,"AR100":0.6,"ARs":-1,"ARm":0.6,"ARl":-1}
	// 0.75
}

func ExampleReadCOCOGroundTruth() {
	in := `{"images": [{"id": 7, "file_name": "a.jpg"}],
	        "categories": [{"id": 1, "name": "digit"}],
	        "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [4, 4, 20, 28], "iscrowd": 0}]}`
	ds, err := metrics.ReadCOCOGroundTruth(strings.NewReader(in))
	if err != nil {
		panic(err)
	}
	fmt.Println(ds.Images, ds.Categories[0].Name, ds.Annotations[0].Box, ds.Annotations[0].Area)
	_, err = metrics.ReadCOCOGroundTruth(strings.NewReader(`{"annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [4, 4]}]}`))
	fmt.Println(err)
	_, err = metrics.ReadCOCOGroundTruth(strings.NewReader(`{"images": [{"id": 7}], "categories": [{"id": 1}],
	        "annotations": [{"id": 1, "image_id": 8, "category_id": 1, "bbox": [4, 4, 20, 28]}]}`))
	fmt.Println(err)
	// Output:
	// [7] digit [4 4 20 28] 560
	// metrics: COCO ground truth: annotations[0] (id 1): bbox has 2 numbers, want 4 (x, y, width, height)
	// metrics: COCO ground truth: annotations[0] (id 1): image_id 8 is not in the ground truth's images
}

func ExampleReadCOCODetections() {
	in := `[{"image_id": 7, "category_id": 1, "bbox": [5, 4, 20, 28], "score": 0.93}]`
	dts, err := metrics.ReadCOCODetections(strings.NewReader(in))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", dts[0])
	_, err = metrics.ReadCOCODetections(strings.NewReader(`[{"image_id": 7, "bbox": [5, 4, 20, 28], "score": 0.93}]`))
	fmt.Println(err)
	_, err = metrics.ReadCOCODetections(strings.NewReader(`null`)) // not the same as finding nothing
	fmt.Println(err)
	// Output:
	// {Image:7 Category:1 Box:[5 4 20 28] Score:0.93}
	// metrics: COCO detections: entry 0 lacks "image_id", "category_id" or "score"
	// metrics: COCO detections are null, want a JSON list of detections ([] for none)
}

func ExampleCOCOStats_String() {
	s := metrics.COCOStats{AP: 0.5, AP50: 0.75, AP75: 0.5, APs: -1, APm: 0.5, APl: -1, AR1: 0.5, AR10: 0.6, AR100: 0.6, ARs: -1, ARm: 0.6, ARl: -1}
	fmt.Print(s.String()[:81])
	// Output:
	// Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500
}

func ExampleCOCOStats_Values() {
	s := metrics.COCOStats{AP: 0.5, AP50: 0.75}
	v := s.Values()
	fmt.Println(v[:3])
	// Output: [0.5 0.75 0]
}

func ExampleInterpolation_String() {
	fmt.Println(metrics.VOC11Point, metrics.AllPoints, metrics.COCO101Point)
	// Output: VOC11Point AllPoints COCO101Point
}

func ExampleMatchDetections() {
	gts, dts := twoImages()
	for i, m := range metrics.MatchDetections(gts, dts, 0.5) {
		fmt.Printf("detection %d (score %.2f): ground truth %d, true positive %v\n", i, dts[i].Score, m.GT, m.TruePositive())
	}
	// Output:
	// detection 0 (score 0.90): ground truth 0, true positive true
	// detection 1 (score 0.80): ground truth -1, true positive false
	// detection 2 (score 0.70): ground truth 2, true positive true
	// detection 3 (score 0.60): ground truth 1, true positive true
	// detection 4 (score 0.95): ground truth -1, true positive false
}
