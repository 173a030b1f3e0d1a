package detect

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// golden is testdata/nms_golden.json, written by testdata/gen_nms.py with torchvision 0.14.
type golden struct {
	Torch       string `json:"torch"`
	Torchvision string `json:"torchvision"`
	NMS         []struct {
		Name      string       `json:"name"`
		Boxes     [][4]float32 `json:"boxes"`
		Scores    []float32    `json:"scores"`
		Classes   []int        `json:"classes"`
		Threshold float32      `json:"threshold"`
		Keep      []int        `json:"keep"`
	} `json:"nms"`
	BatchedNMS []struct {
		Name      string       `json:"name"`
		Boxes     [][4]float32 `json:"boxes"`
		Scores    []float32    `json:"scores"`
		Classes   []int        `json:"classes"`
		Threshold float32      `json:"threshold"`
		Keep      []int        `json:"keep"`
	} `json:"batched_nms"`
	BoxIoU []struct {
		Name string       `json:"name"`
		A    [][4]float32 `json:"a"`
		B    [][4]float32 `json:"b"`
		IoU  []float32    `json:"iou"`
	} `json:"box_iou"`
	NMSNaN struct {
		Boxes     [][4]float32 `json:"boxes"`
		Scores    []*float32   `json:"scores"` // null is NaN
		Threshold float32      `json:"threshold"`
		Keep      []int        `json:"keep"`
	} `json:"nms_nan"`
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	data, err := os.ReadFile("testdata/nms_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("testdata/nms_golden.json: %v", err)
	}
	return &g
}

func toBoxes(a [][4]float32) []Box {
	boxes := make([]Box, len(a))
	for i, c := range a {
		boxes[i] = Box{c[0], c[1], c[2], c[3]}
	}
	return boxes
}

func TestGoldenTorchvision(t *testing.T) {
	g := loadGolden(t)
	if len(g.NMS) == 0 || len(g.BatchedNMS) == 0 || len(g.BoxIoU) == 0 {
		t.Fatal("golden file has no cases")
	}
	for _, c := range g.NMS {
		t.Run("nms/"+c.Name, func(t *testing.T) {
			got := NMS(toBoxes(c.Boxes), c.Scores, c.Threshold)
			if !slices.Equal(got, c.Keep) {
				t.Errorf("NMS kept %d boxes, torchvision %s %d; first difference at %d",
					len(got), g.Torchvision, len(c.Keep), firstDiff(got, c.Keep))
			}
		})
	}
	for _, c := range g.BatchedNMS {
		t.Run("batched_nms/"+c.Name, func(t *testing.T) {
			got := BatchedNMS(toBoxes(c.Boxes), c.Scores, c.Classes, c.Threshold)
			if !slices.Equal(got, c.Keep) {
				t.Errorf("BatchedNMS kept %d boxes, torchvision %s %d; first difference at %d",
					len(got), g.Torchvision, len(c.Keep), firstDiff(got, c.Keep))
			}
		})
	}
	for _, c := range g.BoxIoU {
		t.Run("box_iou/"+c.Name, func(t *testing.T) {
			got := IoUMatrix(toBoxes(c.A), toBoxes(c.B))
			for i := range c.IoU {
				if got[i] != c.IoU[i] {
					t.Fatalf("IoUMatrix[%d] = %v, torchvision box_iou %v", i, got[i], c.IoU[i])
				}
			}
		})
	}
	t.Run("nms/NaN score", func(t *testing.T) {
		scores := make([]float32, len(g.NMSNaN.Scores))
		for i, s := range g.NMSNaN.Scores {
			scores[i] = float32(math.NaN())
			if s != nil {
				scores[i] = *s
			}
		}
		if got := NMS(toBoxes(g.NMSNaN.Boxes), scores, g.NMSNaN.Threshold); !slices.Equal(got, g.NMSNaN.Keep) {
			t.Errorf("NMS with a NaN score = %v, torchvision %v", got, g.NMSNaN.Keep)
		}
	})
}
