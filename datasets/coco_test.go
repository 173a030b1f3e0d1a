package datasets

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExportLoadCOCORoundTrip(t *testing.T) {
	cfg := DigitsConfig{Width: 40, Height: 32, MinDigits: 1, MaxDigits: 3, MinSize: 10, MaxSize: 20, MaxIoU: 0.2, Clutter: 1, Seed: 3}
	det, err := GenerateDigits(blobSource(), 6, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := det.ExportCOCO(dir); err != nil {
		t.Fatal(err)
	}
	// The JSON follows COCO: ids from 1, category id = class+1, bbox [x, y, w, h].
	raw, _ := os.ReadFile(filepath.Join(dir, "annotations.json"))
	var c COCO
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	a0, o0 := c.Annotations[0], det.Objects[0][0]
	if a0.ID != 1 || a0.ImageID != 1 || a0.CategoryID != int64(o0.Class+1) ||
		!slices.Equal(a0.BBox, []float64{float64(o0.Box.X1), float64(o0.Box.Y1), float64(o0.Box.Width()), float64(o0.Box.Height())}) {
		t.Errorf("first annotation %+v, want image 1, category %d, box %+v as xywh", a0, o0.Class+1, o0.Box)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	back, err := LoadCOCO(filepath.Join(dir, "annotations.json"), filepath.Join(dir, "images"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if back.Images.N != det.Images.N || !slices.Equal(back.Images.ClassNames, det.Images.ClassNames) || !slices.Equal(back.FileNames, det.FileNames) {
		t.Fatalf("loaded N=%d classes %v files %v", back.Images.N, back.Images.ClassNames, back.FileNames)
	}
	for i := range det.Objects {
		if !slices.Equal(back.Objects[i], det.Objects[i]) {
			t.Errorf("image %d objects %v, want %v", i, back.Objects[i], det.Objects[i])
		}
	}
	// PNG stores 8 bits: pixels come back within half a step (0.5/255).
	for i, v := range det.Images.Pixels {
		if d := math.Abs(float64(back.Images.Pixels[i] - v)); d > 0.5/255+1e-6 {
			t.Fatalf("pixel %d = %v, want %v", i, back.Images.Pixels[i], v)
		}
	}
	rgb, err := LoadCOCO(filepath.Join(dir, "annotations.json"), filepath.Join(dir, "images"), 3)
	if err != nil || rgb.Images.Channels != 3 || len(rgb.Images.Pixels) != 3*len(det.Images.Pixels) {
		t.Fatalf("3-channel load: %v", err)
	}
}

func TestReadCOCOHostile(t *testing.T) {
	const okImage = `{"id":1,"file_name":"a.png","width":4,"height":4}`
	const okCat = `{"id":1,"name":"x"}`
	tests := []struct {
		name, json, want string
	}{
		{"valid", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}]}`, ""},
		{"extra fields ignored", `{"info":{},"licenses":[],"images":[],"annotations":[],"categories":[]}`, ""},
		{"not json", `{"images":`, "coco json"},
		{"wrong type", `{"images":{"id":1}}`, "coco json"},
		{"float id", `{"images":[{"id":1.5,"file_name":"a","width":1,"height":1}]}`, "coco json"},
		{"duplicate image", `{"images":[` + okImage + `,` + okImage + `]}`, "image id 1 appears twice"},
		{"duplicate category", `{"categories":[` + okCat + `,` + okCat + `]}`, "category id 1 appears twice"},
		{"zero size", `{"images":[{"id":1,"file_name":"a","width":0,"height":4}]}`, "is 0x4"},
		{"huge size", `{"images":[{"id":1,"file_name":"a","width":100000,"height":4}]}`, "is 100000x4"},
		{"escaping name", `{"images":[{"id":1,"file_name":"../../etc/passwd","width":1,"height":1}]}`, "file_name"},
		{"absolute name", `{"images":[{"id":1,"file_name":"/etc/passwd","width":1,"height":1}]}`, "file_name"},
		{"unknown image", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":2,"category_id":1,"bbox":[0,0,1,1]}]}`, "annotation 7 refers to unknown image 2"},
		{"unknown category", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":1,"category_id":9,"bbox":[0,0,1,1]}]}`, "unknown category 9"},
		{"short bbox", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,1]}]}`, "3 numbers, want 4"},
		{"negative width", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,-1,1]}]}`, "negative width"},
		{"null", `null`, "coco json is null"},
		{"negative area", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":1,"category_id":1,"bbox":[0,0,1,1],"area":-1}]}`, "annotation 7 area -1, want >= 0"},
		{"huge bbox", `{"images":[` + okImage + `],"categories":[` + okCat + `],"annotations":[{"id":7,"image_id":1,"category_id":1,"bbox":[1e300,0,1,1]}]}`, "finite pixel values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCOCO(strings.NewReader(tc.json))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "datasets: coco") {
				t.Errorf("ReadCOCO error = %v, want a datasets: coco error containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadCOCOErrors(t *testing.T) {
	dir := t.TempDir()
	det, _ := GenerateDigits(blobSource(), 2, DigitsConfig{Width: 30, Height: 30, MinDigits: 1, MaxDigits: 1, MinSize: 28, MaxSize: 28})
	if err := det.ExportCOCO(dir); err != nil {
		t.Fatal(err)
	}
	ann := filepath.Join(dir, "annotations.json")
	os.Remove(filepath.Join(dir, "images", "000001.png"))
	tests := []struct {
		name, ann, images string
		channels          int
		want              string
	}{
		{"missing image", ann, filepath.Join(dir, "images"), 1, "000001.png"},
		{"missing json", filepath.Join(dir, "none.json"), dir, 1, "none.json"},
		{"bad channels", ann, dir, 2, "2 channels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadCOCO(tc.ann, tc.images, tc.channels); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadCOCO error = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// FuzzReadCOCO checks that hostile JSON never panics and that accepted data is consistent.
func FuzzReadCOCO(f *testing.F) {
	f.Add(`{"images":[{"id":1,"file_name":"a.png","width":4,"height":4}],"categories":[{"id":1,"name":"x"}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,2,2]}]}`)
	f.Add(`{"images":[{"id":1,"file_name":"../a","width":4,"height":4}]}`)
	f.Add(`{"annotations":[{"bbox":[1e309]}]}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ReadCOCO(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, a := range c.Annotations {
			if len(a.BBox) != 4 || a.BBox[2] < 0 || a.BBox[3] < 0 || a.Area < 0 {
				t.Fatalf("accepted bbox %v", a.BBox)
			}
		}
		for _, im := range c.Images {
			if !safeRelName(im.FileName) {
				t.Fatalf("accepted file name %q", im.FileName)
			}
		}
	})
}
