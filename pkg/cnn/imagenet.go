package cnn

import (
	"fmt"
	"image"
	"sort"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

//go:generate /usr/bin/python3 testdata/weights/gen_imagenet_classes.py

// ImageNet preprocessing of torchvision's classification weights (its reference evaluation
// transform): resize the shorter side to ImageNetResize, crop the centre ImageNetSize x ImageNetSize,
// then normalize with the ImageNet channel means and standard deviations (augment.ImageNetMean and
// augment.ImageNetStd, RGB values in [0, 1]).
const (
	ImageNetResize = 256
	ImageNetSize   = 224
)

// MaxResizedPixels bounds the width*height of every image PreprocessImageNet makes on the way
// (the resized image and the intermediate of its separable resampling), 16 Mi pixels, or 192 MiB
// of float32 RGB. The decoder's limit (datasets.MaxImagePixels) bounds the input; this one
// bounds what the pipeline makes of it: a 1000000x1 image is small, but scaling its short side to
// 256 would make a 256000000x256 one.
const MaxResizedPixels = 16 << 20

// PreprocessImageNet applies torchvision's ImageNet evaluation transform to img: resize the
// shorter side to ImageNetResize (bilinear, antialiased), crop the centre ImageNetSize x
// ImageNetSize, normalize with augment.ImageNetMean and augment.ImageNetStd. An image that is
// already ImageNetSize x ImageNetSize is used as it is (torchvision would scale it to 256 and
// crop back). It returns an error, before allocating, when a step would make an image of more
// than MaxResizedPixels pixels.
func PreprocessImageNet(img *image.RGBA) (*augment.Image, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("cnn: preprocessing a %dx%d image: want at least 1x1 pixels", w, h)
	}
	resize := augment.Resize{Size: ImageNetResize}
	if w != ImageNetSize || h != ImageNetSize {
		if err := checkResize(w, h, resize); err != nil {
			return nil, err
		}
	}
	s := augment.Sample{Image: augment.ToTensor(img)}
	if w != ImageNetSize || h != ImageNetSize {
		s = augment.Compose{resize, augment.CenterCrop{Size: ImageNetSize}}.Apply(s, nil)
	}
	s = augment.Normalize{Mean: augment.ImageNetMean, Std: augment.ImageNetStd}.Apply(s, nil)
	return s.Image, nil
}

// checkResize reports an error when resizing a w x h image with r would allocate an output, or
// the intermediate (source rows by output columns) of its separable resampling, larger than
// MaxResizedPixels.
func checkResize(w, h int, r augment.Resize) error {
	outH, outW := r.OutputSize(h, w)
	if int64(outW)*int64(outH) > MaxResizedPixels || int64(h)*int64(outW) > MaxResizedPixels {
		return fmt.Errorf("cnn: resizing %dx%d to short side %d needs %dx%d pixels, over the limit of %d (cnn.MaxResizedPixels): the aspect ratio is too extreme",
			w, h, r.Size, outW, outH, MaxResizedPixels)
	}
	return nil
}

// ImageNetClasses returns the 1000 ImageNet-1k class names in the order of torchvision's
// classifier outputs (index 281 is "tabby"), from torchvision 0.14's models/_meta.py.
func ImageNetClasses() []string {
	return append([]string(nil), imageNetClasses[:]...)
}

// Prediction is one class of a top-k list.
type Prediction struct {
	// Class is the output index; Name its name ("" when unknown).
	Class int
	Name  string
	// Probability is the softmax probability of the class.
	Probability float32
}

// TopK returns the k most probable classes of one row of logits, most probable first (ties keep
// the lower index first), with softmax probabilities. names, when it has one entry per logit,
// gives the class names. k larger than the number of classes is reduced.
func TopK(logits []float32, k int, names []string) []Prediction {
	probs, _ := softmax(logits)
	order := make([]int, len(logits))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return logits[order[a]] > logits[order[b]] })
	k = max(0, min(k, len(order)))
	out := make([]Prediction, k)
	for i, c := range order[:k] {
		out[i] = Prediction{Class: c, Probability: probs[c]}
		if len(names) == len(logits) {
			out[i].Name = names[c]
		}
	}
	return out
}

// String formats p as "0.8123  tabby (281)", or "0.8123  class 3" without a name.
func (p Prediction) String() string {
	if p.Name == "" {
		return fmt.Sprintf("%.4f  class %d", p.Probability, p.Class)
	}
	return fmt.Sprintf("%.4f  %s (%d)", p.Probability, p.Name, p.Class)
}
