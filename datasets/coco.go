package datasets

import (
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// COCO is the part of a COCO-format annotation file (cocodataset.org/#format-data, "Object
// Detection") that detection uses. Other fields (info, licenses, segmentation) are ignored.
type COCO struct {
	Images      []COCOImage      `json:"images"`
	Annotations []COCOAnnotation `json:"annotations"`
	Categories  []COCOCategory   `json:"categories"`
}

// COCOImage is one entry of "images".
type COCOImage struct {
	ID       int64  `json:"id"`
	FileName string `json:"file_name"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
}

// COCOAnnotation is one entry of "annotations". BBox is [x, y, width, height] in pixels, (x, y)
// the top-left corner.
type COCOAnnotation struct {
	ID         int64     `json:"id"`
	ImageID    int64     `json:"image_id"`
	CategoryID int64     `json:"category_id"`
	BBox       []float64 `json:"bbox"`
	Area       float64   `json:"area"`
	IsCrowd    int       `json:"iscrowd"`
}

// COCOCategory is one entry of "categories".
type COCOCategory struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// MaxCOCOBytes bounds the size of a COCO JSON file ReadCOCO accepts (1 GiB).
const MaxCOCOBytes = 1 << 30

// maxCOCOSide bounds an image side a COCO file may declare.
const maxCOCOSide = 1 << 16

// ReadCOCO decodes and validates COCO JSON: an object (not null), image and category ids unique,
// image sizes in [1, 65536], file names relative without "..", every annotation pointing at a known
// image and category, boxes of 4 finite numbers with non-negative width and height, and areas
// not negative.
func ReadCOCO(r io.Reader) (*COCO, error) {
	var c *COCO
	dec := json.NewDecoder(io.LimitReader(r, MaxCOCOBytes))
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("datasets: coco json: %w", err)
	}
	if c == nil {
		return nil, fmt.Errorf(`datasets: coco json is null, want an object with "images", "annotations" and "categories"`)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// check validates c; see ReadCOCO.
func (c *COCO) check() error {
	images := make(map[int64]bool, len(c.Images))
	for _, im := range c.Images {
		if images[im.ID] {
			return fmt.Errorf("datasets: coco: image id %d appears twice", im.ID)
		}
		images[im.ID] = true
		if im.Width < 1 || im.Height < 1 || im.Width > maxCOCOSide || im.Height > maxCOCOSide {
			return fmt.Errorf("datasets: coco: image %d is %dx%d, want sides in [1, %d]", im.ID, im.Width, im.Height, maxCOCOSide)
		}
		if !safeRelName(im.FileName) {
			return fmt.Errorf("datasets: coco: image %d file_name %q, want a relative path without \"..\"", im.ID, im.FileName)
		}
	}
	cats := make(map[int64]bool, len(c.Categories))
	for _, cat := range c.Categories {
		if cats[cat.ID] {
			return fmt.Errorf("datasets: coco: category id %d appears twice", cat.ID)
		}
		cats[cat.ID] = true
	}
	for _, a := range c.Annotations {
		if !images[a.ImageID] {
			return fmt.Errorf("datasets: coco: annotation %d refers to unknown image %d", a.ID, a.ImageID)
		}
		if !cats[a.CategoryID] {
			return fmt.Errorf("datasets: coco: annotation %d refers to unknown category %d", a.ID, a.CategoryID)
		}
		if len(a.BBox) != 4 {
			return fmt.Errorf("datasets: coco: annotation %d bbox has %d numbers, want 4 (x, y, w, h)", a.ID, len(a.BBox))
		}
		for _, v := range a.BBox {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e7 {
				return fmt.Errorf("datasets: coco: annotation %d bbox %v, want finite pixel values", a.ID, a.BBox)
			}
		}
		if a.BBox[2] < 0 || a.BBox[3] < 0 {
			return fmt.Errorf("datasets: coco: annotation %d bbox %v has negative width or height", a.ID, a.BBox)
		}
		if a.Area < 0 {
			return fmt.Errorf("datasets: coco: annotation %d area %v, want >= 0", a.ID, a.Area)
		}
	}
	return nil
}

// safeRelName reports whether name is a non-empty relative slash path with no ".." element.
func safeRelName(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || filepath.IsAbs(name) {
		return false
	}
	return !slices.Contains(strings.Split(name, "/"), "..")
}

// classIndex maps category ids, sorted, to class indices 0, 1, ... and returns their names.
func (c *COCO) classIndex() (map[int64]int, []string) {
	cats := slices.Clone(c.Categories)
	slices.SortFunc(cats, func(a, b COCOCategory) int { return cmp.Compare(a.ID, b.ID) })
	index := make(map[int64]int, len(cats))
	names := make([]string, len(cats))
	for i, cat := range cats {
		index[cat.ID] = i
		names[i] = cat.Name
	}
	return index, names
}

// LoadCOCO reads a COCO annotation file and the images it lists from imageDir into a
// Detection with the given number of channels (1: grey as ITU-R 601 luma, the standard
// library's color.GrayModel; 3: RGB). Every image must have the size its entry declares and all
// must share one size. Categories sorted by id become class indices 0, 1, ...; crowd
// annotations (iscrowd=1) are dropped, as COCO evaluation ignores them. Errors name the file.
func LoadCOCO(annotationsPath, imageDir string, channels int) (*Detection, error) {
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("datasets: coco: %d channels, want 1 or 3", channels)
	}
	f, err := os.Open(annotationsPath)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	c, err := ReadCOCO(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, annotationsPath)
	}
	if len(c.Images) == 0 {
		return nil, fmt.Errorf("datasets: coco: %s lists no images", annotationsPath)
	}
	index, names := c.classIndex()
	w, h := c.Images[0].Width, c.Images[0].Height
	n := len(c.Images)
	d := &Detection{
		Images:    &Images{Pixels: make([]float32, n*w*h*channels), N: n, Width: w, Height: h, Channels: channels, ClassNames: names},
		Objects:   make([][]Object, n),
		FileNames: make([]string, n),
	}
	pos := make(map[int64]int, n)
	for i, im := range c.Images {
		if im.Width != w || im.Height != h {
			return nil, fmt.Errorf("datasets: coco: %s: image %q is %dx%d, want %dx%d like the first (images must share one size)",
				annotationsPath, im.FileName, im.Width, im.Height, w, h)
		}
		p := filepath.Join(imageDir, filepath.FromSlash(im.FileName))
		rgb, err := DecodeImageFile(p)
		if err != nil {
			return nil, err
		}
		if b := rgb.Bounds(); b.Dx() != w || b.Dy() != h {
			return nil, fmt.Errorf("datasets: coco: %s is %dx%d, but %s declares %dx%d", p, b.Dx(), b.Dy(), annotationsPath, w, h)
		}
		dst := d.Images.Image(i)
		if channels == 3 {
			RGBFloat32To(dst, rgb)
		} else {
			for j := range w * h {
				c := color.GrayModel.Convert(color.RGBA{rgb.Pix[4*j], rgb.Pix[4*j+1], rgb.Pix[4*j+2], 0xff}).(color.Gray)
				dst[j] = float32(c.Y) / 255
			}
		}
		d.FileNames[i] = im.FileName
		pos[im.ID] = i
	}
	for _, a := range c.Annotations {
		if a.IsCrowd != 0 {
			continue
		}
		i := pos[a.ImageID]
		x, y, bw, bh := a.BBox[0], a.BBox[1], a.BBox[2], a.BBox[3]
		d.Objects[i] = append(d.Objects[i], Object{
			Box:   Box{float32(x), float32(y), float32(x + bw), float32(y + bh)},
			Class: index[a.CategoryID],
		})
	}
	return d, nil
}

// ExportCOCO writes d to dir as dir/images/<FileName> 8-bit PNGs (grey for 1 channel, RGB for
// 3) and dir/annotations.json in COCO format: image ids 1..N in order, category ids class+1
// (COCO starts ids at 1), annotation ids 1.. in order, bbox [x1, y1, x2-x1, y2-y1], area w*h,
// iscrowd 0. Each file is written to a temporary file and renamed, the JSON last, so a reader
// never sees annotations for images not yet written.
func (d *Detection) ExportCOCO(dir string) error {
	im := d.Images
	if im.Channels != 1 && im.Channels != 3 {
		return fmt.Errorf("datasets: export: %d channels, want 1 or 3", im.Channels)
	}
	if len(d.Objects) != im.N {
		return fmt.Errorf("datasets: export: %d object lists for %d images", len(d.Objects), im.N)
	}
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	out := COCO{Images: []COCOImage{}, Annotations: []COCOAnnotation{}, Categories: []COCOCategory{}}
	for k, name := range im.ClassNames {
		out.Categories = append(out.Categories, COCOCategory{ID: int64(k + 1), Name: name})
	}
	for i := range im.N {
		name := fmt.Sprintf("%06d.png", i+1)
		if i < len(d.FileNames) && d.FileNames[i] != "" {
			name = d.FileNames[i]
		}
		if !safeRelName(name) {
			return fmt.Errorf("datasets: export: file name %q, want a relative path without \"..\"", name)
		}
		p := filepath.Join(dir, "images", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("datasets: %w", err)
		}
		if err := writeFileAtomic(p, func(w io.Writer) error { return png.Encode(w, planeImage(im, i)) }); err != nil {
			return err
		}
		id := int64(i + 1)
		out.Images = append(out.Images, COCOImage{ID: id, FileName: name, Width: im.Width, Height: im.Height})
		for _, o := range d.Objects[i] {
			b := o.Box
			out.Annotations = append(out.Annotations, COCOAnnotation{
				ID: int64(len(out.Annotations) + 1), ImageID: id, CategoryID: int64(o.Class + 1),
				BBox: []float64{float64(b.X1), float64(b.Y1), float64(b.Width()), float64(b.Height())},
				Area: float64(b.Area()),
			})
		}
	}
	return writeFileAtomic(filepath.Join(dir, "annotations.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(out)
	})
}

// planeImage returns image i of d as an 8-bit image.Gray or image.RGBA (values rounded).
func planeImage(d *Images, i int) image.Image {
	px := d.Image(i)
	to8 := func(v float32) uint8 { return uint8(min(max(v, 0), 1)*255 + 0.5) }
	r := image.Rect(0, 0, d.Width, d.Height)
	if d.Channels == 1 {
		g := image.NewGray(r)
		for j, v := range px {
			g.Pix[j] = to8(v)
		}
		return g
	}
	c := image.NewRGBA(r)
	for j := range d.Width * d.Height {
		c.Pix[4*j], c.Pix[4*j+1], c.Pix[4*j+2], c.Pix[4*j+3] = to8(px[3*j]), to8(px[3*j+1]), to8(px[3*j+2]), 0xff
	}
	return c
}

// writeFileAtomic writes path through a temporary file in the same directory, renamed into
// place only after write and close succeed.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("datasets: %w", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}
