package datasets

import (
	"fmt"
	"image"
	_ "image/gif" // registers GIF; image.Decode returns the first frame
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// DefaultExtensions are the file extensions LoadImageFolder reads (lower case; matching ignores
// case). torchvision's ImageFolder reads no .gif, so on hymenoptera_data it counts 244 training
// images where this package counts 245 (train/ants/imageNotFound.gif).
var DefaultExtensions = []string{".jpg", ".jpeg", ".png", ".gif"}

// MaxImagePixels bounds the width*height an image header may declare (100 megapixels), so a
// tiny file cannot make the decoder allocate gigabytes.
const MaxImagePixels = 100_000_000

// ImageFolderOptions configures ReadImageFolder and LoadImageFolder.
type ImageFolderOptions struct {
	// Width and Height, when both positive, make LoadImageFolder resize every image to exactly
	// Width x Height (bilinear, aspect ratio not kept); when zero, all images must share one size.
	// ReadImageFolder ignores them.
	Width, Height int
	// Extensions lists the file extensions to read; nil means DefaultExtensions.
	Extensions []string
	// SkipBad skips unreadable or undecodable files, recording them in ImageFolder.Skipped (and
	// LoadImageFolder prints a counted warning to Warnings); otherwise the first one is an error.
	SkipBad bool
	// Warnings receives LoadImageFolder's warning about skipped files; nil means os.Stderr.
	Warnings io.Writer
	// Workers is the number of parallel decoders; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// ImageFolder holds decoded images as they came from disk, for transforms (pkg/augment) that
// must run per epoch on the original pixels.
type ImageFolder struct {
	// Images are the decoded images, converted to *image.RGBA (opaque RGB).
	Images []image.Image
	// Labels[i] is the class index of Images[i].
	Labels []int
	// Paths[i] is the file Images[i] came from.
	Paths []string
	// ClassNames are the sub-folder names, sorted; a class index is a position in it.
	ClassNames []string
	// Skipped lists files that could not be decoded, when SkipBad was set.
	Skipped []SkippedFile
}

// SkippedFile is a file ReadImageFolder skipped, and why.
type SkippedFile struct {
	Path string
	Err  error
}

// ReadImageFolder decodes the images under dir, laid out as torchvision's ImageFolder: one
// sub-folder per class, whose sorted names give the class indices; files directly in dir and
// deeper sub-folders are ignored. Files are taken in sorted order within each class. JPEG, PNG
// and GIF (first frame) are decoded by content, whatever the extension; every image is converted
// to opaque RGB as PIL's convert("RGB") does (grey and paletted expanded, CMYK converted, alpha
// dropped). An unreadable or corrupt file is an error naming it, unless opts.SkipBad is set.
func ReadImageFolder(dir string, opts ImageFolderOptions) (*ImageFolder, error) {
	paths, labels, classes, err := listImageFolder(dir, opts.Extensions)
	if err != nil {
		return nil, err
	}
	imgs := make([]image.Image, len(paths))
	errs := make([]error, len(paths))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var img *image.RGBA
				img, errs[i] = DecodeImageFile(paths[i])
				imgs[i] = img
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()

	out := &ImageFolder{ClassNames: classes}
	for i, p := range paths {
		if errs[i] != nil {
			if !opts.SkipBad {
				return nil, errs[i]
			}
			out.Skipped = append(out.Skipped, SkippedFile{Path: p, Err: errs[i]})
			continue
		}
		out.Images = append(out.Images, imgs[i])
		out.Labels = append(out.Labels, labels[i])
		out.Paths = append(out.Paths, p)
	}
	return out, nil
}

// LoadImageFolder reads dir like ReadImageFolder and packs the images into an Images of
// Channels 3, resized to opts.Width x opts.Height when set. With SkipBad, skipped files are
// reported as one counted warning line per call to opts.Warnings.
func LoadImageFolder(dir string, opts ImageFolderOptions) (*Images, error) {
	f, err := ReadImageFolder(dir, opts)
	if err != nil {
		return nil, err
	}
	if len(f.Skipped) > 0 {
		w := opts.Warnings
		if w == nil {
			w = os.Stderr
		}
		names := make([]string, len(f.Skipped))
		for i, s := range f.Skipped {
			names[i] = s.Path
		}
		fmt.Fprintf(w, "datasets: warning: skipped %d unreadable file(s) in %s: %s\n", len(f.Skipped), dir, strings.Join(names, ", "))
	}
	return f.Pack(opts.Width, opts.Height)
}

// Pack converts the folder's images into an Images (NHWC, C=3, values byte/255), resizing each
// to width x height with bilinear interpolation when both are positive; otherwise every image
// must already have the same size.
func (f *ImageFolder) Pack(width, height int) (*Images, error) {
	if len(f.Images) == 0 {
		return nil, fmt.Errorf("datasets: image folder: no images to pack (%d skipped)", len(f.Skipped))
	}
	out := &Images{N: len(f.Images), Channels: 3, ClassNames: f.ClassNames, Labels: slices.Clone(f.Labels)}
	if width > 0 && height > 0 {
		out.Width, out.Height = width, height
	} else {
		b := f.Images[0].Bounds()
		out.Width, out.Height = b.Dx(), b.Dy()
	}
	out.Pixels = make([]float32, out.N*out.Height*out.Width*3)
	for i, img := range f.Images {
		b := img.Bounds()
		if b.Dx() != out.Width || b.Dy() != out.Height {
			if width <= 0 || height <= 0 {
				return nil, fmt.Errorf("datasets: %s is %dx%d, want %dx%d like %s (set Width and Height to resize)",
					f.Paths[i], b.Dx(), b.Dy(), out.Width, out.Height, f.Paths[0])
			}
			img = ResizeBilinear(img, width, height)
		}
		RGBFloat32To(out.Image(i), img)
	}
	return out, nil
}

// listImageFolder returns the files of every class sub-folder of dir, sorted, with labels.
func listImageFolder(dir string, exts []string) (paths []string, labels []int, classes []string, err error) {
	if exts == nil {
		exts = DefaultExtensions
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("datasets: image folder: %w", err)
	}
	for _, e := range entries { // ReadDir sorts by name
		if isDirFollow(dir, e) && !strings.HasPrefix(e.Name(), ".") {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		return nil, nil, nil, fmt.Errorf("datasets: image folder %s has no class sub-folders", dir)
	}
	for label, class := range classes {
		files, err := os.ReadDir(filepath.Join(dir, class))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("datasets: image folder: %w", err)
		}
		for _, fe := range files {
			ext := strings.ToLower(filepath.Ext(fe.Name()))
			if fe.IsDir() || strings.HasPrefix(fe.Name(), ".") || !slices.Contains(exts, ext) {
				continue
			}
			paths = append(paths, filepath.Join(dir, class, fe.Name()))
			labels = append(labels, label)
		}
	}
	if len(paths) == 0 {
		return nil, nil, nil, fmt.Errorf("datasets: image folder %s has no files with extensions %v", dir, exts)
	}
	return paths, labels, classes, nil
}

// isDirFollow reports whether e is a directory, following a symbolic link.
func isDirFollow(dir string, e os.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink != 0 {
		st, err := os.Stat(filepath.Join(dir, e.Name()))
		return err == nil && st.IsDir()
	}
	return false
}
