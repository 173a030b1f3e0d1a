package augment

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// Mix records how CutMix or MixUp combined a batch, for figures and checks.
type Mix struct {
	// Lambda is the weight of each image's own label; 1-Lambda goes to its partner's label. For CutMix
	// it is 1 - (kept box area)/(image area), after clipping.
	Lambda float64
	// Partner[i] is the index of the image mixed into image i (a random permutation).
	Partner []int
	// Box is the pasted region for CutMix (pixels, Min inclusive, Max exclusive; possibly empty) and
	// the empty rectangle for MixUp.
	Box image.Rectangle
}

// CutMix pastes the same random box from a partner image into every image of b and mixes the labels
// by area (Yun et al. 2019, following their reference code): lambda ~ Beta(alpha, alpha); the box has
// sides int(W*sqrt(1-lambda)) by int(H*sqrt(1-lambda)) around a centre drawn uniformly over the pixels,
// and is clipped to the image; partners come from a random permutation; labels become
// lambda'*own + (1-lambda')*partner where lambda' = 1 - (clipped box area)/(W*H), the area actually
// pasted. It returns a new batch and leaves b untouched; it panics unless alpha > 0.
func CutMix(b *Batch, alpha float64, r *rand.Rand) (*Batch, Mix) {
	lam := Beta(r, alpha, alpha)
	perm := r.Perm(b.N)
	out := b.clone()
	if b.N == 0 {
		return out, Mix{Lambda: 1, Partner: perm}
	}
	cutRat := math.Sqrt(1 - lam)
	cutW := int(float64(b.Width) * cutRat)
	cutH := int(float64(b.Height) * cutRat)
	cx := r.IntN(b.Width)
	cy := r.IntN(b.Height)
	box := image.Rect(
		min(max(cx-cutW/2, 0), b.Width), min(max(cy-cutH/2, 0), b.Height),
		min(max(cx+cutW/2, 0), b.Width), min(max(cy+cutH/2, 0), b.Height))
	c := b.Channels
	size := b.Height * b.Width * c
	for i, j := range perm {
		for y := box.Min.Y; y < box.Max.Y; y++ {
			lo := (y*b.Width + box.Min.X) * c
			hi := (y*b.Width + box.Max.X) * c
			copy(out.Pix[i*size+lo:i*size+hi], b.Pix[j*size+lo:j*size+hi])
		}
	}
	kept := 1 - float64(box.Dx()*box.Dy())/float64(b.Width*b.Height)
	mixLabels(out, b, perm, kept)
	return out, Mix{Lambda: kept, Partner: perm, Box: box}
}

// MixUp blends every image of b with a partner image and mixes the labels with the same weight
// (Zhang et al. 2018, following their reference code): lambda ~ Beta(alpha, alpha), partners from a
// random permutation, x = lambda*x + (1-lambda)*x[partner], y likewise. It returns a new batch and
// leaves b untouched; it panics unless alpha > 0.
func MixUp(b *Batch, alpha float64, r *rand.Rand) (*Batch, Mix) {
	lam := Beta(r, alpha, alpha)
	perm := r.Perm(b.N)
	out := b.clone()
	size := b.Height * b.Width * b.Channels
	l, m := float32(lam), float32(1-lam)
	for i, j := range perm {
		dst := out.Pix[i*size : (i+1)*size]
		a := b.Pix[i*size : (i+1)*size]
		p := b.Pix[j*size : (j+1)*size]
		for k := range dst {
			dst[k] = l*a[k] + m*p[k]
		}
	}
	mixLabels(out, b, perm, lam)
	return out, Mix{Lambda: lam, Partner: perm}
}

// mixLabels sets out's labels to lam*own + (1-lam)*partner from b's labels.
func mixLabels(out, b *Batch, perm []int, lam float64) {
	if len(b.Labels) != b.N*b.Classes {
		panic(fmt.Sprintf("augment: batch has %d label values, want N*Classes = %d", len(b.Labels), b.N*b.Classes))
	}
	l, m := float32(lam), float32(1-lam)
	for i, j := range perm {
		dst := out.Label(i)
		a, p := b.Label(i), b.Label(j)
		for k := range dst {
			dst[k] = l*a[k] + m*p[k]
		}
	}
}
