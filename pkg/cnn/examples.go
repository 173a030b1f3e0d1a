package cnn

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
)

// Examples is a labelled image set in memory: N images of Height x Width x Channels float32 values
// in [0, 1], stored NHWC one after the other in Pixels, with class indices in Labels. It has the
// same fields as datasets.Images; ExamplesFrom wraps a loaded data set.
type Examples struct {
	Pixels                     []float32
	Labels                     []int
	N, Height, Width, Channels int
}

// imageSize is the number of values per image.
func (e *Examples) imageSize() int { return e.Height * e.Width * e.Channels }

// Check returns an error when the fields disagree: pixel or label count, or a negative label.
func (e *Examples) Check() error {
	if e == nil {
		return fmt.Errorf("cnn: examples are nil")
	}
	if e.N <= 0 || e.imageSize() <= 0 {
		return fmt.Errorf("cnn: examples have N=%d and image size %dx%dx%d, want positive sizes", e.N, e.Height, e.Width, e.Channels)
	}
	if len(e.Pixels) != e.N*e.imageSize() {
		return fmt.Errorf("cnn: examples have %d pixel values, want N*H*W*C = %d*%d*%d*%d = %d",
			len(e.Pixels), e.N, e.Height, e.Width, e.Channels, e.N*e.imageSize())
	}
	if len(e.Labels) != e.N {
		return fmt.Errorf("cnn: examples have %d labels for N=%d images", len(e.Labels), e.N)
	}
	for i, l := range e.Labels {
		if l < 0 {
			return fmt.Errorf("cnn: label %d of example %d is negative", l, i)
		}
	}
	return nil
}

// Subset returns the examples at the given indices (copied).
func (e *Examples) Subset(idx []int) *Examples {
	size := e.imageSize()
	s := &Examples{Pixels: make([]float32, len(idx)*size), Labels: make([]int, len(idx)), N: len(idx),
		Height: e.Height, Width: e.Width, Channels: e.Channels}
	for i, j := range idx {
		copy(s.Pixels[i*size:(i+1)*size], e.Pixels[j*size:(j+1)*size])
		s.Labels[i] = e.Labels[j]
	}
	return s
}

// batch returns tensors for the examples at idx, padded with zero images (label 0) up to size
// rows: images [size, H, W, C] float32 and labels [size, 1] int32.
func (e *Examples) batch(idx []int, size int) (images, labels *tensors.Tensor) {
	images, labels, _ = e.augmentedBatch(idx, size, nil)
	return images, labels
}

// augmentedBatch is batch with each image passed through transform (nil: unchanged).
func (e *Examples) augmentedBatch(idx []int, size int, transform func(img []float32) error) (images, labels *tensors.Tensor, err error) {
	n := e.imageSize()
	pix := make([]float32, size*n)
	lab := make([]int32, size)
	for i, j := range idx {
		copy(pix[i*n:(i+1)*n], e.Pixels[j*n:(j+1)*n])
		lab[i] = int32(e.Labels[j])
		if transform != nil {
			if err := transform(pix[i*n : (i+1)*n]); err != nil {
				return nil, nil, fmt.Errorf("augmenting example %d: %w", j, err)
			}
		}
	}
	return tensors.FromFlatDataAndDimensions(pix, size, e.Height, e.Width, e.Channels),
		tensors.FromFlatDataAndDimensions(lab, size, 1), nil
}

// augmenter returns a function that replaces one image of e with t's transform of it, drawing from
// its own random stream for seed; nil when t is nil.
func augmenter(t augment.Transform, e *Examples, seed uint64) func(img []float32) error {
	if t == nil {
		return nil
	}
	r := rand.New(rand.NewPCG(seed, 0x617567))
	return func(img []float32) error {
		out := t.Apply(augment.Sample{Image: &augment.Image{Pix: img, Height: e.Height, Width: e.Width, Channels: e.Channels}}, r).Image
		if out.Height != e.Height || out.Width != e.Width || out.Channels != e.Channels {
			return fmt.Errorf("augmentation changed a %dx%dx%d image to %dx%dx%d; the training images must keep their size",
				e.Height, e.Width, e.Channels, out.Height, out.Width, out.Channels)
		}
		copy(img, out.Pix)
		return nil
	}
}

// Padded returns the examples with each image centred in a height x width canvas of zeros (for
// example 28x28 Fashion-MNIST in 32x32, so that five 2x2 poolings fit). It panics when the canvas
// is smaller than the images.
func (e *Examples) Padded(height, width int) *Examples {
	if height < e.Height || width < e.Width {
		panic(fmt.Sprintf("cnn: cannot pad %dx%d images to %dx%d", e.Height, e.Width, height, width))
	}
	top, left := (height-e.Height)/2, (width-e.Width)/2
	p := &Examples{Pixels: make([]float32, e.N*height*width*e.Channels), Labels: append([]int(nil), e.Labels...),
		N: e.N, Height: height, Width: width, Channels: e.Channels}
	row := e.Width * e.Channels
	for i := range e.N {
		for y := range e.Height {
			src := e.Pixels[(i*e.Height+y)*row : (i*e.Height+y+1)*row]
			dst := ((i*height+y+top)*width + left) * e.Channels
			copy(p.Pixels[dst:dst+row], src)
		}
	}
	return p
}

// ExamplesFrom wraps a loaded data set as training examples, sharing its pixels and labels.
func ExamplesFrom(d *datasets.Images) *Examples {
	return &Examples{Pixels: d.Pixels, Labels: d.Labels, N: d.N, Height: d.Height, Width: d.Width, Channels: d.Channels}
}
