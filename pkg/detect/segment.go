package detect

import (
	"fmt"
	"math"
	"slices"
)

// rgbImage is an image as float32 channels in [0, 1], row-major, three values per pixel.
type rgbImage struct {
	width, height int
	pix           []float32
}

// Segmentation is a partition of an image into regions: Labels[y*Width+x] is the region of pixel
// (x, y), numbered 0..NumRegions-1 in raster order of their first pixel.
type Segmentation struct {
	Width, Height int
	Labels        []int32
	NumRegions    int
}

// SegmentGraph partitions img with Felzenszwalb and Huttenlocher's graph-based segmentation
// (IJCV 2004): pixels are graph nodes joined to their 8 neighbours by edges weighted by the Euclidean
// RGB distance after Gaussian smoothing with sigma; edges are visited by increasing weight and two
// regions C1, C2 merge when the edge weight is at most min(Int(C1) + k/|C1|, Int(C2) + k/|C2|), where
// Int is a region's largest internal edge. Regions smaller than minSize pixels are then merged into a
// neighbour. Larger k gives larger regions.
//
// Weights are on the paper's 0-255 scale (the [0, 1] colour differences times 255), so the paper's
// k = 50..300, sigma = 0.8 apply unchanged. Equal weights are visited in a fixed order, so the result
// is deterministic.
func SegmentGraph(img Image, k, sigma float32, minSize int) Segmentation {
	return segmentGraph(toRGB(img), k, sigma, minSize)
}

func segmentGraph(img rgbImage, k, sigma float32, minSize int) Segmentation {
	w, h := img.width, img.height
	seg := Segmentation{Width: w, Height: h, Labels: make([]int32, w*h)}
	if w*h == 0 {
		return seg
	}
	sm := rgbImage{w, h, gaussianBlur(img.pix, w, h, 3, sigma)}
	// Edges as (weight, a, b); sorted through 64-bit keys weight<<32 | index, which orders by weight
	// (non-negative float32 bits are monotone) and breaks ties by index: deterministic and fast.
	ea := make([]int32, 0, 4*w*h)
	eb := make([]int32, 0, 4*w*h)
	keys := make([]uint64, 0, 4*w*h)
	add := func(a, b int) {
		var d float32
		for c := range 3 {
			v := sm.pix[3*a+c] - sm.pix[3*b+c]
			d += v * v
		}
		wt := 255 * float32(math.Sqrt(float64(d)))
		keys = append(keys, uint64(math.Float32bits(wt))<<32|uint64(len(ea)))
		ea, eb = append(ea, int32(a)), append(eb, int32(b))
	}
	for y := range h {
		for x := range w {
			i := y*w + x
			if x+1 < w {
				add(i, i+1)
			}
			if y+1 < h {
				add(i, i+w)
				if x+1 < w {
					add(i, i+w+1)
				}
				if x > 0 {
					add(i, i+w-1)
				}
			}
		}
	}
	slices.Sort(keys)
	u := newUnionFind(w * h)
	thresh := make([]float32, w*h)
	for i := range thresh {
		thresh[i] = k
	}
	for _, key := range keys {
		e, wt := key&0xffffffff, math.Float32frombits(uint32(key>>32))
		a, b := u.find(ea[e]), u.find(eb[e])
		if a != b && wt <= thresh[a] && wt <= thresh[b] {
			r := u.union(a, b)
			thresh[r] = wt + k/float32(u.size[r])
		}
	}
	for _, key := range keys {
		e := key & 0xffffffff
		a, b := u.find(ea[e]), u.find(eb[e])
		if a != b && (int(u.size[a]) < minSize || int(u.size[b]) < minSize) {
			u.union(a, b)
		}
	}
	label := make(map[int32]int32)
	for i := range seg.Labels {
		r := u.find(int32(i))
		l, ok := label[r]
		if !ok {
			l = int32(len(label))
			label[r] = l
		}
		seg.Labels[i] = l
	}
	seg.NumRegions = len(label)
	return seg
}

// unionFind is a disjoint-set forest with union by size and path halving.
type unionFind struct {
	parent, size []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = int32(i), 1
	}
	return u
}

func (u *unionFind) find(i int32) int32 {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the sets with roots a and b and returns the new root.
func (u *unionFind) union(a, b int32) int32 {
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
	return a
}

// gaussianBlur returns pix (width x height x channels) convolved with a Gaussian of standard deviation
// sigma, separably, with edge pixels repeated. sigma <= 0 returns a copy.
func gaussianBlur(pix []float32, width, height, channels int, sigma float32) []float32 {
	out := slices.Clone(pix)
	if sigma <= 0 {
		return out
	}
	r := int(math.Ceil(float64(4 * sigma)))
	kernel := make([]float32, 2*r+1)
	var sum float32
	for i := range kernel {
		d := float64(i - r)
		kernel[i] = float32(math.Exp(-d * d / (2 * float64(sigma) * float64(sigma))))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	tmp := make([]float32, len(pix))
	clamp := func(v, n int) int { return min(max(v, 0), n-1) }
	for y := range height {
		for x := range width {
			for c := range channels {
				var s float32
				for i, kv := range kernel {
					s += kv * pix[(y*width+clamp(x+i-r, width))*channels+c]
				}
				tmp[(y*width+x)*channels+c] = s
			}
		}
	}
	for y := range height {
		for x := range width {
			for c := range channels {
				var s float32
				for i, kv := range kernel {
					s += kv * tmp[(clamp(y+i-r, height)*width+x)*channels+c]
				}
				out[(y*width+x)*channels+c] = s
			}
		}
	}
	return out
}

// Image is an image for the proposal functions: float32 pixels in [0, 1], row-major, Channels values
// per pixel (1 for grey, 3 for RGB), as one image of the course's [batch, height, width, channels]
// tensors.
type Image struct {
	Pix                     []float32
	Width, Height, Channels int
}

// toRGB converts img to three channels, repeating a grey channel. It panics on a malformed Image.
func toRGB(img Image) rgbImage {
	if img.Channels != 1 && img.Channels != 3 {
		panic(fmt.Sprintf("detect: Image has %d channels, want 1 or 3", img.Channels))
	}
	if img.Width < 0 || img.Height < 0 || len(img.Pix) != img.Width*img.Height*img.Channels {
		panic(fmt.Sprintf("detect: Image has len(Pix) = %d, want Width*Height*Channels = %d*%d*%d",
			len(img.Pix), img.Width, img.Height, img.Channels))
	}
	if img.Channels == 3 {
		return rgbImage{img.Width, img.Height, img.Pix}
	}
	pix := make([]float32, 3*len(img.Pix))
	for i, v := range img.Pix {
		pix[3*i], pix[3*i+1], pix[3*i+2] = v, v, v
	}
	return rgbImage{img.Width, img.Height, pix}
}
