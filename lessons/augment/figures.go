package augment

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cvlessons/cvlessons/datasets"
	aug "github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/plot"
)

// photos are a few labelled pictures for the figures.
type photos struct {
	images     []*aug.Image
	labels     []int
	classNames []string
	source     string
}

// loadPhotos decodes the first perClass photos of every class under dir/train (ImageFolder layout),
// each resized so that its shorter side is short pixels.
func loadPhotos(dir string, perClass, short int) (*photos, error) {
	root := filepath.Join(dir, "train")
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("augment: reading photos: %w", err)
	}
	p := &photos{source: root}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("augment: reading photos: %w", err)
		}
		names := []string{}
		for _, f := range files {
			if ext := strings.ToLower(filepath.Ext(f.Name())); ext == ".jpg" || ext == ".jpeg" || ext == ".png" {
				names = append(names, f.Name())
			}
		}
		slices.Sort(names)
		class := len(p.classNames)
		p.classNames = append(p.classNames, e.Name())
		for _, name := range names[:min(perClass, len(names))] {
			img, err := datasets.DecodeImageFile(filepath.Join(root, e.Name(), name))
			if err != nil {
				return nil, fmt.Errorf("augment: %w", err)
			}
			s := aug.Resize{Size: short}.Apply(aug.Sample{Image: aug.ToTensor(img)}, nil)
			p.images = append(p.images, s.Image)
			p.labels = append(p.labels, class)
		}
	}
	if len(p.images) == 0 {
		return nil, fmt.Errorf("augment: no photos under %s", root)
	}
	return p, nil
}

// fashionPhotos stands in for the photos when hymenoptera_data is missing: perClass Fashion-MNIST
// training images of classes 0 and 1, enlarged to short pixels.
func fashionPhotos(perClass, short int) (*photos, error) {
	d, err := datasets.LoadFashionMNIST(datasets.Train)
	if err != nil {
		return nil, err
	}
	p := &photos{classNames: d.ClassNames[:2], source: "Fashion-MNIST (hymenoptera_data not found)"}
	count := [2]int{}
	for i := 0; i < d.N && (count[0] < perClass || count[1] < perClass); i++ {
		l := d.Labels[i]
		if l > 1 || count[l] >= perClass {
			continue
		}
		count[l]++
		m := &aug.Image{Pix: d.Image(i), Height: d.Height, Width: d.Width, Channels: d.Channels}
		p.images = append(p.images, aug.ResizeImage(m, short, short, aug.Bilinear))
		p.labels = append(p.labels, l)
	}
	return p, nil
}

// TransformGrid draws each row's transform n times on img, one row per transform, every cell with its
// own random source (aug.SampleRand(seed, row, i)), titled with the row's name. Values are clamped to
// [0, 1] for display, so leave Normalize out.
func TransformGrid(img *aug.Image, rows []Row, n int, seed uint64) (*plot.Figure, error) {
	var cells []image.Image
	var titles []string
	for r, row := range rows {
		for i := range n {
			out := row.Transform.Apply(aug.Sample{Image: img}, aug.SampleRand(seed, r, i))
			cells = append(cells, out.Image.ToNRGBA())
			titles = append(titles, row.Name)
		}
	}
	return plot.ImageGrid(cells, titles, n)
}

// Row is one row of a TransformGrid: a transform and its title.
type Row struct {
	Name      string
	Transform aug.Transform
}

// gridRows are the transforms of the photo grid: the note's training crop, a flip, colour jitter and
// the note's whole training pipeline (crop + flip; normalisation is left out so the colours show).
func gridRows(size int) []Row {
	crop := aug.RandomResizedCrop{Size: size, Scale: [2]float64{0.5, 1}}
	return []Row{
		{"RandomResizedCrop", crop},
		{"HorizontalFlip p=.5", aug.Compose{aug.CenterCrop{Size: size}, aug.RandomHorizontalFlip{P: 0.5}}},
		{"ColorJitter", aug.Compose{aug.CenterCrop{Size: size}, aug.ColorJitter{Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1}}},
		{"crop + flip (note)", aug.Compose{crop, aug.RandomHorizontalFlip{P: 0.5}}},
	}
}

// MixedSample describes one image of a CutMix or MixUp batch.
type MixedSample struct {
	// Own and Partner are the class names of the image and of the image mixed into it.
	Own     string `json:"own"`
	Partner string `json:"partner"`
	// OwnWeight and PartnerWeight are their label weights (summing to 1; one class gets both when
	// the two are the same class).
	OwnWeight     float64 `json:"own_weight"`
	PartnerWeight float64 `json:"partner_weight"`
}

// mixFigure stacks the photos (centre-cropped to size), mixes them and draws the originals above the
// mixed images, each titled with its label weights.
func mixFigure(p *photos, size int, mix func(*aug.Batch) (*aug.Batch, aug.Mix)) (*plot.Figure, []MixedSample, error) {
	imgs := make([]*aug.Image, len(p.images))
	for i, m := range p.images {
		imgs[i] = aug.CenterCrop{Size: size}.Apply(aug.Sample{Image: m}, nil).Image
	}
	b, err := aug.Stack(imgs, p.labels, len(p.classNames))
	if err != nil {
		return nil, nil, err
	}
	out, m := mix(b)
	var cells []image.Image
	var titles []string
	for i := range b.N {
		cells = append(cells, imgs[i].ToNRGBA())
		titles = append(titles, "original: "+p.classNames[p.labels[i]])
	}
	var samples []MixedSample
	for i := range b.N {
		own, partner := p.labels[i], p.labels[m.Partner[i]]
		ms := MixedSample{Own: p.classNames[own], Partner: p.classNames[partner],
			OwnWeight: float64(out.Label(i)[own]), PartnerWeight: float64(out.Label(i)[partner])}
		if own == partner {
			ms.OwnWeight, ms.PartnerWeight = m.Lambda, 1-m.Lambda
		}
		samples = append(samples, ms)
		cells = append(cells, out.Image(i).ToNRGBA())
		titles = append(titles, fmt.Sprintf("%s %.2f+%s %.2f", ms.Own, ms.OwnWeight, ms.Partner, ms.PartnerWeight))
	}
	fig, err := plot.ImageGrid(cells, titles, b.N)
	return fig, samples, err
}

// MosaicStats counts what Mosaic did to the boxes.
type MosaicStats struct {
	// BoxesIn is the number of boxes on the four input images; BoxesKept those on the mosaic.
	BoxesIn   int `json:"boxes_in"`
	BoxesKept int `json:"boxes_kept"`
	// Centre is the random centre of the mosaic (x, y) on its Size x Size canvas.
	Centre [2]int `json:"centre"`
	Size   int    `json:"size"`
}

// mosaicFigure builds a mosaic from the first four digit-detection images (96x96, 1-4 MNIST digits
// each), every image first resized to half the canvas as YOLOv5 does, and draws the kept boxes.
func mosaicFigure(seed uint64) (*plot.Figure, MosaicStats, error) {
	cfg := datasets.DefaultDigitsConfig()
	cfg.Seed = seed
	det, _, err := datasets.DigitDetection(cfg, 4, 0)
	if err != nil {
		return nil, MosaicStats{}, err
	}
	const size = 192
	var in [4]aug.Sample
	st := MosaicStats{Size: size}
	d := det.Images
	for k := range in {
		s := aug.Sample{Image: &aug.Image{Pix: d.Image(k), Height: d.Height, Width: d.Width, Channels: d.Channels}, Boxes: []aug.Box{}, Classes: []int{}}
		for _, o := range det.Objects[k] {
			s.Boxes = append(s.Boxes, aug.Box{X1: o.Box.X1, Y1: o.Box.Y1, X2: o.Box.X2, Y2: o.Box.Y2})
			s.Classes = append(s.Classes, o.Class)
		}
		st.BoxesIn += len(s.Boxes)
		in[k] = aug.Resize{Height: size / 2, Width: size / 2}.Apply(s, nil)
	}
	out, centre := aug.NewMosaic(size).Apply(in, aug.SampleRand(seed, 0, 0))
	st.BoxesKept = len(out.Boxes)
	st.Centre = [2]int{centre.X, centre.Y}
	boxes := make([]plot.Box, len(out.Boxes))
	for i, b := range out.Boxes {
		boxes[i] = plot.Box{X1: b.X1, Y1: b.Y1, X2: b.X2, Y2: b.Y2, Label: d.ClassNames[out.Classes[i]]}
	}
	fig, err := plot.DrawBoxes(out.Image.ToNRGBA(), boxes, 3)
	return fig, st, err
}
