package augment

import (
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Golden values come from testdata/golden.py (PyTorch 1.13, torchvision 0.14.1 on float32 tensors).

// goldenTol is the largest absolute difference accepted against torchvision: float32 arithmetic done
// in a different order (separable passes, sums) differs by a few ulps; the JSON keeps 7 decimals.
const goldenTol = 2e-6

type goldenImage struct {
	H, W, C int
	Pix     []float32
}

func (g goldenImage) image() *Image {
	return &Image{Pix: g.Pix, Height: g.H, Width: g.W, Channels: g.C}
}

type golden struct {
	Inputs map[string]goldenImage
	Cases  []struct {
		Op    string
		Input string
		Args  struct {
			Size                     []int
			Antialias                bool
			Top, Left, Height, Width int
			Factor                   float64
			Mean, Std                []float32
		}
		Out goldenImage
	}
	ToTensor []struct {
		File string
		Out  goldenImage
	} `json:"to_tensor"`
	RRCFallback []struct {
		Height, Width int
		Scale, Ratio  [2]float64
		Top, Left     int
		H, W          int
	} `json:"rrc_fallback"`
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	return &g
}

// compareImages reports the first difference larger than tol.
func compareImages(got *Image, want goldenImage, tol float64) error {
	if got.Height != want.H || got.Width != want.W || got.Channels != want.C {
		return fmt.Errorf("size %dx%dx%d, want %dx%dx%d", got.Height, got.Width, got.Channels, want.H, want.W, want.C)
	}
	for i, w := range want.Pix {
		if d := math.Abs(float64(got.Pix[i] - w)); !(d <= tol) {
			c := i % want.C
			x := (i / want.C) % want.W
			y := i / want.C / want.W
			return fmt.Errorf("pixel (y %d, x %d, c %d) = %v, want %v (diff %.2g > %.2g)", y, x, c, got.Pix[i], w, d, tol)
		}
	}
	return nil
}

func TestGoldenTorchvision(t *testing.T) {
	g := loadGolden(t)
	if len(g.Cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, c := range g.Cases {
		a := c.Args
		name := fmt.Sprintf("%s/%s/size=%v,antialias=%v,factor=%v", c.Op, c.Input, a.Size, a.Antialias, a.Factor)
		t.Run(name, func(t *testing.T) {
			in := g.Inputs[c.Input].image()
			interp := Bilinear
			if a.Antialias {
				interp = BilinearAntialias
			}
			var got *Image
			switch c.Op {
			case "resize":
				r := Resize{Interpolation: interp}
				if len(a.Size) == 1 {
					r.Size = a.Size[0]
				} else {
					r.Height, r.Width = a.Size[0], a.Size[1]
				}
				got = r.Apply(Sample{Image: in}, nil).Image
			case "resized_crop":
				got = resizeRegion(in, a.Top, a.Left, a.Height, a.Width, a.Size[0], a.Size[1], interp)
			case "center_crop":
				got = CenterCrop{Height: a.Size[0], Width: a.Size[1]}.Apply(Sample{Image: in}, nil).Image
			case "hflip":
				got = HFlip(in)
			case "brightness":
				got = AdjustBrightness(in, a.Factor)
			case "contrast":
				got = AdjustContrast(in, a.Factor)
			case "saturation":
				got = AdjustSaturation(in, a.Factor)
			case "hue":
				got = AdjustHue(in, a.Factor)
			case "normalize":
				got = Normalize{Mean: a.Mean, Std: a.Std}.Apply(Sample{Image: in}, nil).Image
			default:
				t.Fatalf("unknown op %q", c.Op)
			}
			if err := compareImages(got, c.Out, goldenTol); err != nil {
				t.Errorf("%s(antialias %v, factor %v): %v", c.Op, a.Antialias, a.Factor, err)
			}
		})
	}
}

func TestGoldenToTensor(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.ToTensor {
		t.Run(c.File, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", c.File))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := compareImages(ToTensor(img), c.Out, 1e-7); err != nil {
				t.Errorf("ToTensor(%s): %v", c.File, err)
			}
		})
	}
}

func TestGoldenRandomResizedCropFallback(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.RRCFallback {
		t.Run(fmt.Sprintf("%dx%d", c.Height, c.Width), func(t *testing.T) {
			rrc := RandomResizedCrop{Size: 8, Scale: c.Scale, Ratio: c.Ratio}
			top, left, h, w, fb := rrc.Params(c.Height, c.Width, SampleRand(1, 0, 0))
			if !fb || top != c.Top || left != c.Left || h != c.H || w != c.W {
				t.Errorf("Params(%d, %d) = (%d, %d, %d, %d, fallback %v), want (%d, %d, %d, %d, fallback true)",
					c.Height, c.Width, top, left, h, w, fb, c.Top, c.Left, c.H, c.W)
			}
		})
	}
}
