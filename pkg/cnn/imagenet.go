package cnn

import (
	"fmt"
	"sort"
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
