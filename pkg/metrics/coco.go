package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// COCOBox is a box in COCO's [x, y, width, height] layout: pixels, origin top-left, no +1 pixel.
type COCOBox [4]float64

// Area returns width×height, the area pycocotools gives a detection.
func (b COCOBox) Area() float64 { return b[2] * b[3] }

// GroundTruth is one annotated object.
type GroundTruth struct {
	// ID is the annotation id; pycocotools treats a match to id 0 as no match, and so does this
	// package (see EvaluateCOCO).
	ID int64
	// Image and Category are the image and category ids.
	Image, Category int64
	// Box is the object's box.
	Box COCOBox
	// Area decides the object's area range (small, medium, large); in COCO files it is the
	// segmentation's area, not the box's.
	Area float64
	// Crowd marks an iscrowd region: detections inside it are neither rewarded nor penalized.
	Crowd bool
}

// Detection is one predicted box with its confidence.
type Detection struct {
	Image, Category int64
	Box             COCOBox
	Score           float64
}

// COCOCategory is one entry of a COCO file's "categories" list.
type COCOCategory struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// COCODataset is the part of a COCO instances file that evaluation needs.
type COCODataset struct {
	// Images holds the distinct image ids in file order.
	Images []int64
	// Categories holds the distinct categories in file order.
	Categories []COCOCategory
	// Annotations holds the objects in file order.
	Annotations []GroundTruth
}

// maxCOCOBytes bounds what the readers accept, so hostile input cannot exhaust memory.
const maxCOCOBytes = 2 << 30

type cocoFile struct {
	Images      []*cocoImage      `json:"images"`
	Categories  []*cocoCategory   `json:"categories"`
	Annotations []*cocoAnnotation `json:"annotations"`
}

type cocoCategory struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
}

type cocoImage struct {
	ID *int64 `json:"id"`
}

type cocoAnnotation struct {
	ID         *int64    `json:"id"`
	ImageID    *int64    `json:"image_id"`
	CategoryID *int64    `json:"category_id"`
	BBox       []float64 `json:"bbox"`
	Area       *float64  `json:"area"`
	IsCrowd    flexBool  `json:"iscrowd"`
}

type cocoResult struct {
	ImageID    *int64    `json:"image_id"`
	CategoryID *int64    `json:"category_id"`
	BBox       []float64 `json:"bbox"`
	Score      *float64  `json:"score"`
}

// flexBool accepts iscrowd written as 0/1 or false/true.
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "0", "false", "null":
		*f = false
	case "1", "true":
		*f = true
	default:
		return fmt.Errorf("iscrowd is %s, want 0, 1, false or true", b)
	}
	return nil
}

// ReadCOCOGroundTruth parses a COCO instances file ("images", "categories", "annotations"). Ids must
// be integers; every image and category needs an "id"; every annotation needs "id", "image_id",
// "category_id" and a 4-number "bbox" with non-negative width and height, must refer to a listed
// image and category, and may not have a negative "area"; annotation ids must be distinct. A
// missing "area" becomes the box area and a missing "iscrowd" 0 (pycocotools would fail on either).
// Repeated image or category ids are kept once, as pycocotools' index does. A file that is JSON
// null, or a null entry, is an error. Malformed input is an error, never a panic.
func ReadCOCOGroundTruth(r io.Reader) (*COCODataset, error) {
	var f *cocoFile
	if err := decodeStrict(r, &f); err != nil {
		return nil, fmt.Errorf("metrics: reading COCO ground truth: %w", err)
	}
	if f == nil {
		return nil, errors.New(`metrics: COCO ground truth is null, want an object with "images", "categories" and "annotations"`)
	}
	ds := &COCODataset{}
	seenImg := make(map[int64]bool, len(f.Images))
	for i, im := range f.Images {
		if im == nil || im.ID == nil {
			return nil, fmt.Errorf("metrics: COCO ground truth: images[%d] has no \"id\"", i)
		}
		if !seenImg[*im.ID] {
			seenImg[*im.ID] = true
			ds.Images = append(ds.Images, *im.ID)
		}
	}
	seenCat := make(map[int64]bool, len(f.Categories))
	for i, c := range f.Categories {
		if c == nil || c.ID == nil {
			return nil, fmt.Errorf("metrics: COCO ground truth: categories[%d] has no \"id\"", i)
		}
		if !seenCat[*c.ID] {
			seenCat[*c.ID] = true
			ds.Categories = append(ds.Categories, COCOCategory{ID: *c.ID, Name: c.Name})
		}
	}
	seenAnn := make(map[int64]bool, len(f.Annotations))
	ds.Annotations = make([]GroundTruth, 0, len(f.Annotations))
	for i, a := range f.Annotations {
		if a == nil || a.ID == nil || a.ImageID == nil || a.CategoryID == nil {
			return nil, fmt.Errorf("metrics: COCO ground truth: annotations[%d] lacks \"id\", \"image_id\" or \"category_id\"", i)
		}
		if seenAnn[*a.ID] {
			return nil, fmt.Errorf("metrics: COCO ground truth: annotation id %d appears twice, want distinct ids", *a.ID)
		}
		seenAnn[*a.ID] = true
		box, err := parseBox(a.BBox)
		if err != nil {
			return nil, fmt.Errorf("metrics: COCO ground truth: annotations[%d] (id %d): %w", i, *a.ID, err)
		}
		area := box.Area()
		if a.Area != nil {
			area = *a.Area
		}
		g := GroundTruth{ID: *a.ID, Image: *a.ImageID, Category: *a.CategoryID, Box: box, Area: area, Crowd: bool(a.IsCrowd)}
		if err := checkGroundTruth(g, seenImg, seenCat); err != nil {
			return nil, fmt.Errorf("metrics: COCO ground truth: annotations[%d] (id %d): %w", i, *a.ID, err)
		}
		ds.Annotations = append(ds.Annotations, g)
	}
	return ds, nil
}

// ReadCOCODetections parses a COCO results file: a JSON list of {"image_id", "category_id", "bbox",
// "score"}. Every field is required; ids are integers, bbox has 4 numbers with non-negative width
// and height. An empty list is allowed (pycocotools fails on it); JSON null, for the file or an
// entry, is an error, so that a detector that wrote null is not read as one that found nothing.
// Malformed input is an error, never a panic.
func ReadCOCODetections(r io.Reader) ([]Detection, error) {
	var rs *[]*cocoResult
	if err := decodeStrict(r, &rs); err != nil {
		return nil, fmt.Errorf("metrics: reading COCO detections: %w", err)
	}
	if rs == nil {
		return nil, errors.New("metrics: COCO detections are null, want a JSON list of detections ([] for none)")
	}
	out := make([]Detection, len(*rs))
	for i, d := range *rs {
		if d == nil {
			return nil, fmt.Errorf("metrics: COCO detections: entry %d is null, want an object", i)
		}
		if d.ImageID == nil || d.CategoryID == nil || d.Score == nil {
			return nil, fmt.Errorf("metrics: COCO detections: entry %d lacks \"image_id\", \"category_id\" or \"score\"", i)
		}
		box, err := parseBox(d.BBox)
		if err != nil {
			return nil, fmt.Errorf("metrics: COCO detections: entry %d: %w", i, err)
		}
		out[i] = Detection{Image: *d.ImageID, Category: *d.CategoryID, Box: box, Score: *d.Score}
	}
	return out, nil
}

// checkGroundTruth returns why g cannot be evaluated against the images and categories listed as
// keys of the maps: an unlisted image or category (pycocotools would leave the annotation out
// without a word), or a negative or NaN area.
func checkGroundTruth[V any](g GroundTruth, images, categories map[int64]V) error {
	if _, ok := images[g.Image]; !ok {
		return fmt.Errorf("image_id %d is not in the ground truth's images", g.Image)
	}
	if _, ok := categories[g.Category]; !ok {
		return fmt.Errorf("category_id %d is not in the ground truth's categories", g.Category)
	}
	if !(g.Area >= 0) {
		return fmt.Errorf("area %v, want a number >= 0", g.Area)
	}
	return nil
}

func parseBox(b []float64) (COCOBox, error) {
	if len(b) != 4 {
		return COCOBox{}, fmt.Errorf("bbox has %d numbers, want 4 (x, y, width, height)", len(b))
	}
	var box COCOBox
	copy(box[:], b)
	for _, v := range box {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return COCOBox{}, fmt.Errorf("bbox %v is not finite", b)
		}
	}
	if box[2] < 0 || box[3] < 0 {
		return COCOBox{}, fmt.Errorf("bbox %v has a negative width or height, want [x, y, width, height]", b)
	}
	return box, nil
}

// decodeStrict decodes one JSON value from r into v and rejects trailing data and oversized input.
func decodeStrict(r io.Reader, v any) error {
	lr := &io.LimitedReader{R: r, N: maxCOCOBytes + 1}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return fmt.Errorf("input larger than %d bytes", int64(maxCOCOBytes))
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
