package augment

import "math/rand/v2"

// Sample is what a transform works on: an image and, for detection, its boxes and their classes.
type Sample struct {
	// Image is the picture; transforms never modify it in place.
	Image *Image
	// Boxes are the object boxes in Image's pixel coordinates; nil for classification.
	Boxes []Box
	// Classes, when not nil, holds one class index per box and is kept in step with Boxes.
	Classes []int
}

// Transform is one step of an augmentation pipeline. Apply returns the transformed sample without
// modifying s; it draws all its randomness from r (deterministic transforms ignore r, which may then
// be nil). Implementations hold no mutable state, so one Transform may be used by several goroutines,
// each with its own r.
type Transform interface {
	Apply(s Sample, r *rand.Rand) Sample
}

// Compose applies its transforms in order, like torchvision's transforms.Compose.
type Compose []Transform

// Apply runs every transform of c on s in order.
func (c Compose) Apply(s Sample, r *rand.Rand) Sample {
	for _, t := range c {
		s = t.Apply(s, r)
	}
	return s
}
