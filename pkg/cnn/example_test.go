package cnn_test

import (
	"fmt"

	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
)

// ExampleParamCount counts torchvision's VGG-16 (ImageNet, 224x224 RGB) without running it.
func ExampleParamCount() {
	b, err := backend.NewLogged(nil)
	if err != nil {
		panic(err)
	}
	total, perLayer := cnn.ParamCount(b, cnn.NewVGG(16, 1000).Logits, 224, 224, 3)
	fmt.Println(total)
	fmt.Println(perLayer[0].Scope, perLayer[0].Params)
	// Output:
	// 138357544
	// /features/0/conv 1792
}

// ExampleMiniNet_ShapeTrace prints the study note's ResConv stages for a batch of 16 RGB 32x32 images.
func ExampleMiniNet_ShapeTrace() {
	b, err := backend.NewLogged(nil)
	if err != nil {
		panic(err)
	}
	for _, s := range cnn.NewMiniNet(true).ShapeTrace(b, 16, 32, 32, 3) {
		fmt.Println(s)
	}
	// Output:
	// input:  (16, 32, 32, 3)
	// after ResConv:  (16, 32, 32, 32)
	// after view:  (16, 32768)
	// output:  (16, 10)
}
