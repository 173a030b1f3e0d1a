package augment

import "fmt"

// Batch is a stack of equally sized images with soft labels, the input of CutMix and MixUp and of a
// classifier's training step.
type Batch struct {
	// Pix holds the images as [N, Height, Width, Channels] (NHWC), row-major.
	Pix []float32
	// N is the number of images.
	N, Height, Width, Channels int
	// Labels holds one probability row per image, [N, Classes] row-major; one-hot before mixing.
	Labels []float32
	// Classes is the number of label columns.
	Classes int
}

// Stack assembles images into an NHWC batch with one-hot labels, the batch version of ToTensor. It
// returns an error naming the first image whose size differs from the first one's, or a label outside
// [0, classes).
func Stack(imgs []*Image, labels []int, classes int) (*Batch, error) {
	if len(labels) != len(imgs) {
		return nil, fmt.Errorf("augment: Stack got %d images and %d labels", len(imgs), len(labels))
	}
	if len(imgs) == 0 {
		return &Batch{Classes: classes}, nil
	}
	f := imgs[0]
	b := &Batch{N: len(imgs), Height: f.Height, Width: f.Width, Channels: f.Channels, Classes: classes}
	size := f.Height * f.Width * f.Channels
	b.Pix = make([]float32, 0, len(imgs)*size)
	b.Labels = make([]float32, len(imgs)*classes)
	for i, m := range imgs {
		if m.Height != f.Height || m.Width != f.Width || m.Channels != f.Channels {
			return nil, fmt.Errorf("augment: Stack: image %d is %dx%dx%d, want %dx%dx%d like image 0", i, m.Height, m.Width, m.Channels, f.Height, f.Width, f.Channels)
		}
		if labels[i] < 0 || labels[i] >= classes {
			return nil, fmt.Errorf("augment: Stack: label %d of image %d not in [0, %d)", labels[i], i, classes)
		}
		b.Pix = append(b.Pix, m.Pix...)
		b.Labels[i*classes+labels[i]] = 1
	}
	return b, nil
}

// Image returns a copy of image i of the batch.
func (b *Batch) Image(i int) *Image {
	size := b.Height * b.Width * b.Channels
	m := NewImage(b.Height, b.Width, b.Channels)
	copy(m.Pix, b.Pix[i*size:(i+1)*size])
	return m
}

// Label returns label row i (a view into b.Labels).
func (b *Batch) Label(i int) []float32 {
	return b.Labels[i*b.Classes : (i+1)*b.Classes]
}

func (b *Batch) clone() *Batch {
	c := *b
	c.Pix = append([]float32(nil), b.Pix...)
	c.Labels = append([]float32(nil), b.Labels...)
	return &c
}
