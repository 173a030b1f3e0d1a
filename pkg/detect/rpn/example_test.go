package rpn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/cvlessons/cvlessons/pkg/detect"
	"github.com/cvlessons/cvlessons/pkg/detect/rpn"
)

func ExampleAnchors_Boxes() {
	// A 1x2 feature map with stride 16: cell centres (8, 8) and (24, 8). One scale, ratios 1 and 2
	// (height / width): a 16x16 square and an 11.3 x 22.6 upright box at each centre.
	a := rpn.Anchors{Stride: 16, Scales: []float32{16}, Ratios: []float32{1, 2}}
	boxes, err := a.Boxes(1, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.PerCell(), boxes)

	// A wrong argument is an error, not a huge allocation.
	_, err = rpn.PaperAnchors().Boxes(1000, 1000)
	fmt.Println(err)
	// Output:
	// 2 [(0,0)-(16,16) (2.343,-3.314)-(13.66,19.31) (16,0)-(32,16) (18.34,-3.314)-(29.66,19.31)]
	// rpn: anchors: 1000x1000 cells x 9 anchors = 9000000 anchors, want at most 4194304 (rpn.MaxAnchors)
}

func ExampleMatch() {
	anchors := []detect.Box{
		{X1: 0, Y1: 0, X2: 20, Y2: 20},    // IoU 1 with the object: positive
		{X1: 0, Y1: 0, X2: 20, Y2: 40},    // IoU 0.5: ignored, between 0.3 and 0.7
		{X1: 60, Y1: 60, X2: 80, Y2: 80},  // IoU 0: negative
		{X1: -10, Y1: 0, X2: 10, Y2: 20},  // crosses the image's left edge: ignored
		{X1: 40, Y1: 40, X2: 60, Y2: 100}, // the best anchor for the second object (IoU 0.25): positive
	}
	truth := []detect.Box{{X1: 0, Y1: 0, X2: 20, Y2: 20}, {X1: 40, Y1: 40, X2: 60, Y2: 55}}
	m, err := rpn.Match(anchors, truth, 100, 100, rpn.PaperMatch())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Labels)
	fmt.Println(m.Matched)
	fmt.Println(m.Targets(anchors, truth, rpn.DefaultBoxCoder())[4])
	// Output:
	// [positive ignore negative ignore positive]
	// [0 -1 -1 -1 1]
	// [0 -0.375 0 -1.3862944]
}

func ExampleSample() {
	labels := []rpn.Label{rpn.Positive, rpn.Negative, rpn.Negative, rpn.Ignore, rpn.Negative, rpn.Positive, rpn.Negative}
	cfg := rpn.SampleConfig{BatchSize: 4, PositiveFraction: 0.25} // 1 positive, then 3 negatives
	pos, neg, err := rpn.Sample(labels, cfg, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(pos), len(neg))
	// Output: 1 3
}

func ExampleBoxCoder() {
	c := rpn.DefaultBoxCoder()
	anchor := detect.Box{X1: 0, Y1: 0, X2: 16, Y2: 16}
	d, err := c.Encode(anchor, detect.Box{X1: 8, Y1: 0, X2: 40, Y2: 16}) // twice as wide, centre 16 pixels right
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)
	fmt.Println(c.Decode(anchor, d))
	// An untrained network's huge tw is clamped at log(1000/16): the box is at most 1000 pixels wide.
	fmt.Println(c.Decode(anchor, [4]float32{0, 0, 50, 0}))
	// Output:
	// [1 0 0.6931472 0]
	// (8,0)-(40,16)
	// (-492,0)-(508,16)
}

func ExampleProposals() {
	anchors, err := rpn.Anchors{Stride: 16, Scales: []float32{32}, Ratios: []float32{1}}.Boxes(2, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Anchors (-8,-8)-(24,24), (8,-8)-(40,24), (-8,8)-(24,40), (8,8)-(40,40) on a 32x32 image, and the
	// head's objectness and deltas. Anchor 1 moves 8 pixels left, to (0,-8)-(32,24): clipped, its IoU
	// with anchor 0's box is 0.75 > 0.7, so NMS suppresses it. Anchor 3 moves 4 pixels left.
	scores := []float32{0.9, 0.8, 0.1, 0.7}
	deltas := [][4]float32{{}, {-0.25, 0, 0, 0}, {}, {-0.125, 0, 0, 0}}
	cfg := rpn.PaperTestProposals()
	cfg.MinSize = 8
	props, err := rpn.Proposals(anchors, scores, deltas, 32, 32, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range props {
		fmt.Println(p.Anchor, p.Score, p.Box)
	}
	// Output:
	// 0 0.9 (0,0)-(24,24)
	// 3 0.7 (4,8)-(32,32)
	// 2 0.1 (0,8)-(24,32)
}
