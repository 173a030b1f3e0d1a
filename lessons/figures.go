package lessons

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

// Figure is a figure a lesson writes: its file name and the function that draws it.
type Figure struct {
	// Name is the PNG file name, e.g. "vgg_accuracy.png".
	Name string
	// Draw makes the figure.
	Draw func() (*plot.Figure, error)
}

// SaveFigures draws each figure and writes it to dir (created if needed) as a PNG, atomically. It
// returns the paths written, in order; on error, the paths written so far and the error.
func SaveFigures(dir string, figs ...Figure) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lessons: %w", err)
	}
	var paths []string
	for _, fig := range figs {
		f, err := fig.Draw()
		if err != nil {
			return paths, fmt.Errorf("lessons: figure %s: %w", fig.Name, err)
		}
		path := filepath.Join(dir, fig.Name)
		if err := f.Save(path); err != nil {
			return paths, fmt.Errorf("lessons: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
