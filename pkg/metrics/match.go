package metrics

import (
	"slices"
	"sort"
)

// Match is how one detection fared in [MatchDetections].
type Match struct {
	// GT is the index (into the ground-truth slice) of the matched object, or -1 when the
	// detection matched nothing: a false positive.
	GT int
	// Crowd reports a match to a crowd region: the detection counts as neither true nor false
	// positive.
	Crowd bool
}

// TruePositive reports whether the detection matched a non-crowd object.
func (m Match) TruePositive() bool { return m.GT >= 0 && !m.Crowd }

// MatchDetections matches detections to ground truths of the same image and category at
// IoU >= iouThr with COCO's rules (see the package conventions): per image and category, detections
// in decreasing score order (ties in input order) each take the unmatched non-crowd object with the
// largest IoU, else a crowd region. It returns one Match per detection, in input order; no area
// range or detection limit applies. The inputs are not modified.
func MatchDetections(gts []GroundTruth, dts []Detection, iouThr float64) []Match {
	type key struct{ image, category int64 }
	groups := map[key]*cell{}
	get := func(k key) *cell {
		c, ok := groups[k]
		if !ok {
			c = &cell{}
			groups[k] = c
		}
		return c
	}
	for i, g := range gts {
		c := get(key{g.Image, g.Category})
		c.gts = append(c.gts, i)
	}
	for i, d := range dts {
		c := get(key{d.Image, d.Category})
		c.dts = append(c.dts, i)
	}
	out := make([]Match, len(dts))
	for i := range out {
		out[i].GT = -1
	}
	for _, c := range groups {
		if len(c.gts) == 0 || len(c.dts) == 0 {
			continue
		}
		// Non-crowd objects first, crowd regions last, each in input order.
		order := slices.Clone(c.gts)
		sort.SliceStable(order, func(a, b int) bool { return !gts[order[a]].Crowd && gts[order[b]].Crowd })
		dets := slices.Clone(c.dts)
		sort.SliceStable(dets, func(a, b int) bool { return dts[dets[a]].Score > dts[dets[b]].Score })
		taken := make(map[int]bool, len(order))
		for _, di := range dets {
			best := min(iouThr, 1-1e-10)
			m := -1
			for _, gi := range order {
				crowd := gts[gi].Crowd
				if taken[gi] && !crowd {
					continue
				}
				if m > -1 && !gts[m].Crowd && crowd {
					break
				}
				iou := IoU(dts[di].Box, gts[gi].Box, crowd)
				if iou < best {
					continue
				}
				best, m = iou, gi
			}
			if m == -1 {
				continue
			}
			taken[m] = true
			out[di] = Match{GT: m, Crowd: gts[m].Crowd}
		}
	}
	return out
}
