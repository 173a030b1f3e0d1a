package metrics

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// syntheticCOCO makes images with 1-15 objects over classes categories and dets detections per
// image (jittered objects and random boxes), from a fixed seed.
func syntheticCOCO(images, dets, classes int) (*COCODataset, []Detection) {
	rng := rand.New(rand.NewPCG(1, 2))
	ds := &COCODataset{}
	for c := 1; c <= classes; c++ {
		ds.Categories = append(ds.Categories, COCOCategory{ID: int64(c)})
	}
	var out []Detection
	id := int64(1)
	box := func() COCOBox {
		return COCOBox{rng.Float64() * 600, rng.Float64() * 440, 8 + rng.Float64()*300, 8 + rng.Float64()*300}
	}
	for i := 1; i <= images; i++ {
		ds.Images = append(ds.Images, int64(i))
		start := len(ds.Annotations)
		for k := 1 + rng.IntN(15); k > 0; k-- {
			b := box()
			ds.Annotations = append(ds.Annotations, GroundTruth{ID: id, Image: int64(i), Category: int64(1 + rng.IntN(classes)), Box: b, Area: b.Area(), Crowd: rng.Float64() < 0.03})
			id++
		}
		objs := ds.Annotations[start:]
		for d := 0; d < dets; d++ {
			det := Detection{Image: int64(i), Category: int64(1 + rng.IntN(classes)), Box: box(), Score: float64(rng.IntN(1000)) / 1000}
			if d < 2*len(objs) {
				o := objs[d%len(objs)]
				det.Category = o.Category
				det.Box = COCOBox{o.Box[0] + rng.NormFloat64()*3, o.Box[1] + rng.NormFloat64()*3, o.Box[2], o.Box[3]}
			}
			out = append(out, det)
		}
	}
	return ds, out
}

// BenchmarkEvaluateCOCO times evaluate+accumulate+summarize (no JSON) with 100 detections per
// image over 20 categories. The JSON loading and the full 5,000-image run are timed by
// bench/cocoeval.
func BenchmarkEvaluateCOCO(b *testing.B) {
	for _, images := range []int{100, 1000, 5000} {
		ds, dts := syntheticCOCO(images, 100, 20)
		b.Run(fmt.Sprintf("images=%d", images), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EvaluateCOCO(ds, dts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
