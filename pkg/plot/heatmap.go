package plot

import (
	"fmt"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Heatmap draws a matrix as coloured cells with each cell's value written in it: a confusion
// matrix when rows are true classes and columns predicted classes (scikit-learn 1.2's layout).
// Row 0 is drawn at the top. Whole numbers print without decimals, others with two.
func Heatmap(l Labels, rowNames, colNames []string, values [][]float64) (*Figure, error) {
	if len(values) == 0 || len(values) != len(rowNames) {
		return nil, fmt.Errorf("plot: Heatmap %q: %d rows and %d row names, want the same non-zero number", l.Title, len(values), len(rowNames))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for r, row := range values {
		if len(row) != len(colNames) {
			return nil, fmt.Errorf("plot: Heatmap %q: row %d has %d values, want %d (one per column name)", l.Title, r, len(row), len(colNames))
		}
		for c, v := range row {
			if !isFinite(v) {
				return nil, fmt.Errorf("plot: Heatmap %q: value [%d][%d] is %v, want a finite number", l.Title, r, c, v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if len(colNames) == 0 {
		return nil, fmt.Errorf("plot: Heatmap %q: no columns", l.Title)
	}
	if hi == lo {
		hi = lo + 1
	}
	g := grid{values: values}
	h := plotter.NewHeatMap(g, blues{})
	h.Min, h.Max = lo, hi

	var light, dark plotter.XYLabels
	for r, row := range values {
		for c, v := range row {
			xy := plotter.XY{X: g.X(c), Y: g.rowY(r)}
			s := formatValue(v)
			if (v-lo)/(hi-lo) > 0.5 {
				dark.XYs, dark.Labels = append(dark.XYs, xy), append(dark.Labels, s)
			} else {
				light.XYs, light.Labels = append(light.XYs, xy), append(light.Labels, s)
			}
		}
	}
	p := newPlot(l)
	p.Add(h)
	for _, set := range []struct {
		xy  plotter.XYLabels
		ink color.Color
	}{{light, color.Black}, {dark, color.White}} {
		if len(set.xy.XYs) == 0 {
			continue
		}
		labels, err := plotter.NewLabels(set.xy)
		if err != nil {
			return nil, fmt.Errorf("plot: Heatmap %q: %w", l.Title, err)
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Color = set.ink
			labels.TextStyle[i].XAlign = text.XCenter
			labels.TextStyle[i].YAlign = text.YCenter
			labels.TextStyle[i].Font.Size = vg.Points(11)
		}
		p.Add(labels)
	}
	p.X.Tick.Marker = names(colNames, func(c int) float64 { return g.X(c) })
	p.Y.Tick.Marker = names(rowNames, func(r int) float64 { return g.rowY(r) })
	p.X.Min, p.X.Max = -0.5, float64(len(colNames))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(rowNames))-0.5
	return render(p, HeatmapSize)
}

// grid adapts a row-major matrix to gonum's GridXYZ with row 0 at the top.
type grid struct{ values [][]float64 }

func (g grid) Dims() (c, r int)   { return len(g.values[0]), len(g.values) }
func (g grid) Z(c, r int) float64 { return g.values[len(g.values)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// rowY is where matrix row i is drawn: row 0 at the top.
func (g grid) rowY(i int) float64 { return float64(len(g.values) - 1 - i) }

// names places one tick label per name at the position pos(i).
func names(labels []string, pos func(int) float64) gplot.ConstantTicks {
	ticks := make(gplot.ConstantTicks, len(labels))
	for i, s := range labels {
		ticks[i] = gplot.Tick{Value: pos(i), Label: s}
	}
	return ticks
}

// blues is a white-to-dark-blue palette, readable in print and by colour-blind students.
type blues struct{}

func (blues) Colors() []color.Color {
	const n = 64
	cs := make([]color.Color, n)
	for i := range cs {
		t := float64(i) / (n - 1)
		cs[i] = color.RGBA{
			R: uint8(247 - t*(247-8)),
			G: uint8(251 - t*(251-48)),
			B: uint8(255 - t*(255-107)),
			A: 255,
		}
	}
	return cs
}

// formatValue prints whole numbers (counts) without decimals and other values with two.
func formatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.2f", v)
}
