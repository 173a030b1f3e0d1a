package detect

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Similarity is a set of the region similarities of Uijlings et al. 2013 (section 3.2), summed when
// several are chosen.
type Similarity uint8

// The four similarities; combine them with |.
const (
	// ColourSim is the intersection of the regions' L1-normalised colour histograms.
	ColourSim Similarity = 1 << iota
	// TextureSim is the intersection of their gradient-orientation histograms.
	TextureSim
	// SizeSim is 1 - (size(a) + size(b)) / size(image): small regions merge first.
	SizeSim
	// FillSim is 1 - (size(BB) - size(a) - size(b)) / size(image), BB the pair's bounding box: regions
	// that fill each other's gaps merge first.
	FillSim
)

// String lists the similarities as "C+T+S+F", the paper's notation.
func (s Similarity) String() string {
	var out string
	for i, name := range []string{"C", "T", "S", "F"} {
		if s&(1<<i) != 0 {
			if out != "" {
				out += "+"
			}
			out += name
		}
	}
	if out == "" {
		return "none"
	}
	return out
}

// SelectiveSearchConfig chooses selective search's diversification strategies: every combination of
// a colour space, a similarity set and a segmentation scale k is one hierarchical grouping, and their
// boxes are combined.
type SelectiveSearchConfig struct {
	// ColourSpaces in which to segment and compare colours.
	ColourSpaces []ColourSpace
	// Similarities to group by, each a combination such as ColourSim|TextureSim|SizeSim|FillSim.
	Similarities []Similarity
	// Ks are the Felzenszwalb-Huttenlocher scales k (0-255 colour scale).
	Ks []float32
	// MinSize is the segmentation's minimum region size in pixels; 0 means k pixels, the authors'
	// choice for PASCAL-sized (about 500x375) images. Small images need less: an object smaller than
	// MinSize pixels is merged into its surroundings before grouping starts.
	MinSize int
	// Sigma smooths the image before segmentation (the paper's 0.8).
	Sigma float32
	// Seed drives the random part of the ranking.
	Seed uint64
}

// SelectiveSearchSingle returns the paper's "single strategy": HSV, C+T+S+F, k = 100.
func SelectiveSearchSingle() SelectiveSearchConfig {
	return SelectiveSearchConfig{ColourSpaces: []ColourSpace{HSV},
		Similarities: []Similarity{ColourSim | TextureSim | SizeSim | FillSim}, Ks: []float32{100}, Sigma: 0.8, Seed: 1}
}

// SelectiveSearchFast returns the paper's "Selective Search Fast" (table 5): colour spaces HSV and Lab,
// similarities C+T+S+F and T+S+F, k = 50 and 100: eight strategies.
func SelectiveSearchFast() SelectiveSearchConfig {
	return SelectiveSearchConfig{ColourSpaces: []ColourSpace{HSV, Lab},
		Similarities: []Similarity{ColourSim | TextureSim | SizeSim | FillSim, TextureSim | SizeSim | FillSim},
		Ks:           []float32{50, 100}, Sigma: 0.8, Seed: 1}
}

// SelectiveSearch returns region proposals for img by selective search (Uijlings et al. 2013): for
// each strategy in cfg, segment the image ([SegmentGraph]), then repeatedly merge the two most similar
// neighbouring regions until one remains; every region of the hierarchy gives a box.
//
// Boxes are ordered as in the paper (section 3.4): within a strategy a region's position is 1 for the
// whole image (the last merge), 2 for the one before, and so on; each box gets position × RND, RND
// uniform in [0, 1) from cfg.Seed, and all strategies' boxes are sorted by that value, so large
// regions come first but small ones are interleaved. Repeated boxes keep their first place. Boxes are
// in pixels with no +1: a region covering pixel columns 3..5 gives X1 = 3, X2 = 6.
//
// It panics on a malformed Image or an empty strategy list.
func SelectiveSearch(img Image, cfg SelectiveSearchConfig) []Box {
	if len(cfg.ColourSpaces) == 0 || len(cfg.Similarities) == 0 || len(cfg.Ks) == 0 {
		panic(fmt.Sprintf("detect: SelectiveSearch: %d colour spaces, %d similarities, %d scales: want at least one of each",
			len(cfg.ColourSpaces), len(cfg.Similarities), len(cfg.Ks)))
	}
	rgb := toRGB(img)
	if rgb.width*rgb.height == 0 {
		return []Box{}
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5e1ec7))
	type ranked struct {
		box Box
		v   float64
	}
	var all []ranked
	for _, cs := range cfg.ColourSpaces {
		conv := cs.convert(rgb)
		colour, texture := pixelBins(conv)
		for _, k := range cfg.Ks {
			minSize := cfg.MinSize
			if minSize == 0 {
				minSize = int(k)
			}
			seg := segmentGraph(conv, k, cfg.Sigma, minSize)
			base := initialRegions(seg, colour, texture)
			for _, sim := range cfg.Similarities {
				boxes := groupHierarchically(cloneRegions(base), seg.Width*seg.Height, sim)
				for i, b := range boxes {
					pos := len(boxes) - i // 1 for the last merge
					all = append(all, ranked{b, float64(pos) * r.Float64()})
				}
			}
		}
	}
	slices.SortStableFunc(all, func(a, b ranked) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	seen := make(map[Box]bool, len(all))
	out := make([]Box, 0, len(all))
	for _, a := range all {
		if !seen[a.box] {
			seen[a.box] = true
			out = append(out, a.box)
		}
	}
	return out
}

// region is one region of the grouping hierarchy.
type region struct {
	size       int
	box        Box
	colour     []float32 // L1-normalised, colourLen
	texture    []float32 // L1-normalised, textureLen
	neighbours map[int]bool
	alive      bool
}

func initialRegions(seg Segmentation, colour, texture []uint8) []region {
	w := seg.Width
	rs := make([]region, seg.NumRegions)
	for i := range rs {
		rs[i] = region{box: Box{X1: float32(w), Y1: float32(seg.Height)}, colour: make([]float32, colourLen),
			texture: make([]float32, textureLen), neighbours: map[int]bool{}, alive: true}
	}
	for p, l := range seg.Labels {
		x, y := float32(p%w), float32(p/w)
		r := &rs[l]
		r.size++
		r.box = Box{X1: min(r.box.X1, x), Y1: min(r.box.Y1, y), X2: max(r.box.X2, x+1), Y2: max(r.box.Y2, y+1)}
		for c := range 3 {
			r.colour[c*colourBins+int(colour[3*p+c])]++
			for o := range orientations {
				r.texture[(c*orientations+o)*textureBins+int(texture[(3*p+c)*orientations+o])]++
			}
		}
		// 8-connected adjacency, looking right and down only (each pair once).
		px, py := p%w, p/w
		for _, d := range [][2]int{{1, 0}, {0, 1}, {1, 1}, {-1, 1}} {
			qx, qy := px+d[0], py+d[1]
			if qx < 0 || qx >= w || qy >= seg.Height {
				continue
			}
			if m := seg.Labels[qy*w+qx]; m != l {
				rs[l].neighbours[int(m)] = true
				rs[m].neighbours[int(l)] = true
			}
		}
	}
	for i := range rs {
		normalise(rs[i].colour)
		normalise(rs[i].texture)
	}
	return rs
}

func cloneRegions(rs []region) []region {
	out := make([]region, len(rs), 2*len(rs))
	for i, r := range rs {
		out[i] = r
		out[i].neighbours = make(map[int]bool, len(r.neighbours))
		for n := range r.neighbours {
			out[i].neighbours[n] = true
		}
	}
	return out
}

func normalise(h []float32) {
	var s float32
	for _, v := range h {
		s += v
	}
	if s > 0 {
		for i := range h {
			h[i] /= s
		}
	}
}

func histIntersection(a, b []float32) float32 {
	var s float32
	for i, v := range a {
		s += min(v, b[i])
	}
	return s
}

func similarity(a, b *region, imageSize int, sim Similarity) float32 {
	var s float32
	if sim&ColourSim != 0 {
		s += histIntersection(a.colour, b.colour)
	}
	if sim&TextureSim != 0 {
		s += histIntersection(a.texture, b.texture)
	}
	if sim&SizeSim != 0 {
		s += 1 - float32(a.size+b.size)/float32(imageSize)
	}
	if sim&FillSim != 0 {
		s += 1 - (a.box.Enclose(b.box).Area()-float32(a.size)-float32(b.size))/float32(imageSize)
	}
	return s
}

// pair is a candidate merge in the similarity heap.
type pair struct {
	s    float32
	a, b int
}

type pairHeap []pair

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].s != h[j].s {
		return h[i].s > h[j].s
	}
	if h[i].a != h[j].a {
		return h[i].a < h[j].a
	}
	return h[i].b < h[j].b
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pair)) }
func (h *pairHeap) Pop() any {
	old := *h
	p := old[len(old)-1]
	*h = old[:len(old)-1]
	return p
}

// groupHierarchically merges the most similar neighbouring regions until none are left to merge and
// returns every region's box in creation order (initial regions first, the last merge last).
func groupHierarchically(rs []region, imageSize int, sim Similarity) []Box {
	h := &pairHeap{}
	for i := range rs {
		for j := range rs[i].neighbours {
			if i < j {
				*h = append(*h, pair{similarity(&rs[i], &rs[j], imageSize, sim), i, j})
			}
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		p := heap.Pop(h).(pair)
		if !rs[p.a].alive || !rs[p.b].alive {
			continue // stale: one side was merged already
		}
		a, b := &rs[p.a], &rs[p.b]
		t := region{size: a.size + b.size, box: a.box.Enclose(b.box), colour: make([]float32, colourLen),
			texture: make([]float32, textureLen), neighbours: map[int]bool{}, alive: true}
		fa, fb := float32(a.size)/float32(t.size), float32(b.size)/float32(t.size)
		for i := range t.colour {
			t.colour[i] = fa*a.colour[i] + fb*b.colour[i]
		}
		for i := range t.texture {
			t.texture[i] = fa*a.texture[i] + fb*b.texture[i]
		}
		a.alive, b.alive = false, false
		a.colour, a.texture, b.colour, b.texture = nil, nil, nil, nil
		ti := len(rs)
		for n := range a.neighbours {
			if n != p.b {
				t.neighbours[n] = true
			}
		}
		for n := range b.neighbours {
			if n != p.a {
				t.neighbours[n] = true
			}
		}
		rs = append(rs, t)
		nbs := make([]int, 0, len(t.neighbours))
		for n := range t.neighbours {
			nbs = append(nbs, n)
		}
		slices.Sort(nbs) // deterministic heap order
		for _, n := range nbs {
			delete(rs[n].neighbours, p.a)
			delete(rs[n].neighbours, p.b)
			rs[n].neighbours[ti] = true
			heap.Push(h, pair{similarity(&rs[n], &rs[ti], imageSize, sim), n, ti})
		}
	}
	boxes := make([]Box, len(rs))
	for i, r := range rs {
		boxes[i] = r.box
	}
	return boxes
}
