package augment

import (
	"fmt"
	"math/rand/v2"
)

// ImageNet channel statistics (RGB) used by torchvision's pretrained models and the note's recipe.
var (
	ImageNetMean = []float32{0.485, 0.456, 0.406}
	ImageNetStd  = []float32{0.229, 0.224, 0.225}
)

// Normalize standardises each channel: out = (in - Mean[c]) / Std[c], like torchvision's
// transforms.Normalize. The result is no longer in [0, 1].
type Normalize struct {
	// Mean and Std hold one value per channel; Std values must be non-zero.
	Mean, Std []float32
}

// Apply normalises s.Image; boxes are kept. It panics when Mean or Std do not have one value per
// channel or a Std value is zero.
func (t Normalize) Apply(s Sample, _ *rand.Rand) Sample {
	c := s.Image.Channels
	if len(t.Mean) != c || len(t.Std) != c {
		panic(fmt.Sprintf("augment: Normalize with %d means and %d stds on a %d-channel image", len(t.Mean), len(t.Std), c))
	}
	for _, sd := range t.Std {
		if sd == 0 {
			panic("augment: Normalize with a zero std")
		}
	}
	out := NewImage(s.Image.Height, s.Image.Width, c)
	for i, v := range s.Image.Pix {
		ch := i % c
		out.Pix[i] = (v - t.Mean[ch]) / t.Std[ch]
	}
	return Sample{Image: out, Boxes: s.Boxes, Classes: s.Classes}
}

// Inverse returns the Normalize that undoes t: mean -Mean/Std and std 1/Std, so that
// in = (out - (-Mean/Std)) / (1/Std) = out*Std + Mean. Use it to display normalised images.
func (t Normalize) Inverse() Normalize {
	inv := Normalize{Mean: make([]float32, len(t.Mean)), Std: make([]float32, len(t.Std))}
	for i := range t.Mean {
		inv.Mean[i] = -t.Mean[i] / t.Std[i]
		inv.Std[i] = 1 / t.Std[i]
	}
	return inv
}
