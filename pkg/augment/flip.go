package augment

import "math/rand/v2"

// HFlip returns img mirrored left to right, like torchvision's F.hflip.
func HFlip(img *Image) *Image {
	out := NewImage(img.Height, img.Width, img.Channels)
	c := img.Channels
	for y := range img.Height {
		src := img.Pix[y*img.Width*c : (y+1)*img.Width*c]
		dst := out.Pix[y*img.Width*c : (y+1)*img.Width*c]
		for x := range img.Width {
			copy(dst[(img.Width-1-x)*c:(img.Width-x)*c], src[x*c:(x+1)*c])
		}
	}
	return out
}

// RandomHorizontalFlip mirrors an image left to right with probability P, like torchvision's
// transforms.RandomHorizontalFlip (whose default p is 0.5).
type RandomHorizontalFlip struct {
	// P is the probability of flipping, in [0, 1].
	P float64
}

// Apply flips s when a uniform draw from r is below P (one draw per call, as torchvision's
// torch.rand(1) < p). Boxes map to (W-X2, Y1, W-X1, Y2).
func (t RandomHorizontalFlip) Apply(s Sample, r *rand.Rand) Sample {
	if !(r.Float64() < t.P) {
		return s
	}
	w := float32(s.Image.Width)
	boxes, classes := mapBoxes(s, func(b Box) (Box, bool) {
		return Box{X1: w - b.X2, Y1: b.Y1, X2: w - b.X1, Y2: b.Y2}, true
	})
	return Sample{Image: HFlip(s.Image), Boxes: boxes, Classes: classes}
}

// ShiftFlip is the usual light augmentation of small centred images such as Fashion-MNIST's: a
// shift of up to pad pixels in each direction (RandomCrop of the same height x width after padding
// with zeros) and a horizontal flip with probability 0.5. It suits clothes, which stay what they are
// when mirrored, and not digits or text, which do not.
func ShiftFlip(height, width, pad int) Compose {
	return Compose{RandomCrop{Height: height, Width: width, Padding: pad}, RandomHorizontalFlip{P: 0.5}}
}
