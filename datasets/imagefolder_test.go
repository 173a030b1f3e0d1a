package datasets

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Fixtures from testdata/gen.go: folder/a = grey.png (grey 51), "half alpha.png" (blue, alpha
// 128), red.png; folder/b = green.gif, "white wide.jpg" (8x3), notes.txt (ignored);
// badfolder/x = corrupt.png (cut after 40 bytes), ok.png.
func TestReadImageFolderFixtures(t *testing.T) {
	f, err := ReadImageFolder(filepath.Join("testdata", "folder"), ImageFolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range f.Paths {
		names = append(names, filepath.Base(p))
	}
	wantNames := []string{"grey.png", "half alpha.png", "red.png", "green.gif", "white wide.jpg"}
	if !slices.Equal(names, wantNames) || !slices.Equal(f.Labels, []int{0, 0, 0, 1, 1}) || !slices.Equal(f.ClassNames, []string{"a", "b"}) {
		t.Fatalf("files %v labels %v classes %v, want %v [0 0 0 1 1] [a b]", names, f.Labels, f.ClassNames, wantNames)
	}
	// Top-left pixel of each, by hand from gen.go (JPEG white within 1 of 255).
	wantRGB := [][3]uint8{{51, 51, 51}, {0, 0, 255}, {255, 0, 0}, {0, 255, 0}, {255, 255, 255}}
	for i, img := range f.Images {
		c := color.RGBAModel.Convert(img.At(0, 0)).(color.RGBA)
		got := [3]uint8{c.R, c.G, c.B}
		for k := range 3 {
			if d := int(got[k]) - int(wantRGB[i][k]); d < -1 || d > 1 || c.A != 255 {
				t.Errorf("%s pixel (0,0) = %v alpha %d, want %v opaque", names[i], got, c.A, wantRGB[i])
				break
			}
		}
	}
}

func TestLoadImageFolder(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		opts    ImageFolderOptions
		wantN   int
		wantErr string
	}{
		{"resize", "folder", ImageFolderOptions{Width: 4, Height: 3}, 5, ""},
		{"sizes differ", "folder", ImageFolderOptions{}, 0, "white wide.jpg is 8x3, want 4x3"},
		{"png only", "folder", ImageFolderOptions{Extensions: []string{".png"}}, 3, ""},
		{"corrupt is an error", "badfolder", ImageFolderOptions{}, 0, "corrupt.png"},
		{"corrupt skipped", "badfolder", ImageFolderOptions{SkipBad: true}, 1, ""},
		{"missing folder", "nope", ImageFolderOptions{}, 0, "nope"},
		{"no classes", "folder/a", ImageFolderOptions{}, 0, "no class sub-folders"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var warn bytes.Buffer
			tc.opts.Warnings = &warn
			d, err := LoadImageFolder(filepath.Join("testdata", filepath.FromSlash(tc.dir)), tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "datasets: ") {
					t.Fatalf("error = %v, want a datasets: error naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.N != tc.wantN || d.Channels != 3 || d.Check() != nil {
				t.Fatalf("N=%d C=%d check %v, want N=%d C=3", d.N, d.Channels, d.Check(), tc.wantN)
			}
			if tc.opts.SkipBad != strings.Contains(warn.String(), "skipped 1 unreadable file(s)") {
				t.Errorf("warnings %q with SkipBad=%v", warn.String(), tc.opts.SkipBad)
			}
		})
	}
}

func TestPackEmpty(t *testing.T) {
	f := &ImageFolder{Skipped: []SkippedFile{{Path: "x.png"}}}
	if _, err := f.Pack(4, 4); err == nil || !strings.Contains(err.Error(), "no images to pack (1 skipped)") {
		t.Errorf("Pack of nothing: %v", err)
	}
}

func TestLoadImageFolderValues(t *testing.T) {
	d, err := LoadImageFolder(filepath.Join("testdata", "folder"), ImageFolderOptions{Width: 4, Height: 3, Extensions: []string{".png", ".gif"}})
	if err != nil {
		t.Fatal(err)
	}
	// Every fixture is one flat colour, so any pixel after resizing equals it (by hand, /255).
	want := [][3]float32{{0.2, 0.2, 0.2}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}}
	for i := range d.N {
		px := d.Image(i)
		for k := range 3 {
			if math.Abs(float64(px[len(px)-3+k]-want[i][k])) > 1e-6 {
				t.Errorf("image %d last pixel %v, want %v", i, px[len(px)-3:], want[i])
				break
			}
		}
	}
}

func TestToRGB(t *testing.T) {
	r := image.Rect(2, 3, 4, 4) // not at the origin
	cmyk := image.NewCMYK(r)
	cmyk.Set(2, 3, color.CMYK{C: 255}) // pure cyan -> (0, 255, 255)
	nrgba := image.NewNRGBA(r)
	nrgba.SetNRGBA(2, 3, color.NRGBA{10, 20, 30, 0}) // fully transparent: alpha dropped as PIL does
	rgba := image.NewRGBA(r)
	rgba.SetRGBA(2, 3, color.RGBA{50, 0, 0, 128}) // premultiplied 50 at alpha 128 -> 99 un-premultiplied
	gray16 := image.NewGray16(r)
	gray16.SetGray16(2, 3, color.Gray16{0x8080})
	tests := []struct {
		name string
		img  image.Image
		want color.RGBA
	}{
		{"cmyk", cmyk, color.RGBA{0, 255, 255, 255}},
		{"nrgba transparent", nrgba, color.RGBA{10, 20, 30, 255}},
		{"rgba premultiplied", rgba, color.RGBA{99, 0, 0, 255}},
		{"gray16", gray16, color.RGBA{128, 128, 128, 255}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ToRGB(tc.img)
			if got.Bounds() != image.Rect(0, 0, 2, 1) {
				t.Fatalf("bounds %v, want (0,0)-(2,1)", got.Bounds())
			}
			if c := got.RGBAAt(0, 0); c != tc.want {
				t.Errorf("ToRGB pixel = %v, want %v", c, tc.want)
			}
		})
	}
}

func TestDecodeImageRejects(t *testing.T) {
	// A PNG header claiming 100000 x 100000 RGB pixels: signature, then the IHDR chunk
	// (length 13, type, width, height, depth 8, colour type 2, 3 zero bytes) and its CRC.
	ihdr := []byte("IHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00")
	huge := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	huge = binary.BigEndian.AppendUint32(huge, crc32.ChecksumIEEE(ihdr))
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"too many pixels", huge, "100000x100000"},
		{"text", []byte("hello"), "unknown format"},
		{"empty", nil, "unknown format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeImage(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeImage error = %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeImage checks that no input panics the decoders or yields a non-opaque result.
func FuzzDecodeImage(f *testing.F) {
	for _, name := range []string{"folder/a/red.png", "folder/b/green.gif", "folder/b/white wide.jpg"} {
		b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := DecodeImage(data)
		if err == nil && !img.Opaque() {
			t.Fatal("decoded image is not opaque")
		}
	})
}

// The real ants/bees copy (read-only, never copied into the repo). torchvision's ImageFolder
// counts 244 training images because it skips the .gif; this package reads it.
func TestHymenoptera(t *testing.T) {
	dir := sharedHymenoptera()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("ants/bees data set not at %s (%v); fetch it with \"cvlessons data fetch hymenoptera\"", dir, err)
	}
	if testing.Short() {
		t.Skip("decodes 398 JPEGs; skipped with -short")
	}
	tests := []struct {
		split      string
		ants, bees int // counted with ls; the .gif included
		mustHave   []string
	}{
		{"train", 124, 121, []string{"ants/imageNotFound.gif", "ants/ant photos.jpg"}},
		{"val", 70, 83, nil},
	}
	for _, tc := range tests {
		t.Run(tc.split, func(t *testing.T) {
			f, err := ReadImageFolder(filepath.Join(dir, tc.split), ImageFolderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			counts := [2]int{}
			for _, l := range f.Labels {
				counts[l]++
			}
			if !slices.Equal(f.ClassNames, []string{"ants", "bees"}) || counts != [2]int{tc.ants, tc.bees} || len(f.Skipped) != 0 {
				t.Fatalf("classes %v counts %v skipped %d, want [ants bees] [%d %d] 0", f.ClassNames, counts, len(f.Skipped), tc.ants, tc.bees)
			}
			for _, want := range tc.mustHave {
				if !slices.Contains(f.Paths, filepath.Join(dir, tc.split, want)) {
					t.Errorf("%s not loaded", want)
				}
			}
			d, err := f.Pack(32, 32)
			if err != nil || d.N != tc.ants+tc.bees || d.Check() != nil {
				t.Fatalf("Pack(32, 32): %v, N=%d", err, d.N)
			}
		})
	}
}

func BenchmarkLoadImageFolderHymenopteraVal(b *testing.B) {
	dir := filepath.Join(sharedHymenoptera(), "val")
	if _, err := os.Stat(dir); err != nil {
		b.Skip("ants/bees data set missing")
	}
	for b.Loop() {
		if _, err := LoadImageFolder(dir, ImageFolderOptions{Width: 224, Height: 224}); err != nil {
			b.Fatal(err)
		}
	}
}
