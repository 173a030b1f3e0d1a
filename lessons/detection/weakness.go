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
	src, err := datasets.LoadMNIST(datasets.Test)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	cfg := datasets.DefaultDigitsConfig()
	cfg.MinDigits, cfg.MaxDigits, cfg.MinSize, cfg.MaxSize, cfg.MaxIoU, cfg.Clutter = 10, 16, 8, 14, 0.2, 0
	cfg.Seed = datasets.ValidationSeed + 1
	d, err := datasets.GenerateDigits(src, n, cfg)
	if err != nil {
		return nil, fmt.Errorf("detection: %w", err)
	}
	return d, nil
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
