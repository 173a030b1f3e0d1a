package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// DPI is the resolution at which charts are drawn: vg lengths become pixels at this many per inch.
const DPI = 96

// Size is a figure's size in pixels.
type Size struct {
	Width, Height int
}

// Default sizes, chosen to read well in a notebook cell and on a projected slide.
var (
	// ChartSize is the size of line and bar charts.
	ChartSize = Size{Width: 640, Height: 400}
	// HeatmapSize is the size of a confusion matrix.
	HeatmapSize = Size{Width: 560, Height: 480}
)

// Labels are a chart's title and axis names; any may be empty.
type Labels struct {
	Title, X, Y string
}

// Figure is a finished figure: an RGBA raster ready to encode as PNG.
type Figure struct {
	// Image is the rendered figure; its bounds start at (0, 0).
	Image *image.RGBA
}

// Bounds returns the figure's pixel rectangle.
func (f *Figure) Bounds() image.Rectangle { return f.Image.Bounds() }

// PNG returns the figure encoded as PNG, for gonbui.DisplayPNG in a notebook.
func (f *Figure) PNG() ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, f.Image); err != nil {
		return nil, fmt.Errorf("plot: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// Save writes the figure as a PNG file at path atomically: it writes a temporary file in the same
// directory and renames it over path, so path holds either the old file or the whole new one.
func (f *Figure) Save(path string) error {
	data, err := f.PNG()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path through a temporary file in the same directory and a rename.
// The parent directory must exist.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("plot: writing %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("plot: writing %s: %w", path, err)
	}
	return nil
}
