package rpn

import (
	"fmt"
	"math"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// DefaultScaleClamp is the largest tw or th that [BoxCoder.Decode] exponentiates: log(1000/16), so a
// decoded box is at most 62.5 times its anchor's size. torchvision's BoxCoder uses this bound
// (bbox_xform_clip) so that exp never overflows on an untrained network's outputs.
const DefaultScaleClamp = 4.135166556742356 // math.Log(1000.0 / 16)

// BoxCoder converts between boxes and the regression targets (deltas) of the paper's parametrization,
// relative to an anchor (xa, ya, wa, ha), centre and size:
//
//	tx = Weights[0]·(x - xa)/wa   ty = Weights[1]·(y - ya)/ha
//	tw = Weights[2]·log(w/wa)     th = Weights[3]·log(h/ha)
//
// With weights (1, 1, 1, 1) this is [detect.BoxDelta] (R-CNN's parametrization, which Faster R-CNN keeps
// for the RPN); the Fast R-CNN head of torchvision and Detectron uses (10, 10, 5, 5) to scale the
// targets to about unit variance.
type BoxCoder struct {
	// Weights multiply tx, ty, tw, th; each must be finite and > 0.
	Weights [4]float32
	// ScaleClamp bounds tw/Weights[2] and th/Weights[3] from above before [BoxCoder.Decode]
	// exponentiates them; it must be finite (it may be negative, though that makes no sense).
	ScaleClamp float32
}

// DefaultBoxCoder returns the RPN's coder: weights (1, 1, 1, 1) and [DefaultScaleClamp], as torchvision's
// RegionProposalNetwork uses.
func DefaultBoxCoder() BoxCoder {
	return BoxCoder{Weights: [4]float32{1, 1, 1, 1}, ScaleClamp: DefaultScaleClamp}
}

// Validate returns an error unless every weight is finite and > 0 and ScaleClamp is finite. The zero
// BoxCoder is not valid.
func (c BoxCoder) Validate() error {
	for i, w := range c.Weights {
		if !positiveFinite(w) {
			return fmt.Errorf("rpn: box coder: Weights[%d] = %v, want a finite value > 0", i, w)
		}
	}
	if !(c.ScaleClamp >= -math.MaxFloat32 && c.ScaleClamp <= math.MaxFloat32) {
		return fmt.Errorf("rpn: box coder: ScaleClamp = %v, want a finite value such as log(1000/16)", c.ScaleClamp)
	}
	return nil
}

// mustValidate panics with Validate's message: an invalid coder is a programmer error.
func (c BoxCoder) mustValidate() {
	if err := c.Validate(); err != nil {
		panic(err.Error())
	}
}

// Encode returns the deltas (tx, ty, tw, th) that move anchor onto box. It returns an error if either box
// is empty (see [detect.Box.Empty]): the log of a zero or negative size is undefined. It panics if c is
// not valid (see [BoxCoder.Validate]). Encode applies no clamp.
func (c BoxCoder) Encode(anchor, box detect.Box) ([4]float32, error) {
	c.mustValidate()
	if anchor.Empty() || box.Empty() {
		return [4]float32{}, fmt.Errorf("rpn: encode: anchor %v and box %v, want both non-empty (X2 > X1 and Y2 > Y1)", anchor, box)
	}
	d := detect.BoxDelta(anchor, box)
	for i := range d {
		d[i] *= c.Weights[i]
	}
	return d, nil
}

// Decode returns the box that deltas d move anchor onto, the inverse of [BoxCoder.Encode]: the deltas
// are divided by the weights, tw and th are clamped from above at ScaleClamp, and then
// x = xa + tx·wa, w = wa·exp(tw) (the same for y and h), as [detect.ApplyDelta] computes. The clamp keeps
// exp from overflowing: a decoded box is at most exp(ScaleClamp) times its anchor's width and height,
// however large tw and th are. A NaN delta gives NaN coordinates, which make an empty box.
// It panics if c is not valid.
func (c BoxCoder) Decode(anchor detect.Box, d [4]float32) detect.Box {
	c.mustValidate()
	return c.decode(anchor, d)
}

// decode is Decode without the check of c.
func (c BoxCoder) decode(anchor detect.Box, d [4]float32) detect.Box {
	d[0] /= c.Weights[0]
	d[1] /= c.Weights[1]
	d[2] = min(d[2]/c.Weights[2], c.ScaleClamp)
	d[3] = min(d[3]/c.Weights[3], c.ScaleClamp)
	return detect.ApplyDelta(anchor, d)
}
