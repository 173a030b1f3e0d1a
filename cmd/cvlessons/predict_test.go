package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// predictTestdata holds tiny torchvision checkpoints, two PNGs and PyTorch 1.13 / torchvision 0.14
// reference logits for them (pkg/cnn/testdata/weights/gen_parity.py).
const predictTestdata = "../../pkg/cnn/testdata/weights"

func predictCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(&environment{stdout: &out, stderr: &errOut}, append([]string{"predict"}, args...))
	return code, out.String(), errOut.String()
}

func TestPredictLogitsMatchTorchvision(t *testing.T) {
	refs, err := cnn.ReadStateDict(filepath.Join(predictTestdata, "predict.pth"))
	if err != nil {
		t.Fatal(err)
	}
	images := []string{filepath.Join(predictTestdata, "img224.png"), filepath.Join(predictTestdata, "img_wide.png")}
	// img224 is already 224x224: no resampling, so only float32 rounding separates us from PyTorch.
	// img_wide is resized: against torchvision's float-tensor resize (antialias=True) the bound is
	// as tight; against its PIL path, which rounds the resized image to 8 bits (up to 1/255 per
	// pixel) and we do not, it is looser.
	tolerance := map[string]float64{"img224": 1e-4, "img_wide_float": 1e-4, "img_wide": 3e-2}
	for _, arch := range []string{"vgg11", "resnet18"} {
		code, stdout, stderr := predictCLI("--arch", arch, "--weights", filepath.Join(predictTestdata, arch+"_tiny.pth"), "--logits", images[0], images[1])
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %s", arch, code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != 2 {
			t.Fatalf("%s: %d output lines, want one JSON array per image:\n%s", arch, len(lines), stdout)
		}
		for i, name := range []string{"img224", "img_wide", "img_wide_float"} {
			var got []float32
			if err := json.Unmarshal([]byte(lines[min(i, 1)]), &got); err != nil {
				t.Fatalf("%s %s: %v in %q", arch, name, err, lines[i])
			}
			want := refs.Tensors[arch+"_tiny/"+name].Data
			if len(got) != len(want) {
				t.Fatalf("%s %s: %d logits, want %d", arch, name, len(got), len(want))
			}
			d := 0.0
			for j := range got {
				d = math.Max(d, math.Abs(float64(got[j]-want[j])))
			}
			t.Logf("%s %s: max |logit - torchvision| = %.2g", arch, name, d)
			if d > tolerance[name] {
				t.Errorf("%s %s: max |logit - torchvision| = %g, want <= %g\ngot  %v\nwant %v", arch, name, d, tolerance[name], got, want)
			}
		}
	}
}

func TestPredictTop5(t *testing.T) {
	img := filepath.Join(predictTestdata, "img224.png")
	code, stdout, stderr := predictCLI("--arch", "vgg11", "--weights", filepath.Join(predictTestdata, "vgg11_tiny.pth"), "--num-classes", "10", img)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 6 || lines[0] != img {
		t.Fatalf("output:\n%s\nwant the image path and 5 classes", stdout)
	}
	// PyTorch's logits for this image (predict.pth) have their maximum at class 5 and their second
	// at class 7 (2.10 and 1.03).
	for i, want := range []string{"  1. ", "  2. "} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("line %d = %q, want prefix %q", i+1, lines[i+1], want)
		}
	}
	if !strings.HasSuffix(lines[1], "class 5") || !strings.HasSuffix(lines[2], "class 7") {
		t.Errorf("top-2 lines %q, %q, want classes 5 then 7", lines[1], lines[2])
	}
}

func TestPredictErrors(t *testing.T) {
	weights := filepath.Join(predictTestdata, "resnet18_tiny.pth")
	img := filepath.Join(predictTestdata, "img224.png")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no arch", []string{"--weights", weights, img}, 2, "--arch is required"},
		{"unknown arch", []string{"--arch", "alexnet", "--weights", weights, img}, 2, `unknown --arch "alexnet"`},
		{"no images", []string{"--arch", "resnet18", "--weights", weights}, 2, "no images"},
		{"missing weights", []string{"--arch", "resnet18", "--weights", "nope.pth", img}, 1, "nope.pth"},
		{"class count", []string{"--arch", "resnet18", "--weights", weights, "--num-classes", "1000", img}, 1, "has 10 outputs"},
		{"deeper arch than checkpoint", []string{"--arch", "resnet34", "--weights", weights, img}, 1, `missing key(s) in state_dict: "layer1.2.conv1.weight"`},
		{"wrong family", []string{"--arch", "vgg16", "--weights", weights, img}, 1, `no key "features.0.weight"`},
		{"missing image", []string{"--arch", "resnet18", "--weights", weights, "nope.png"}, 1, "nope.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := predictCLI(tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.inStderr)
			}
		})
	}
}

// writePNG writes a w x h grey PNG into dir and returns its path.
func writePNG(t *testing.T, dir string, w, h int) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%dx%d.png", w, h))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPredictHostileImages: images far under the decoder's pixel limit whose resized size would
// not be (issue 17), and files whose header declares more pixels than they could hold, are
// refused with the sizes and the limit named, before anything is allocated.
func TestPredictHostileImages(t *testing.T) {
	dir := t.TempDir()
	weights := filepath.Join(predictTestdata, "resnet18_tiny.pth")
	for _, tc := range []struct {
		name     string
		w, h     int
		cut      int    // bytes of the file kept (0: all)
		inStderr string // "" when it must succeed
	}{
		{"wide 1000000x1", 1_000_000, 1, 0, "resizing 1000000x1 to short side 256 needs 256000000x256 pixels, over the limit of 16777216"},
		{"tall 1x1000000", 1, 1_000_000, 0, "resizing 1x1000000 to short side 256 needs 256x256000000 pixels, over the limit of 16777216"},
		{"wide 65536x256 (at the limit: 65536x256 pixels)", 65536, 256, 0, ""},
		{"1x1", 1, 1, 0, ""},
		{"4000x3000 cut to 100 bytes", 4000, 3000, 100,
			"png image is 4000x3000 (12000000 pixels), more than a 100-byte file can hold (8256 pixels a byte)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := writePNG(t, dir, tc.w, tc.h)
			if tc.cut > 0 {
				if err := os.Truncate(img, int64(tc.cut)); err != nil {
					t.Fatal(err)
				}
			}
			code, _, stderr := predictCLI("--arch", "resnet18", "--weights", weights, img)
			if tc.inStderr == "" {
				if code != 0 {
					t.Fatalf("exit %d, stderr %q; want success", code, stderr)
				}
				return
			}
			if code != 1 || !strings.Contains(stderr, tc.inStderr) || !strings.Contains(stderr, img) {
				t.Errorf("exit %d, stderr %q; want exit 1 naming %s and %q", code, stderr, img, tc.inStderr)
			}
		})
	}
}
