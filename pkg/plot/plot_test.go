package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/plotutil"
)

// decode encodes f as PNG and decodes it back, as a notebook or browser would.
func decode(t *testing.T, f *Figure) image.Image {
	t.Helper()
	data, err := f.PNG()
	if err != nil {
		t.Fatalf("PNG: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding PNG: %v", err)
	}
	return img
}

// countColor counts the pixels of img equal to c.
func countColor(img image.Image, c color.Color) int {
	want := color.RGBAModel.Convert(c).(color.RGBA)
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == want {
				n++
			}
		}
	}
	return n
}

func TestCharts(t *testing.T) {
	loss := Series{Name: "train", Y: []float64{1, 0.5, 0.3, 0.2}}
	val := Series{Name: "val", X: []float64{0, 1, 2, 3}, Y: []float64{1.1, 0.7, math.NaN(), 0.4}}
	tests := []struct {
		name   string
		draw   func() (*Figure, error)
		size   Size
		colors []color.Color // each must colour at least minPx pixels (by hand: lines are 2pt wide)
		minPx  int
	}{
		{"lines one series", func() (*Figure, error) { return Lines(Labels{"loss", "step", "loss"}, []Series{loss}) },
			ChartSize, []color.Color{plotutil.Color(0)}, 200},
		{"lines two series", func() (*Figure, error) { return Lines(Labels{Title: "loss"}, []Series{loss, val}) },
			ChartSize, []color.Color{plotutil.Color(0), plotutil.Color(1)}, 100},
		{"bars", func() (*Figure, error) {
			return Bars(Labels{Title: "accuracy"}, []string{"a", "b", "c"}, []float64{0.9, 0.5, 0.1})
		}, ChartSize, []color.Color{plotutil.Color(0)}, 5000},
		{"heatmap", func() (*Figure, error) {
			return Heatmap(Labels{Title: "confusion"}, []string{"cat", "dog"}, []string{"cat", "dog"}, [][]float64{{50, 2}, {5, 43}})
		}, HeatmapSize, []color.Color{blues{}.Colors()[63], blues{}.Colors()[0]}, 5000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.draw()
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, f)
			if got := img.Bounds().Size(); got != image.Pt(tc.size.Width, tc.size.Height) {
				t.Errorf("size = %v, want %v", got, tc.size)
			}
			for _, c := range tc.colors {
				if n := countColor(img, c); n < tc.minPx {
					t.Errorf("%d pixels of colour %v, want >= %d", n, c, tc.minPx)
				}
			}
		})
	}
}

func TestChartErrors(t *testing.T) {
	tests := []struct {
		name string
		draw func() (*Figure, error)
	}{
		{"lines no series", func() (*Figure, error) { return Lines(Labels{}, nil) }},
		{"lines x y lengths", func() (*Figure, error) {
			return Lines(Labels{}, []Series{{X: []float64{1, 2}, Y: []float64{1}}})
		}},
		{"lines all NaN", func() (*Figure, error) { return Lines(Labels{}, []Series{{Y: []float64{math.NaN()}}}) }},
		{"bars names values", func() (*Figure, error) { return Bars(Labels{}, []string{"a"}, []float64{1, 2}) }},
		{"bars empty", func() (*Figure, error) { return Bars(Labels{}, nil, nil) }},
		{"bars inf", func() (*Figure, error) { return Bars(Labels{}, []string{"a"}, []float64{math.Inf(1)}) }},
		{"heatmap ragged", func() (*Figure, error) {
			return Heatmap(Labels{}, []string{"a", "b"}, []string{"a", "b"}, [][]float64{{1, 2}, {3}})
		}},
		{"heatmap row names", func() (*Figure, error) { return Heatmap(Labels{}, []string{"a"}, []string{"a"}, [][]float64{{1}, {2}}) }},
		{"heatmap no columns", func() (*Figure, error) { return Heatmap(Labels{}, []string{"a"}, nil, [][]float64{{}}) }},
		{"grid no images", func() (*Figure, error) { return ImageGrid(nil, nil, 0) }},
		{"grid titles", func() (*Figure, error) {
			return ImageGrid([]image.Image{image.NewGray(image.Rect(0, 0, 2, 2))}, []string{"a", "b"}, 0)
		}},
		{"tensor channels", func() (*Figure, error) { return TensorGrid(make([]float32, 8), 1, 2, 2, 2, nil, 0) }},
		{"tensor length", func() (*Figure, error) { return TensorGrid(make([]float32, 3), 1, 2, 2, 1, nil, 0) }},
		{"boxes scale", func() (*Figure, error) { return DrawBoxes(image.NewGray(image.Rect(0, 0, 2, 2)), nil, 0) }},
		{"boxes inverted", func() (*Figure, error) {
			return DrawBoxes(image.NewGray(image.Rect(0, 0, 2, 2)), []Box{{X1: 2, X2: 1, Y2: 1}}, 1)
		}},
		{"boxes NaN", func() (*Figure, error) {
			return DrawBoxes(image.NewGray(image.Rect(0, 0, 2, 2)), []Box{{X1: float32(math.NaN()), X2: 1, Y2: 1}}, 1)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f, err := tc.draw(); err == nil {
				t.Errorf("got a %v figure, want an error", f.Bounds())
			}
		})
	}
}

func TestHeatmapAllEqual(t *testing.T) {
	// A matrix of zeros (a class never seen) must still draw, in the palette's lightest colour.
	f, err := Heatmap(Labels{}, []string{"a", "b"}, []string{"a", "b"}, [][]float64{{0, 0}, {0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if n := countColor(decode(t, f), blues{}.Colors()[0]); n < 5000 {
		t.Errorf("%d pixels of the lightest colour, want >= 5000", n)
	}
}

func TestTensorImages(t *testing.T) {
	tests := []struct {
		name     string
		pixels   []float32
		channels int
		x, y     int
		want     color.RGBA
	}{
		// Expected bytes by hand: round(v*255), clamped.
		{"grey half", []float32{0, 0.5, 1, 2}, 1, 1, 0, color.RGBA{128, 128, 128, 255}},
		{"grey clamp above", []float32{0, 0.5, 1, 2}, 1, 1, 1, color.RGBA{255, 255, 255, 255}},
		{"grey clamp below", []float32{-1, 0.5, 1, 2}, 1, 0, 0, color.RGBA{0, 0, 0, 255}},
		{"rgb", []float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6}, 3, 1, 1, color.RGBA{51, 102, 153, 255}},
		{"rgb channel order", []float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6}, 3, 1, 0, color.RGBA{0, 255, 0, 255}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			imgs, err := TensorImages(tc.pixels, 1, 2, 2, tc.channels)
			if err != nil {
				t.Fatal(err)
			}
			if got := color.RGBAModel.Convert(imgs[0].At(tc.x, tc.y)); got != tc.want {
				t.Errorf("pixel (%d, %d) = %v, want %v", tc.x, tc.y, got, tc.want)
			}
		})
	}
}

func TestImageGridLayout(t *testing.T) {
	// Two 28x28 images, one white and one black, with titles, in 2 columns. By hand: scale
	// 84/28 = 3, cells 84x84, titles 15 px, padding 4: 4+2*(84+4) = 180 wide, 4+84+15+4 = 107 high.
	white := image.NewGray(image.Rect(0, 0, 28, 28))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	black := image.NewGray(image.Rect(0, 0, 28, 28))
	f, err := ImageGrid([]image.Image{white, black}, []string{"white", "black"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, f)
	if got, want := img.Bounds().Size(), image.Pt(180, 107); got != want {
		t.Fatalf("size = %v, want %v", got, want)
	}
	// The black image occupies x in [92, 176), y in [19, 103).
	for _, p := range []image.Point{{92, 19}, {175, 102}, {130, 60}} {
		if got := color.GrayModel.Convert(img.At(p.X, p.Y)).(color.Gray).Y; got != 0 {
			t.Errorf("pixel %v = %d, want 0 (black image)", p, got)
		}
	}
	for _, p := range []image.Point{{91, 60}, {176, 60}, {130, 103}} {
		if got := color.GrayModel.Convert(img.At(p.X, p.Y)).(color.Gray).Y; got != 255 {
			t.Errorf("pixel %v = %d, want 255 (padding)", p, got)
		}
	}
	// The title is drawn in black above the white image: some dark pixels in its title band.
	dark := 0
	for y := 4; y < 19; y++ {
		for x := 4; x < 88; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				dark++
			}
		}
	}
	if dark == 0 {
		t.Errorf("no dark pixels in the first title band, want the text \"white\"")
	}
}

func TestDrawBoxes(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 10, 10)) // black
	red := color.RGBA{255, 0, 0, 255}
	boxes := []Box{
		{X1: 1, Y1: 1, X2: 5, Y2: 5, Label: "7", Color: red},
		{X1: 8, Y1: 8, X2: 20, Y2: 20, Color: red}, // extends past the image: clipped
	}
	f, err := DrawBoxes(src, boxes, 4)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, f)
	if got, want := img.Bounds().Size(), image.Pt(40, 40); got != want {
		t.Fatalf("size = %v, want %v", got, want)
	}
	// By hand: box 0 scaled is [4, 20) x [4, 20), outline 2 px inside it.
	tests := []struct {
		name string
		p    image.Point
		want color.RGBA
	}{
		{"top-left corner", image.Pt(4, 19), red},
		{"right edge inner pixel", image.Pt(18, 12), red},
		{"inside stays black", image.Pt(16, 17), color.RGBA{0, 0, 0, 255}},
		{"outside stays black", image.Pt(2, 30), color.RGBA{0, 0, 0, 255}},
		{"clipped box left edge", image.Pt(32, 36), red},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := color.RGBAModel.Convert(img.At(tc.p.X, tc.p.Y)); got != tc.want {
				t.Errorf("pixel %v = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
	if got := color.GrayModel.Convert(src.At(2, 1)).(color.Gray).Y; got != 0 {
		t.Errorf("source image modified: pixel (2, 1) = %d, want 0", got)
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loss.png")
	f, err := Lines(Labels{Title: "loss"}, []Series{{Y: []float64{3, 2, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second save replaces the first
		if err := f.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("saved file does not decode: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1 (no temporary files left)", len(entries))
	}
	if err := f.Save(filepath.Join(dir, "missing", "x.png")); err == nil {
		t.Errorf("Save into a missing directory succeeded, want an error")
	}
}

func TestBarsHeightsFollowValues(t *testing.T) {
	// Values 0.5, 1, 0.25 (by hand): the middle bar is the tallest and the right one the shortest.
	f, err := Bars(Labels{Title: "bars"}, []string{"a", "b", "c"}, []float64{0.5, 1, 0.25})
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, f)
	want := color.RGBAModel.Convert(plotutil.Color(0)).(color.RGBA)
	tallest := func(x0, x1 int) int { // the tallest run of bar colour in columns [x0, x1)
		best := 0
		for x := x0; x < x1; x++ {
			n := 0
			for y := 0; y < img.Bounds().Dy(); y++ {
				if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == want {
					n++
				}
			}
			best = max(best, n)
		}
		return best
	}
	w := img.Bounds().Dx()
	left, mid, right := tallest(60, w/3+20), tallest(w/3+20, 2*w/3), tallest(2*w/3, w)
	if !(mid > left && left > right && right > 0) {
		t.Errorf("bar heights left %d, middle %d, right %d px; want middle > left > right > 0", left, mid, right)
	}
	// Heights are proportional within a few pixels: left is half the middle.
	if d := left*2 - mid; d < -6 || d > 6 {
		t.Errorf("left bar %d px, middle %d px; want left = middle/2 within 3 px", left, mid)
	}
}
