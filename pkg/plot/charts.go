package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one named line of a line chart.
type Series struct {
	// Name is shown in the legend; a chart whose series are all unnamed has no legend.
	Name string
	// X are the horizontal coordinates; nil means 0, 1, 2, ... (steps or epochs).
	X []float64
	// Y are the values; NaN and ±Inf points are left out of the line.
	Y []float64
}

// Lines draws one line per series (loss or accuracy curves), each in its own colour and dash.
func Lines(l Labels, series []Series) (*Figure, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("plot: Lines %q: no series", l.Title)
	}
	p := newPlot(l)
	named := false
	for i, s := range series {
		if s.X != nil && len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("plot: Lines %q: series %q has %d x values and %d y values", l.Title, s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, 0, len(s.Y))
		for j, y := range s.Y {
			x := float64(j)
			if s.X != nil {
				x = s.X[j]
			}
			if isFinite(x) && isFinite(y) {
				pts = append(pts, plotter.XY{X: x, Y: y})
			}
		}
		if len(pts) == 0 {
			return nil, fmt.Errorf("plot: Lines %q: series %q has no finite points", l.Title, s.Name)
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plot: Lines %q: series %q: %w", l.Title, s.Name, err)
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i)
		line.Width = vg.Points(2)
		p.Add(line)
		if s.Name != "" {
			p.Legend.Add(s.Name, line)
			named = true
		}
	}
	p.Add(plotter.NewGrid())
	if named {
		p.Legend.Top = true
	}
	return render(p, ChartSize)
}

// Bars draws one bar per value, labelled by names along the horizontal axis.
func Bars(l Labels, names []string, values []float64) (*Figure, error) {
	if len(values) == 0 || len(names) != len(values) {
		return nil, fmt.Errorf("plot: Bars %q: %d names and %d values, want the same non-zero number", l.Title, len(names), len(values))
	}
	for i, v := range values {
		if !isFinite(v) {
			return nil, fmt.Errorf("plot: Bars %q: value %d (%q) is %v, want a finite number", l.Title, i, names[i], v)
		}
	}
	p := newPlot(l)
	// Bars fill 60% of their slot; the plotting area is the figure less about 80 px of axes.
	width := vg.Points(float64(ChartSize.Width-80) * 72 / DPI * 0.6 / float64(len(values)))
	bars, err := plotter.NewBarChart(plotter.Values(values), width)
	if err != nil {
		return nil, fmt.Errorf("plot: Bars %q: %w", l.Title, err)
	}
	bars.Color = plotutil.Color(0)
	bars.LineStyle.Width = 0
	// Each bar's value above it, so a reader need not estimate it from the axis.
	var xy plotter.XYLabels
	for i, v := range values {
		xy.XYs = append(xy.XYs, plotter.XY{X: float64(i), Y: v})
		xy.Labels = append(xy.Labels, fmt.Sprintf("%.3g", v))
	}
	labels, err := plotter.NewLabels(xy)
	if err != nil {
		return nil, fmt.Errorf("plot: Bars %q: %w", l.Title, err)
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].XAlign = text.XCenter
		labels.Offset.Y = vg.Points(3)
	}
	p.Add(plotter.NewGrid(), bars, labels)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(values))-0.5
	p.Y.Min = math.Min(0, p.Y.Min)
	p.Y.Max *= 1.1 // room for the labels
	return render(p, ChartSize)
}

// newPlot returns an empty gonum plot with the labels set.
func newPlot(l Labels) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = l.Title
	p.X.Label.Text = l.X
	p.Y.Label.Text = l.Y
	return p
}

// render draws p onto an RGBA raster of the given size in pixels.
func render(p *gplot.Plot, size Size) (*Figure, error) {
	c := vgimg.NewWith(
		vgimg.UseWH(vg.Length(size.Width)*vg.Inch/DPI, vg.Length(size.Height)*vg.Inch/DPI),
		vgimg.UseDPI(DPI),
		vgimg.UseBackgroundColor(color.White),
	)
	p.Draw(vgdraw.New(c))
	src := c.Image()
	img := image.NewRGBA(image.Rect(0, 0, size.Width, size.Height))
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	return &Figure{Image: img}, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
