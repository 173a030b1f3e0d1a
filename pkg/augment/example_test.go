package augment_test

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/pkg/augment"
)

// photo returns a small 4x6 RGB test image whose red channel grows to the right and green downwards.
func photo() *augment.Image {
	m := augment.NewImage(4, 6, 3)
	for y := range 4 {
		for x := range 6 {
			o := (y*6 + x) * 3
			m.Pix[o], m.Pix[o+1], m.Pix[o+2] = float32(x)/5, float32(y)/3, 0.5
		}
	}
	return m
}

func ExampleNewImage() {
	m := augment.NewImage(2, 3, 3)
	fmt.Println(m.Height, m.Width, m.Channels, len(m.Pix))
	// Output: 2 3 3 18
}

func ExampleImage_At() {
	m := photo()
	fmt.Printf("red at column 5: %.1f, green at row 3: %.1f\n", m.At(0, 5, 0), m.At(3, 0, 1))
	// Output: red at column 5: 1.0, green at row 3: 1.0
}

func ExampleImage_Clone() {
	m := photo()
	c := m.Clone()
	c.Pix[0] = 0.9
	fmt.Println(m.Pix[0], c.Pix[0])
	// Output: 0 0.9
}

func ExampleImage_Bounds() {
	fmt.Println(photo().Bounds())
	// Output: (0,0)-(6,4)
}

func ExampleToTensor() {
	src := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	src.SetNRGBA(1, 0, color.NRGBA{R: 255, G: 51, B: 0, A: 255})
	m := augment.ToTensor(src)
	fmt.Println(m.Height, m.Width, m.Channels, m.Pix)
	// Output: 1 2 3 [0 0 0 1 0.2 0]
}

func ExampleImage_ToNRGBA() {
	m := &augment.Image{Pix: []float32{0, 0.5, 1.2}, Height: 1, Width: 1, Channels: 3}
	fmt.Println(m.ToNRGBA().Pix)
	// Output: [0 128 255 255]
}

func ExampleResizeImage() {
	m := augment.NewImage(1, 4, 1)
	copy(m.Pix, []float32{0, 1, 0, 1})
	// Halving a stripe pattern: antialiasing averages three neighbours with triangle weights
	// (0.75, 0.75, 0.25)/1.75; plain bilinear samples halfway between two pixels.
	fmt.Println(augment.ResizeImage(m, 1, 2, augment.BilinearAntialias).Pix)
	fmt.Println(augment.ResizeImage(m, 1, 2, augment.Bilinear).Pix)
	// Output:
	// [0.42857143 0.5714286]
	// [0.5 0.5]
}

func ExampleInterpolation_String() {
	fmt.Println(augment.BilinearAntialias, augment.Bilinear)
	// Output: bilinear-antialias bilinear
}

func ExampleResize_OutputSize() {
	// The shorter side of a 375x500 (height x width) photo becomes 224; the longer int(224*500/375).
	h, w := augment.Resize{Size: 224}.OutputSize(375, 500)
	fmt.Println(h, w)
	// Output: 224 298
}

func ExampleResize_Apply() {
	s := augment.Sample{Image: photo(), Boxes: []augment.Box{{X1: 1, Y1: 1, X2: 3, Y2: 2}}}
	out := augment.Resize{Height: 8, Width: 3}.Apply(s, nil)
	fmt.Printf("%dx%d %v\n", out.Image.Height, out.Image.Width, out.Boxes)
	// Output: 8x3 [(0.5,2)-(1.5,4)]
}

func ExampleCrop() {
	m := photo()
	c := augment.Crop(m, 3, 5, 2, 2) // the bottom-right pixel, then zeros outside the image
	fmt.Printf("%.1f\n", c.Pix)
	// Output: [1.0 1.0 0.5 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0]
}

func ExampleCenterCrop_Offsets() {
	// Python's round: a margin of 5 gives round(2.5) = 2, a margin of 3 gives round(1.5) = 2.
	fmt.Println(augment.CenterCrop{Size: 5}.Offsets(10, 8))
	// Output: 2 2
}

func ExampleCenterCrop_Apply() {
	s := augment.Sample{Image: photo(), Boxes: []augment.Box{{X1: 0, Y1: 0, X2: 3, Y2: 3}}}
	out := augment.CenterCrop{Size: 2}.Apply(s, nil) // offsets (1, 2)
	fmt.Printf("%dx%d %v\n", out.Image.Height, out.Image.Width, out.Boxes)
	// Output: 2x2 [(0,0)-(1,2)]
}

func ExampleRandomResizedCrop_Params() {
	// The note's training crop: 50-100% of the area, ratio 3/4 to 4/3, on a 375x500 photo.
	rrc := augment.RandomResizedCrop{Size: 224, Scale: [2]float64{0.5, 1}}
	top, left, h, w, fallback := rrc.Params(375, 500, augment.SampleRand(1, 0, 0))
	fmt.Println(top, left, h, w, fallback)
	// Impossible ranges take the central fallback.
	tall := augment.RandomResizedCrop{Size: 224, Scale: [2]float64{1, 1}, Ratio: [2]float64{2, 2}}
	fmt.Println(tall.Params(10, 10, augment.SampleRand(1, 0, 0)))
	// Output:
	// 15 129 360 295 false
	// 2 0 5 10 true
}

func ExampleRandomResizedCrop_Apply() {
	s := augment.Sample{Image: photo(), Boxes: []augment.Box{{X1: 0, Y1: 0, X2: 6, Y2: 4}}}
	out := augment.RandomResizedCrop{Size: 3}.Apply(s, augment.SampleRand(1, 0, 0))
	fmt.Printf("%dx%d %v\n", out.Image.Height, out.Image.Width, out.Boxes)
	// Output: 3x3 [(0,0)-(3,3)]
}

func ExampleRandomCrop_Params() {
	// Pad 4 pixels and crop 32 from a 32x32 image (CIFAR-style): shifts of up to 4 pixels.
	top, left := augment.RandomCrop{Size: 32, Padding: 4}.Params(32, 32, augment.SampleRand(1, 0, 0))
	fmt.Println(top, left) // the image moves 4 pixels down and 3 right; the rest is zero padding
	// Output: -4 -3
}

func ExampleRandomCrop_Apply() {
	s := augment.Sample{Image: photo(), Boxes: []augment.Box{{X1: 0, Y1: 0, X2: 2, Y2: 2}}}
	out := augment.RandomCrop{Size: 4, Padding: 1}.Apply(s, augment.SampleRand(1, 0, 0))
	fmt.Println(out.Image.Height, out.Image.Width, out.Boxes) // crop at top -1, left 0
	// Output: 4 4 [(0,1)-(2,3)]
}

func ExampleHFlip() {
	m := augment.NewImage(1, 3, 1)
	copy(m.Pix, []float32{0.1, 0.2, 0.3})
	fmt.Println(augment.HFlip(m).Pix)
	// Output: [0.3 0.2 0.1]
}

func ExampleRandomHorizontalFlip_Apply() {
	s := augment.Sample{Image: photo(), Boxes: []augment.Box{{X1: 1, Y1: 0, X2: 2, Y2: 4}}}
	out := augment.RandomHorizontalFlip{P: 1}.Apply(s, augment.SampleRand(1, 0, 0))
	fmt.Println(out.Boxes)
	// Output: [(4,0)-(5,4)]
}

func ExampleAdjustBrightness() {
	m := &augment.Image{Pix: []float32{0.2, 0.4, 0.8}, Height: 1, Width: 1, Channels: 3}
	fmt.Println(augment.AdjustBrightness(m, 1.5).Pix)
	// Output: [0.3 0.6 1]
}

func ExampleAdjustContrast() {
	m := augment.NewImage(1, 2, 1)
	copy(m.Pix, []float32{0.2, 0.6}) // mean 0.4
	fmt.Println(augment.AdjustContrast(m, 0.5).Pix)
	// Output: [0.3 0.5]
}

func ExampleAdjustSaturation() {
	m := &augment.Image{Pix: []float32{1, 0, 0}, Height: 1, Width: 1, Channels: 3} // red, grey 0.2989
	fmt.Println(augment.AdjustSaturation(m, 0).Pix)
	// Output: [0.2989 0.2989 0.2989]
}

func ExampleAdjustHue() {
	m := &augment.Image{Pix: []float32{1, 0, 0}, Height: 1, Width: 1, Channels: 3}
	// A third of a turn takes red to green.
	fmt.Printf("%.2f\n", augment.AdjustHue(m, 1.0/3).Pix)
	// Output: [0.00 1.00 0.00]
}

func ExampleColorJitter_Apply() {
	s := augment.Sample{Image: photo()}
	cj := augment.ColorJitter{Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1}
	a := cj.Apply(s, augment.SampleRand(3, 0, 0))
	b := cj.Apply(s, augment.SampleRand(3, 0, 0))
	fmt.Println("same seed, same result:", a.Image.Pix[7] == b.Image.Pix[7])
	// Output: same seed, same result: true
}

func ExampleNormalize_Apply() {
	m := &augment.Image{Pix: []float32{0.485, 0.456, 0.406}, Height: 1, Width: 1, Channels: 3}
	n := augment.Normalize{Mean: augment.ImageNetMean, Std: augment.ImageNetStd}
	fmt.Println(n.Apply(augment.Sample{Image: m}, nil).Image.Pix)
	// Output: [0 0 0]
}

func ExampleNormalize_Inverse() {
	n := augment.Normalize{Mean: []float32{0.5}, Std: []float32{0.25}}
	m := &augment.Image{Pix: []float32{0.75}, Height: 1, Width: 1, Channels: 1}
	z := n.Apply(augment.Sample{Image: m}, nil)
	back := n.Inverse().Apply(z, nil)
	fmt.Println(z.Image.Pix, back.Image.Pix)
	// Output: [1] [0.75]
}

func ExampleCompose_Apply() {
	// The note's validation transform: Resize(224), CenterCrop(224), ImageNet normalisation.
	val := augment.Compose{
		augment.Resize{Size: 224},
		augment.CenterCrop{Size: 224},
		augment.Normalize{Mean: augment.ImageNetMean, Std: augment.ImageNetStd},
	}
	out := val.Apply(augment.Sample{Image: augment.NewImage(375, 500, 3)}, nil)
	fmt.Println(out.Image.Height, out.Image.Width)
	// Output: 224 224
}

func ExampleStack() {
	b, err := augment.Stack([]*augment.Image{photo(), photo()}, []int{1, 0}, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.N, b.Height, b.Width, b.Channels, b.Labels)
	_, err = augment.Stack([]*augment.Image{photo(), augment.NewImage(2, 2, 3)}, []int{0, 0}, 3)
	fmt.Println(err)
	// Output:
	// 2 4 6 3 [0 1 0 1 0 0]
	// augment: Stack: image 1 is 2x2x3, want 4x6x3 like image 0
}

func ExampleBatch_Image() {
	c, _ := augment.Stack([]*augment.Image{photo(), photo()}, []int{0, 1}, 2)
	fmt.Printf("%.1f\n", c.Image(1).At(0, 5, 0))
	// Output: 1.0
}

func ExampleBatch_Label() {
	b, _ := augment.Stack([]*augment.Image{photo(), photo()}, []int{0, 1}, 2)
	fmt.Println(b.Label(1))
	// Output: [0 1]
}

func ExampleBeta() {
	r := augment.SampleRand(1, 0, 0)
	sum := 0.0
	for range 10000 {
		sum += augment.Beta(r, 2, 2)
	}
	fmt.Printf("mean of Beta(2, 2) draws: %.2f\n", sum/10000)
	// Output: mean of Beta(2, 2) draws: 0.50
}

func ExampleCutMix() {
	b, _ := augment.Stack([]*augment.Image{augment.NewImage(8, 8, 3), photo2(8, 8, 1)}, []int{0, 1}, 2)
	out, mix := augment.CutMix(b, 1, augment.SampleRand(4, 0, 0))
	fmt.Printf("box %v, lambda %.4f, partners %v\n", mix.Box, mix.Lambda, mix.Partner)
	fmt.Printf("labels of image 0: %.4f\n", out.Label(0))
	// The 6x5 box (clipped at the bottom edge) covers 30 of 64 pixels: lambda = 1 - 30/64.
	// Output:
	// box (1,3)-(7,8), lambda 0.5312, partners [1 0]
	// labels of image 0: [0.5312 0.4688]
}

func ExampleMixUp() {
	b, _ := augment.Stack([]*augment.Image{augment.NewImage(2, 2, 3), photo2(2, 2, 1)}, []int{0, 1}, 2)
	out, mix := augment.MixUp(b, 0.2, augment.SampleRand(4, 0, 0))
	fmt.Printf("lambda %.4f, partners %v\n", mix.Lambda, mix.Partner)
	fmt.Printf("image 0 pixel %.4f, labels %.4f\n", out.Image(0).Pix[0], out.Label(0))
	// Output:
	// lambda 0.5175, partners [1 0]
	// image 0 pixel 0.4825, labels [0.5175 0.4825]
}

// photo2 returns an image filled with v.
func photo2(h, w int, v float32) *augment.Image {
	m := augment.NewImage(h, w, 3)
	for i := range m.Pix {
		m.Pix[i] = v
	}
	return m
}

func ExampleNewMosaic() {
	fmt.Printf("%+v\n", augment.NewMosaic(640))
	// Output: {Size:640 Fill:0.44705883 MinSide:2 MinVisible:0.1}
}

func ExampleMosaic_Apply() {
	var in [4]augment.Sample
	for k := range in {
		in[k] = augment.Sample{
			Image:   photo2(32, 32, float32(k+1)/5),
			Boxes:   []augment.Box{{X1: 4, Y1: 4, X2: 28, Y2: 28}, {X1: 0, Y1: 0, X2: 2, Y2: 2}},
			Classes: []int{k, 9},
		}
	}
	out, centre := augment.NewMosaic(64).Apply(in, augment.SampleRand(2, 0, 0))
	fmt.Println("centre", centre)
	for i, b := range out.Boxes {
		fmt.Printf("class %d %v\n", out.Classes[i], b)
	}
	// The 2x2 corner boxes (class 9) are dropped: sides must exceed MinSide = 2 pixels.
	// Output:
	// centre (31,37)
	// class 0 (3,9)-(27,33)
	// class 1 (35,9)-(59,33)
	// class 2 (3,41)-(27,64)
	// class 3 (35,41)-(59,64)
}

func ExampleSampleRand() {
	a := augment.SampleRand(42, 1, 7).IntN(1000)
	b := augment.SampleRand(42, 1, 7).IntN(1000)
	c := augment.SampleRand(42, 1, 8).IntN(1000)
	fmt.Println(a == b, a == c)
	// Output: true false
}

func ExampleApplyAll() {
	samples := []augment.Sample{{Image: photo()}, {Image: photo()}, {Image: photo()}}
	pipe := augment.Compose{augment.RandomResizedCrop{Size: 2}, augment.RandomHorizontalFlip{P: 0.5}}
	one := augment.ApplyAll(pipe, samples, 7, 0, 1)
	three := augment.ApplyAll(pipe, samples, 7, 0, 3)
	same := true
	for i := range samples {
		for k := range one[i].Image.Pix {
			same = same && one[i].Image.Pix[k] == three[i].Image.Pix[k]
		}
	}
	fmt.Println("1 worker == 3 workers:", same)
	// Output: 1 worker == 3 workers: true
}

func ExampleShiftFlip() {
	img := augment.NewImage(4, 4, 1)
	img.Pix[5] = 1 // the pixel at row 1, column 1
	out := augment.ShiftFlip(4, 4, 1).Apply(augment.Sample{Image: img}, rand.New(rand.NewPCG(1, 2)))
	sum := float32(0)
	for _, v := range out.Image.Pix {
		sum += v
	}
	fmt.Println(out.Image.Height, out.Image.Width, sum)
	// Output: 4 4 1
}
