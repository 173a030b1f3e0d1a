package datasets_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/datasets"
)

// A one-image "digit" source: a 28x28 black square with a white bar in rows 10-17, columns
// 12-15, labelled 1. Real lessons pass datasets.LoadMNIST(datasets.Train).
func barSource() *datasets.Images {
	src := &datasets.Images{Pixels: make([]float32, 28*28), Labels: []int{1}, N: 1, Height: 28, Width: 28,
		Channels: 1, ClassNames: []string{"0", "1"}}
	for y := 10; y <= 17; y++ {
		for x := 12; x <= 15; x++ {
			src.Pixels[y*28+x] = 1
		}
	}
	return src
}

func ExampleGenerateDigits() {
	cfg := datasets.DigitsConfig{Width: 64, Height: 64, MinDigits: 2, MaxDigits: 2, MinSize: 28, MaxSize: 28, Seed: 1}
	det, err := datasets.GenerateDigits(barSource(), 1, cfg)
	if err != nil {
		panic(err)
	}
	for _, o := range det.Objects[0] {
		fmt.Printf("class %d, %vx%v box\n", o.Class, o.Box.Width(), o.Box.Height())
	}
	// Output:
	// class 1, 4x8 box
	// class 1, 4x8 box
}

func ExampleDetection_ExportCOCO() {
	det, err := datasets.GenerateDigits(barSource(), 3, datasets.DigitsConfig{Width: 32, Height: 32,
		MinDigits: 1, MaxDigits: 1, MinSize: 28, MaxSize: 28, Seed: 2})
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "coco")
	defer os.RemoveAll(dir)
	if err := det.ExportCOCO(dir); err != nil {
		panic(err)
	}
	back, err := datasets.LoadCOCO(filepath.Join(dir, "annotations.json"), filepath.Join(dir, "images"), 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Images.N, back.FileNames[0], back.Objects[0][0].Box == det.Objects[0][0].Box)
	// Output: 3 000000.png true
}
