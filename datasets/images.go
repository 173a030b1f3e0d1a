package datasets

import (
	"fmt"
	"strconv"
)

// Split selects the training or the test part of a data set.
type Split int

const (
	// Train is the training split (60,000 images for MNIST and Fashion-MNIST).
	Train Split = iota
	// Test is the test split (10,000 images for MNIST and Fashion-MNIST).
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return "Split(" + strconv.Itoa(int(s)) + ")"
}

// Images is a labelled image set held in memory, laid out for GoMLX.
//
// Pixels holds N images of Height x Width x Channels float32 values in [0, 1], in NHWC order
// (image, row, column, channel): pixel (i, y, x, c) is Pixels[((i*Height+y)*Width+x)*Channels+c].
// Labels[i] is the class index of image i, an index into ClassNames.
type Images struct {
	// Pixels is the N*Height*Width*Channels image data, NHWC, values in [0, 1].
	Pixels []float32
	// Labels holds N class indices in [0, len(ClassNames)); nil for detection images, whose
	// labels are in Detection.Objects.
	Labels []int
	// N is the number of images; Height, Width and Channels the shape of each.
	N, Height, Width, Channels int
	// ClassNames names each class index ("0".."9" for MNIST).
	ClassNames []string
}

// ImageSize returns the number of float32 values per image, Height*Width*Channels.
func (d *Images) ImageSize() int { return d.Height * d.Width * d.Channels }

// Image returns image i's pixels, HWC, as a sub-slice of d.Pixels (not a copy).
func (d *Images) Image(i int) []float32 {
	if i < 0 || i >= d.N {
		panic(fmt.Sprintf("datasets: image index %d out of range [0, %d)", i, d.N))
	}
	n := d.ImageSize()
	return d.Pixels[i*n : (i+1)*n : (i+1)*n]
}

// Batch copies the images and labels at idx into new slices: pixels is len(idx)*ImageSize()
// values, NHWC. It panics if an index is out of range.
func (d *Images) Batch(idx []int) (pixels []float32, labels []int) {
	pixels = make([]float32, len(idx)*d.ImageSize())
	labels = make([]int, len(idx))
	d.BatchTo(pixels, labels, idx)
	return pixels, labels
}

// BatchTo is Batch writing into dstPixels (len(idx)*ImageSize() values) and dstLabels
// (len(idx) values), so a training loop can reuse its buffers.
func (d *Images) BatchTo(dstPixels []float32, dstLabels []int, idx []int) {
	n := d.ImageSize()
	if len(dstPixels) != len(idx)*n || len(dstLabels) != len(idx) {
		panic(fmt.Sprintf("datasets: BatchTo buffers hold %d pixels and %d labels, want %d and %d",
			len(dstPixels), len(dstLabels), len(idx)*n, len(idx)))
	}
	for j, i := range idx {
		copy(dstPixels[j*n:(j+1)*n], d.Image(i))
		if d.Labels != nil {
			dstLabels[j] = d.Labels[i]
		}
	}
}

// Subset returns a new Images holding copies of the images at idx, in that order.
func (d *Images) Subset(idx []int) *Images {
	pixels, labels := d.Batch(idx)
	return &Images{Pixels: pixels, Labels: labels, N: len(idx), Height: d.Height, Width: d.Width,
		Channels: d.Channels, ClassNames: d.ClassNames}
}

// Check reports an error when the fields disagree: slice lengths that do not match N and the
// shape, labels out of range, or pixels outside [0, 1]. Labels may be nil (detection images).
func (d *Images) Check() error {
	if d.N < 0 || d.Height <= 0 || d.Width <= 0 || d.Channels <= 0 {
		return fmt.Errorf("datasets: bad shape N=%d H=%d W=%d C=%d", d.N, d.Height, d.Width, d.Channels)
	}
	if len(d.Pixels) != d.N*d.ImageSize() {
		return fmt.Errorf("datasets: %d pixels, want N*H*W*C = %d", len(d.Pixels), d.N*d.ImageSize())
	}
	if d.Labels != nil && len(d.Labels) != d.N {
		return fmt.Errorf("datasets: %d labels, want N = %d", len(d.Labels), d.N)
	}
	for i, l := range d.Labels {
		if l < 0 || (len(d.ClassNames) > 0 && l >= len(d.ClassNames)) {
			return fmt.Errorf("datasets: label %d of image %d outside [0, %d)", l, i, len(d.ClassNames))
		}
	}
	for i, p := range d.Pixels {
		if !(p >= 0 && p <= 1) {
			return fmt.Errorf("datasets: pixel %d = %v outside [0, 1]", i, p)
		}
	}
	return nil
}

// digitNames are the class names of MNIST: "0" to "9".
var digitNames = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
