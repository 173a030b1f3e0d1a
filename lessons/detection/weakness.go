package detection

import (
	"fmt"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/detect"
)

// CrowdedDigits returns n images of small, crowded digits to show YOLO v1's weaknesses: 10 to 16
// digits of 8 to 14 pixels on the usual 96x96 canvas (boxes overlapping by IoU <= 0.2), from MNIST's
// test digits with a seed of its own, so that several digit centres often fall in one YOLO cell (16
// pixels in the quick preset's 6x6 grid, 8 in the full preset's 12x12).
func CrowdedDigits(n int) (*datasets.Detection, error) {
	cfg := datasets.DefaultDigitsConfig()
	cfg.MinDigits, cfg.MaxDigits, cfg.MinSize, cfg.MaxSize, cfg.MaxIoU, cfg.Clutter = 10, 16, 8, 14, 0.2, 0
	cfg.Seed = datasets.ValidationSeed + 1
	return testDigits(n, cfg)
}

// SmallDigits returns n images of 1 to 4 small digits, 8 to 12 pixels (the training digits are 16 to
// 40), apart as in the validation split: YOLO v1's second weakness, small objects, without the
// crowding of CrowdedDigits. From MNIST's test digits with a seed of its own.
func SmallDigits(n int) (*datasets.Detection, error) {
	cfg := datasets.DefaultDigitsConfig()
	cfg.MinSize, cfg.MaxSize = 8, 12
	cfg.Seed = datasets.ValidationSeed + 2
	return testDigits(n, cfg)
}

// StretchedDigits returns n images of 1 to 4 digits stretched to twice their width: digits of 16 to
// 40 pixels generated on a canvas half as wide, then every image resampled to the usual 96x96 (linear
// interpolation along x) with its boxes, so each digit is about twice as wide as high, a shape the
// training images never show: YOLO v1's third weakness, unusual aspect ratios (Redmon et al. 2016,
// section 2.4). From MNIST's test digits with a seed of its own.
func StretchedDigits(n int) (*datasets.Detection, error) {
	cfg := datasets.DefaultDigitsConfig()
	cfg.Width = cfg.Width / 2
	cfg.MaxSize = min(cfg.MaxSize, cfg.Width)
	cfg.Seed = datasets.ValidationSeed + 3
	d, err := testDigits(n, cfg)
	if err != nil {
		return nil, err
	}
	return stretchX(d, 2), nil
}

// testDigits generates n detection images from MNIST's test digits.
func testDigits(n int, cfg datasets.DigitsConfig) (*datasets.Detection, error) {
	src, err := datasets.LoadMNIST(datasets.Test)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	d, err := datasets.GenerateDigits(src, n, cfg)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	return d, nil
}

// stretchX returns d with every image and box stretched factor times along x (single-channel
// images, linear interpolation between pixel centres).
func stretchX(d *datasets.Detection, factor int) *datasets.Detection {
	in := d.Images
	w := in.Width * factor
	out := &datasets.Images{N: in.N, Height: in.Height, Width: w, Channels: 1, ClassNames: in.ClassNames,
		Pixels: make([]float32, in.N*in.Height*w)}
	for i := range in.N {
		src, dst := in.Image(i), out.Pixels[i*in.Height*w:(i+1)*in.Height*w]
		for y := range in.Height {
			for x := range w {
				sx := min(max((float32(x)+0.5)/float32(factor)-0.5, 0), float32(in.Width-1))
				x0 := int(sx)
				x1 := min(x0+1, in.Width-1)
				f := sx - float32(x0)
				dst[y*w+x] = (1-f)*src[y*in.Width+x0] + f*src[y*in.Width+x1]
			}
		}
	}
	objects := make([][]datasets.Object, len(d.Objects))
	for i, objs := range d.Objects {
		for _, o := range objs {
			o.Box.X1, o.Box.X2 = o.Box.X1*float32(factor), o.Box.X2*float32(factor)
			objects[i] = append(objects[i], o)
		}
	}
	return &datasets.Detection{Images: out, Objects: objects}
}

// WeaknessSet is one of the sets YOLO v1's weaknesses are measured on.
type WeaknessSet struct {
	// Name is "crowded", "small" or "stretched".
	Name string
	// Make returns n images of the set.
	Make func(n int) (*datasets.Detection, error) `json:"-"`
}

// WeaknessSets returns the three sets of the note's YOLO weaknesses: several objects in one cell
// (CrowdedDigits), small objects (SmallDigits) and unusual box shapes (StretchedDigits).
func WeaknessSets() []WeaknessSet {
	return []WeaknessSet{{"crowded", CrowdedDigits}, {"small", SmallDigits}, {"stretched", StretchedDigits}}
}

// CellCollisions counts the objects of d and those that YOLOGrid.Encode drops because an earlier
// object's centre is already in their cell: objects YOLO v1 cannot learn or predict, whatever its
// training.
func CellCollisions(grid detect.YOLOGrid, d *datasets.Detection) (objects, dropped int) {
	for _, objs := range d.Objects {
		_, n := grid.Encode(objectsOf(objs))
		objects += len(objs)
		dropped += n
	}
	return objects, dropped
}

// Recall returns the fraction of the objects of d that dets (dets[i] for image i) find: same class
// and IoU >= 0.5, each object matched at most once, as countMatches counts true positives.
func Recall(d *datasets.Detection, dets [][]detect.Detection) float64 {
	found, total := 0, 0
	for i := range dets {
		objects := objectsOf(d.Objects[i])
		tp, _ := countMatches(dets[i], objects)
		found += tp
		total += len(objects)
	}
	if total == 0 {
		return 0
	}
	return float64(found) / float64(total)
}

// Objects returns image i's ground truth in package detect's types.
func Objects(d *datasets.Detection, i int) []detect.Object { return objectsOf(d.Objects[i]) }

// WeaknessRecall is recall@0.5 of every trained detector on one set of images.
type WeaknessRecall struct {
	// Set is "validation" or a WeaknessSet's name; Images and Objects count its images and digits.
	Set     string `json:"set"`
	Images  int    `json:"images"`
	Objects int    `json:"objects"`
	// Recall[m] is model m's recall@0.5 (DetectorReport.Models' order), Kept[m] the share of its
	// recall on the validation images that it keeps here: Recall[m] divided by that recall (0 when it
	// is 0). The share, not the difference, compares models whose validation recalls differ: a model
	// cannot lose more than it had.
	Recall []float64 `json:"recall50"`
	Kept   []float64 `json:"kept"`
}

// measureWeaknesses measures every trained model's recall on the validation images and on n images
// of each weakness set.
func (r *DetectorReport) measureWeaknesses(n int) error {
	sets := []WeaknessRecall{{Set: "validation"}}
	data := []*datasets.Detection{r.val}
	for _, s := range WeaknessSets() {
		d, err := s.Make(n)
		if err != nil {
			return err
		}
		sets, data = append(sets, WeaknessRecall{Set: s.Name}), append(data, d)
	}
	for k, d := range data {
		sets[k].Images = d.Images.N
		for _, objs := range d.Objects {
			sets[k].Objects += len(objs)
		}
		for m, model := range r.Models {
			dets := r.valDets[m] // the detections the model was measured with
			if k > 0 {
				var err error
				if dets, err = r.Detections(model.Model, d); err != nil {
					return err
				}
			}
			sets[k].Recall = append(sets[k].Recall, Recall(d, dets))
		}
		for m := range r.Models {
			kept := 0.0
			if v := sets[0].Recall[m]; v > 0 {
				kept = sets[k].Recall[m] / v
			}
			sets[k].Kept = append(sets[k].Kept, kept)
		}
	}
	r.Weaknesses = sets
	return nil
}

// Detections runs the trained model named model (a ModelStats.Model of the report) on every image of
// d and returns its detections after NMS.
func (r *DetectorReport) Detections(model string, d *datasets.Detection) ([][]detect.Detection, error) {
	var dets [][]detect.Detection
	var err error
	switch model {
	case "YOLO v1":
		return r.YOLODetections(d, true)
	case "R-CNN":
		return r.RCNNDetections(d)
	case "R-CNN (SVM)":
		_, dets, err = EvaluateRCNN(r.backend, r.rcnnCtx, r.cfg.RCNN, d, r.svms)
	case "Fast R-CNN":
		_, dets, err = EvaluateFastRCNN(r.backend, r.fastCtx, r.cfg.FastRCNN, d)
	case "Faster R-CNN":
		return r.FasterRCNNDetections(d)
	default:
		return nil, fmt.Errorf("detection: no trained model %q in this run", model)
	}
	return dets, err
}

// WeaknessTable prints the recall of every model on each set.
func (r *DetectorReport) WeaknessTable() string {
	if len(r.Weaknesses) == 0 {
		return ""
	}
	s := fmt.Sprintf("%-12s", "recall@0.5")
	for _, m := range r.Models {
		s += fmt.Sprintf(" %13s", m.Model)
	}
	s += "\n"
	for _, w := range r.Weaknesses {
		s += fmt.Sprintf("%-12s", w.Set)
		for m, v := range w.Recall {
			s += fmt.Sprintf(" %13s", fmt.Sprintf("%.3f (%.0f%%)", v, 100*w.Kept[m]))
		}
		s += "\n"
	}
	return s + "(in brackets: the share of the model's validation recall kept)\n"
}
