package lessons

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

func TestSaveFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	draw := func() (*plot.Figure, error) {
		return plot.Bars(plot.Labels{Title: "t"}, []string{"a", "b"}, []float64{1, 2})
	}
	paths, err := SaveFigures(dir, Figure{Name: "one.png", Draw: draw}, Figure{Name: "two.png", Draw: draw})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("SaveFigures wrote %q, want two paths", paths)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s is not a PNG: %v", p, err)
		}
		f.Close()
	}
	_, err = SaveFigures(dir, Figure{Name: "bad.png", Draw: func() (*plot.Figure, error) { return nil, errors.New("no data") }})
	if err == nil || !strings.Contains(err.Error(), "bad.png") {
		t.Errorf("SaveFigures with a failing figure: error %v, want one naming bad.png", err)
	}
}
