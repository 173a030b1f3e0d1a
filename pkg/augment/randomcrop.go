package augment

import (
	"fmt"
	"math/rand/v2"
)

// RandomCrop cuts a region of fixed size at a uniformly random position, after padding the image with
// Padding zero pixels on every side, like torchvision's transforms.RandomCrop(size, padding) with
// fill 0. With Padding p an image can move by up to p pixels in each direction: the classic
// "pad and crop" translation augmentation of CIFAR and MNIST-style training.
type RandomCrop struct {
	// Size, when Height and Width are 0, is the side of a square crop.
	Size int
	// Height and Width, when both are positive, give a rectangular crop (Size must then be 0).
	Height, Width int
	// Padding is the number of zero pixels added on each side before cropping.
	Padding int
}

// Params draws the crop's top-left corner in the coordinates of the unpadded height x width image
// (so it may be negative, down to -Padding): torchvision's get_params on the padded image, top and
// left uniform over [0, padded-crop], then shifted by -Padding. It panics when the padded image is
// smaller than the crop (torchvision raises ValueError).
func (t RandomCrop) Params(height, width int, r *rand.Rand) (top, left int) {
	ch, cw := cropSize("RandomCrop", t.Size, t.Height, t.Width)
	ph, pw := height+2*t.Padding, width+2*t.Padding
	if ph < ch || pw < cw {
		panic(fmt.Sprintf("augment: RandomCrop of %dx%d from a %dx%d image padded by %d", ch, cw, height, width, t.Padding))
	}
	return r.IntN(ph-ch+1) - t.Padding, r.IntN(pw-cw+1) - t.Padding
}

// Apply crops s at a random position (padding with zeros) and moves the boxes: shifted, clipped to
// the crop, dropped when no area is left.
func (t RandomCrop) Apply(s Sample, r *rand.Rand) Sample {
	ch, cw := cropSize("RandomCrop", t.Size, t.Height, t.Width)
	top, left := t.Params(s.Image.Height, s.Image.Width, r)
	return cropSample(s, top, left, ch, cw)
}
