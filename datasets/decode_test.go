package datasets

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// encodeImage returns img encoded as format ("png" at best compression, "gif", or "jpeg" at
// quality 1: each as small as Go's encoder makes it).
func encodeImage(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 1})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blackBits is a black w x h image with a two-colour palette (PNG encodes it at 1 bit a pixel,
// the densest an image can be).
func blackBits(w, h int) *image.Paletted {
	return image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
}

// heapAllocated returns the bytes f allocated on the heap.
func heapAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeImageSizeBound: an image whose header declares more pixels than its file could
// encode (a truncated download, a hand-made header) is refused before the decoder allocates it,
// while the densest images Go's encoders make, far above any photo's pixels a byte, decode.
func TestDecodeImageSizeBound(t *testing.T) {
	dense := encodeImage(t, "png", blackBits(4000, 3000)) // about 1.6 kB: 7700 pixels a byte
	for _, tc := range []struct {
		name     string
		data     []byte
		w, h     int
		wantErr  string // "" when it must decode
		maxAlloc uint64
	}{
		{"1-bit PNG, 7700 pixels a byte", dense, 4000, 3000, "", 160 << 20},
		{"1-bit PNG 1000000x1", encodeImage(t, "png", blackBits(1_000_000, 1)), 1_000_000, 1, "", 20 << 20},
		{"GIF 4000x3000", encodeImage(t, "gif", blackBits(4000, 3000)), 4000, 3000, "", 160 << 20},
		{"JPEG 4000x3000 at quality 1", encodeImage(t, "jpeg", image.NewGray(image.Rect(0, 0, 4000, 3000))), 4000, 3000, "", 160 << 20},
		{"the PNG cut to 100 bytes", dense[:100], 0, 0,
			"png image is 4000x3000 (12000000 pixels), more than a 100-byte file can hold (8256 pixels a byte)", 1 << 20},
		{"the GIF cut to 100 bytes", encodeImage(t, "gif", blackBits(4000, 3000))[:100], 0, 0,
			"gif image is 4000x3000 (12000000 pixels), more than a 100-byte file can hold (4096 pixels a byte)", 1 << 20},
		{"the JPEG cut to 1000 bytes", encodeImage(t, "jpeg", image.NewGray(image.Rect(0, 0, 4000, 3000)))[:1000], 0, 0,
			"jpeg image is 4000x3000 (12000000 pixels), more than a 1000-byte file can hold (4096 pixels a byte)", 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var img *image.RGBA
			var err error
			n := heapAllocated(func() { img, err = DecodeImage(tc.data) })
			t.Logf("%d bytes: allocated %d bytes", len(tc.data), n)
			if n > tc.maxAlloc {
				t.Errorf("DecodeImage of %d bytes allocated %d bytes, want at most %d", len(tc.data), n, tc.maxAlloc)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("DecodeImage error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if img.Rect.Dx() != tc.w || img.Rect.Dy() != tc.h {
				t.Errorf("decoded %v, want %dx%d", img.Rect, tc.w, tc.h)
			}
		})
	}
}

// TestDecodeImageFileStreams: DecodeImageFile reads a file as the decoder goes, so a large file
// costs no memory for its size (issue 17's .pth reader read a 6 GB file whole because it started
// like a pickle; images were read whole with os.ReadFile): a PNG followed by 64 MiB of junk
// decodes, and a large file that is not an image is refused, each allocating far less than its
// size.
func TestDecodeImageFileStreams(t *testing.T) {
	dir := t.TempDir()
	small := encodeImage(t, "png", blackBits(64, 48))
	for _, tc := range []struct {
		name    string
		head    []byte
		wantErr string
	}{
		{"a PNG and 64 MiB of junk", small, ""},
		{"64 MiB that are not an image", []byte("junk"), "unknown format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(tc.head)
			if err := f.Truncate(int64(len(tc.head)) + 64<<20); err != nil {
				t.Fatal(err)
			}
			f.Close()
			var img *image.RGBA
			n := heapAllocated(func() { img, err = DecodeImageFile(path) })
			if n > 8<<20 {
				t.Errorf("DecodeImageFile of a 64 MiB file allocated %d bytes, want under 8 MiB", n)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Errorf("DecodeImageFile error = %v, want %q naming the file", err, tc.wantErr)
				}
				return
			}
			if err != nil || img.Rect.Dx() != 64 || img.Rect.Dy() != 48 {
				t.Errorf("DecodeImageFile = %v, %v; want a 64x48 image", img.Rect, err)
			}
		})
	}
}

// FuzzDecodeImageMemory: whatever the bytes, DecodeImage allocates at most what the file could
// encode (maxPixelsPerByte pixels a byte) at 24 bytes a pixel (the decoder's image, at most 8
// bytes a pixel for 16-bit RGBA, and ToRGB's 4, with room for the decoder's buffers), plus 1 MiB.
func FuzzDecodeImageMemory(f *testing.F) {
	f.Add(encodeImage(f, "png", blackBits(40, 30)))
	f.Add(encodeImage(f, "gif", blackBits(40, 30)))
	f.Add(encodeImage(f, "jpeg", image.NewRGBA(image.Rect(0, 0, 40, 30))))
	f.Add(encodeImage(f, "png", image.NewNRGBA64(image.Rect(0, 0, 5, 3))))
	f.Fuzz(func(t *testing.T, data []byte) {
		var img *image.RGBA
		var err error
		n := heapAllocated(func() { img, err = DecodeImage(data) })
		if limit := 24*uint64(maxPixelsPerByte["png"])*uint64(len(data)) + 1<<20; n > limit {
			t.Fatalf("DecodeImage of %d bytes allocated %d bytes, want at most %d", len(data), n, limit)
		}
		if err == nil && (!img.Opaque() || img.Rect.Min != image.Point{}) {
			t.Fatalf("decoded image %v is not opaque RGB at the origin", img.Rect)
		}
	})
}
