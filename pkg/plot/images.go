package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// MinCell is the smallest cell side, in pixels, of an image grid: smaller images (a 28×28 digit)
// are enlarged by a whole factor, nearest neighbour, so each source pixel stays a visible square.
const MinCell = 84

// ImageGrid lays images out in rows of cols (cols <= 0: as square as possible), each under its
// title. titles may be nil; otherwise it needs one per image. Images of different sizes are
// placed top-left in cells as large as the largest.
func ImageGrid(images []image.Image, titles []string, cols int) (*Figure, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("plot: ImageGrid: no images")
	}
	if titles != nil && len(titles) != len(images) {
		return nil, fmt.Errorf("plot: ImageGrid: %d titles for %d images, want one per image or none", len(titles), len(images))
	}
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(len(images)))))
	}
	cols = min(cols, len(images))
	rows := (len(images) + cols - 1) / cols

	maxW, maxH := 0, 0
	for i, img := range images {
		if img == nil {
			return nil, fmt.Errorf("plot: ImageGrid: image %d is nil", i)
		}
		maxW, maxH = max(maxW, img.Bounds().Dx()), max(maxH, img.Bounds().Dy())
	}
	if maxW == 0 || maxH == 0 {
		return nil, fmt.Errorf("plot: ImageGrid: images are empty")
	}
	k := max(1, MinCell/max(maxW, maxH))
	const pad = 4
	titleH := 0
	if titles != nil {
		titleH = lineHeight + 2
	}
	cellW, cellH := maxW*k, maxH*k
	canvas := newCanvas(pad+cols*(cellW+pad), pad+rows*(cellH+titleH+pad))
	for i, img := range images {
		x := pad + (i%cols)*(cellW+pad)
		y := pad + (i/cols)*(cellH+titleH+pad)
		if titles != nil {
			drawText(canvas, x, y, cellW, titles[i], color.Black)
		}
		scaleNearest(canvas, x, y+titleH, img, k)
	}
	return &Figure{Image: canvas}, nil
}

// TensorImages turns n images stored NHWC as float32 in [0, 1] (1 or 3 channels) into images,
// clamping values outside [0, 1]. It does not copy pixels beyond the conversion.
func TensorImages(pixels []float32, n, height, width, channels int) ([]image.Image, error) {
	if n <= 0 || height <= 0 || width <= 0 {
		return nil, fmt.Errorf("plot: TensorImages: shape [%d %d %d %d], want positive sizes", n, height, width, channels)
	}
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("plot: TensorImages: %d channels, want 1 (grey) or 3 (RGB)", channels)
	}
	if len(pixels) != n*height*width*channels {
		return nil, fmt.Errorf("plot: TensorImages: %d values for shape [%d %d %d %d], want %d", len(pixels), n, height, width, channels, n*height*width*channels)
	}
	out := make([]image.Image, n)
	size := height * width * channels
	for i := range out {
		src := pixels[i*size : (i+1)*size]
		if channels == 1 {
			img := image.NewGray(image.Rect(0, 0, width, height))
			for j, v := range src {
				img.Pix[j] = toByte(v)
			}
			out[i] = img
			continue
		}
		img := image.NewRGBA(image.Rect(0, 0, width, height))
		for p := 0; p < height*width; p++ {
			img.Pix[4*p] = toByte(src[3*p])
			img.Pix[4*p+1] = toByte(src[3*p+1])
			img.Pix[4*p+2] = toByte(src[3*p+2])
			img.Pix[4*p+3] = 255
		}
		out[i] = img
	}
	return out, nil
}

// TensorGrid is ImageGrid over images stored NHWC as float32 in [0, 1] (see TensorImages).
func TensorGrid(pixels []float32, n, height, width, channels int, titles []string, cols int) (*Figure, error) {
	imgs, err := TensorImages(pixels, n, height, width, channels)
	if err != nil {
		return nil, err
	}
	return ImageGrid(imgs, titles, cols)
}

// toByte maps [0, 1] to 0..255, rounding to nearest and clamping outside values; NaN becomes 0.
func toByte(v float32) uint8 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}
