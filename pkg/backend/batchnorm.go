package backend

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// bnLayout views an operand as [outer, features, inner] around its feature axis.
type bnLayout struct{ outer, features, inner int }

func (b *Builder) bnCheck(opName string, ops []backends.Op, featureAxis int) ([]*value, bnLayout, error) {
	vs, err := b.values(opName, ops)
	if err != nil {
		return nil, bnLayout{}, err
	}
	x := vs[0].shape
	rank := x.Rank()
	if featureAxis < 0 {
		featureAxis += rank
	}
	if featureAxis < 0 || featureAxis >= rank {
		return nil, bnLayout{}, fmt.Errorf("backend %q: %s: feature axis %d out of range for operand %s", Name, opName, featureAxis, x)
	}
	f := x.Dimensions[featureAxis]
	for i, v := range vs {
		if v.shape.DType != dtypes.Float32 {
			return nil, bnLayout{}, fmt.Errorf("backend %q: %s: input #%d has dtype %s, only float32 is supported", Name, opName, i, v.shape.DType)
		}
		if i > 0 && !(v.shape.Rank() == 1 && v.shape.Dimensions[0] == f) && !v.shape.Equal(x) {
			return nil, bnLayout{}, fmt.Errorf("backend %q: %s: input #%d has shape %s, want [%d] or %s", Name, opName, i, v.shape, f, x)
		}
	}
	l := bnLayout{outer: 1, features: f, inner: 1}
	for a, d := range x.Dimensions {
		if a < featureAxis {
			l.outer *= d
		} else if a > featureAxis {
			l.inner *= d
		}
	}
	return vs, l, nil
}

// BatchNormForTraining implements backends.Builder: normalizes operand with the mean and (biased)
// variance of each feature over all other axes, then scales and offsets; returns the normalized
// tensor, the batch means and the batch variances.
func (b *Builder) BatchNormForTraining(operand, scale, offset backends.Op, epsilon float32, featureAxis int) (normalized, batchMean, batchVariance backends.Op, err error) {
	vs, l, err := b.bnCheck("BatchNormForTraining", []backends.Op{operand, scale, offset}, featureAxis)
	if err != nil {
		return nil, nil, nil, err
	}
	fshape := shapes.Make(dtypes.Float32, l.features)
	workers := b.backend.workers
	k := func(ins, outs []any) error {
		x, sc, off := ins[0].([]float32), ins[1].([]float32), ins[2].([]float32)
		y, mean, variance := outs[0].([]float32), outs[1].([]float32), outs[2].([]float32)
		bnMoments(x, l, mean, variance, workers)
		bnApply(x, y, l, sc, off, mean, variance, epsilon, workers)
		return nil
	}
	outs, err := b.native("BatchNormForTraining", vs, k, vs[0].shape, fshape, fshape)
	if err != nil {
		return nil, nil, nil, err
	}
	return outs[0], outs[1], outs[2], nil
}

// accumulate runs row(part, o) for every index o of the outer axis, split into fixed slots over the
// workers, each slot adding into its own per-feature partial sums, and adds the partials into acc in
// slot order (deterministic: see parallelSlots).
func (l bnLayout) accumulate(workers int, acc []float64, row func(part []float64, o int)) {
	parts := make([]float64, reductionSlots*l.features)
	slots := parallelSlots(l.outer, workers, l.outer*l.features*l.inner >= nativeMinElements, func(slot, from, to int) {
		part := parts[slot*l.features : (slot+1)*l.features]
		for o := from; o < to; o++ {
			row(part, o)
		}
	})
	for s := range slots {
		for f, v := range parts[s*l.features : (s+1)*l.features] {
			acc[f] += v
		}
	}
}

// sumsOf adds into acc the per-feature sums of x·y (of x alone when y is nil) and, when mean is not
// nil, of the squared deviations (x − mean)² instead.
func (l bnLayout) sumsOf(workers int, acc []float64, x, y []float32, mean []float64) {
	l.accumulate(workers, acc, func(part []float64, o int) {
		if l.inner == 1 { // channels-last: one element per feature in the row
			xs := x[o*l.features : (o+1)*l.features]
			switch {
			case mean != nil:
				for f, v := range xs {
					d := float64(v) - mean[f]
					part[f] += d * d
				}
			case y != nil:
				ys := y[o*l.features : (o+1)*l.features]
				for f, v := range xs {
					part[f] += float64(v) * float64(ys[f])
				}
			default:
				for f, v := range xs {
					part[f] += float64(v)
				}
			}
			return
		}
		for f := 0; f < l.features; f++ {
			lo := (o*l.features + f) * l.inner
			xs := x[lo : lo+l.inner]
			var s float64
			switch {
			case mean != nil:
				m := mean[f]
				for _, v := range xs {
					d := float64(v) - m
					s += d * d
				}
			case y != nil:
				ys := y[lo : lo+l.inner]
				for i, v := range xs {
					s += float64(v) * float64(ys[i])
				}
			default:
				for _, v := range xs {
					s += float64(v)
				}
			}
			part[f] += s
		}
	})
}

// bnMoments writes the per-feature mean and biased variance of x (two passes, float64 sums).
func bnMoments(x []float32, l bnLayout, mean, variance []float32, workers int) {
	n := float64(l.outer * l.inner)
	sum := make([]float64, l.features)
	l.sumsOf(workers, sum, x, nil, nil)
	for f := range sum {
		sum[f] /= n
	}
	sq := make([]float64, l.features)
	l.sumsOf(workers, sq, x, nil, sum)
	for f := range sum {
		mean[f] = float32(sum[f])
		variance[f] = float32(sq[f] / n)
	}
}

// affine writes y = x·a[f] + c[f] per feature, split over the workers.
func (l bnLayout) affine(workers int, x, y, a, c []float32) {
	parallelRanges(l.outer, workers, l.outer*l.features*l.inner >= nativeMinElements, func(from, to int) {
		for o := from; o < to; o++ {
			lo, hi := o*l.features*l.inner, (o+1)*l.features*l.inner
			xr, yr := x[lo:hi], y[lo:hi]
			if l.inner == 1 {
				for f, v := range xr {
					yr[f] = v*a[f] + c[f]
				}
				continue
			}
			for f := 0; f < l.features; f++ {
				for i, v := range xr[f*l.inner : (f+1)*l.inner] {
					yr[f*l.inner+i] = v*a[f] + c[f]
				}
			}
		}
	})
}

// BatchNormGradient implements backends.Builder: the gradients of BatchNormForTraining's normalized
// output with respect to operand, scale and offset, given the batch mean and variance.
func (b *Builder) BatchNormGradient(operand, scale, mean, variance, gradOutput backends.Op, epsilon float32, featureAxis int) (gradOperand, gradScale, gradOffset backends.Op, err error) {
	vs, l, err := b.bnCheck("BatchNormGradient", []backends.Op{operand, scale, mean, variance, gradOutput}, featureAxis)
	if err != nil {
		return nil, nil, nil, err
	}
	fshape := shapes.Make(dtypes.Float32, l.features)
	workers := b.backend.workers
	k := func(ins, outs []any) error {
		x, sc, mean, variance, gy := ins[0].([]float32), ins[1].([]float32), ins[2].([]float32), ins[3].([]float32), ins[4].([]float32)
		gx, gScale, gOffset := outs[0].([]float32), outs[1].([]float32), outs[2].([]float32)
		n := float64(l.outer * l.inner)
		rstd := make([]float64, l.features)
		for f := range rstd {
			rstd[f] = 1 / math.Sqrt(float64(variance[f])+float64(epsilon))
		}
		// x̂ = (x − mean)·rstd, materialized once for the two passes that need it.
		sumGy := make([]float64, l.features)
		l.sumsOf(workers, sumGy, gy, nil, nil)
		xhat := getScratch(len(x))
		defer putScratch(xhat)
		a, c := make([]float32, l.features), make([]float32, l.features)
		for f := range a {
			a[f] = float32(rstd[f])
			c[f] = -mean[f] * a[f]
		}
		l.affine(workers, x, xhat, a, c)
		sumGyXhat := make([]float64, l.features)
		l.sumsOf(workers, sumGyXhat, gy, xhat, nil)
		for f := range sumGy {
			gOffset[f], gScale[f] = float32(sumGy[f]), float32(sumGyXhat[f])
		}
		// gx = scale·rstd·(gy − mean(gy) − x̂·mean(gy·x̂))
		k, mg, mgx := make([]float32, l.features), make([]float32, l.features), make([]float32, l.features)
		for f := range k {
			k[f] = float32(float64(sc[f]) * rstd[f])
			mg[f], mgx[f] = float32(sumGy[f]/n), float32(sumGyXhat[f]/n)
		}
		parallelRanges(l.outer, workers, len(x) >= nativeMinElements, func(from, to int) {
			if l.inner == 1 {
				for o := from; o < to; o++ {
					lo, hi := o*l.features, (o+1)*l.features
					gxr, gyr, xr := gx[lo:hi], gy[lo:hi], xhat[lo:hi]
					for f := range gxr {
						gxr[f] = k[f] * (gyr[f] - mg[f] - xr[f]*mgx[f])
					}
				}
				return
			}
			for o := from; o < to; o++ {
				for f := 0; f < l.features; f++ {
					lo := (o*l.features + f) * l.inner
					for i := lo; i < lo+l.inner; i++ {
						gx[i] = k[f] * (gy[i] - mg[f] - xhat[i]*mgx[f])
					}
				}
			}
		})
		return nil
	}
	outs, err := b.native("BatchNormGradient", vs, k, vs[0].shape, fshape, fshape)
	if err != nil {
		return nil, nil, nil, err
	}
	return outs[0], outs[1], outs[2], nil
}

// BatchNormForInference implements backends.Builder: normalizes operand with the given (running)
// mean and variance of each feature, then scales and offsets.
func (b *Builder) BatchNormForInference(operand, scale, offset, mean, variance backends.Op, epsilon float32, featureAxis int) (backends.Op, error) {
	vs, l, err := b.bnCheck("BatchNormForInference", []backends.Op{operand, scale, offset, mean, variance}, featureAxis)
	if err != nil {
		return nil, err
	}
	workers := b.backend.workers
	k := func(ins, outs []any) error {
		x, sc, off, mean, variance := ins[0].([]float32), ins[1].([]float32), ins[2].([]float32), ins[3].([]float32), ins[4].([]float32)
		bnApply(x, outs[0].([]float32), l, sc, off, mean, variance, epsilon, workers)
		return nil
	}
	outs, err := b.native("BatchNormForInference", vs, k, vs[0].shape)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// bnApply writes y = (x − mean)·scale/√(variance+ε) + offset per feature.
func bnApply(x, y []float32, l bnLayout, scale, offset, mean, variance []float32, epsilon float32, workers int) {
	a, c := make([]float32, l.features), make([]float32, l.features)
	for f := range a {
		a[f] = scale[f] * float32(1/math.Sqrt(float64(variance[f])+float64(epsilon)))
		c[f] = offset[f] - mean[f]*a[f]
	}
	l.affine(workers, x, y, a, c)
}
