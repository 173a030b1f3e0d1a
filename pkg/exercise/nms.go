package exercise

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

// CheckNMS checks nms, the student's greedy non-maximum suppression, against [detect.NMS] (which is
// torchvision.ops.nms) on 40 cases. nms returns the indices of the kept boxes, best score first: visit
// the boxes by decreasing score and keep a box unless its IoU with an already kept box is strictly
// greater than threshold (a box exactly at the threshold survives). Equal scores keep their input
// order. No boxes give no indices (nil or empty both pass). The student may use [detect.IoU].
func CheckNMS(nms func(boxes []detect.Box, scores []float32, threshold float32) []int) Result {
	return nmsSpec.check(nmsCases(), func(c nmsCase) []int { return nms(c.boxes, c.scores, c.threshold) })
}

type nmsCase struct {
	boxes     []detect.Box
	scores    []float32
	threshold float32
}

var nmsSpec = spec[nmsCase, []int]{
	name: "NMS",
	call: func(c nmsCase) string {
		bs := make([]string, len(c.boxes))
		for i, b := range c.boxes {
			bs[i] = box(b)
		}
		return fmt.Sprintf("NMS([%s], %v, %g)", strings.Join(bs, " "), c.scores, c.threshold)
	},
	want: func(c nmsCase) []int { return detect.NMS(c.boxes, c.scores, c.threshold) },
	diff: func(got, want []int) string {
		if slices.Equal(got, want) || len(got) == 0 && len(want) == 0 {
			return ""
		}
		return fmt.Sprintf(" = %v, want %v", ints(got), ints(want))
	},
	clone: func(c nmsCase) nmsCase {
		return nmsCase{slices.Clone(c.boxes), slices.Clone(c.scores), c.threshold}
	},
	mistakes: []mistake[nmsCase, []int]{
		{"a box whose IoU equals the threshold survives: suppress only when IoU > threshold " +
			"(torchvision.ops.nms \"discards all overlapping boxes with IoU > iou_threshold\")",
			func(c nmsCase) []int { return nmsVariant(c, nmsMistakes{ge: true}) }},
		{"return the kept indices by decreasing score (the order in which they were kept), not sorted by index",
			func(c nmsCase) []int { r := nmsVariant(c, nmsMistakes{}); slices.Sort(r); return r }},
		{"visit the boxes by decreasing score, not in input order",
			func(c nmsCase) []int { return nmsVariant(c, nmsMistakes{unsorted: true}) }},
		{"compare each candidate with every box kept so far, not only with the best one",
			func(c nmsCase) []int { return nmsVariant(c, nmsMistakes{firstOnly: true}) }},
		{"compare each candidate with the kept boxes only: a suppressed box suppresses nothing",
			func(c nmsCase) []int { return nmsVariant(c, nmsMistakes{all: true}) }},
		{"equal scores keep their input order: sort with a stable sort (slices.SortStableFunc)",
			func(c nmsCase) []int { return nmsVariant(c, nmsMistakes{unstable: true}) }},
	},
}

// nmsCases returns the hand-picked cases, then random ones: 2 to 8 boxes with integer corners in
// [0, 24], scores in hundredths (ties are possible), thresholds 0.3, 0.5 or 0.7.
func nmsCases() []nmsCase {
	b := func(x1, y1, x2, y2 float32) detect.Box { return detect.Box{X1: x1, Y1: y1, X2: x2, Y2: y2} }
	cases := []nmsCase{
		// Scores out of order: box 1 is best and suppresses box 0 (IoU 0.68); box 2 is far away.
		{[]detect.Box{b(0, 0, 10, 10), b(1, 1, 11, 11), b(50, 50, 60, 60)}, []float32{0.6, 0.9, 0.8}, 0.5},
		// Notebook 07's example: box 2 has IoU exactly 0.5 with box 0 and survives.
		{[]detect.Box{b(0, 0, 10, 10), b(1, 1, 11, 11), b(0, 0, 10, 20), b(50, 50, 60, 60)},
			[]float32{0.9, 0.8, 0.7, 0.6}, 0.5},
		// No boxes.
		{nil, nil, 0.5},
		// A chain: 0 suppresses 1, so 1 does not suppress 2 (IoU(0, 2) = 0).
		{[]detect.Box{b(0, 0, 10, 10), b(6, 0, 16, 10), b(12, 0, 22, 10)}, []float32{0.9, 0.8, 0.7}, 0.2},
		// Equal scores: input order decides.
		{[]detect.Box{b(0, 0, 10, 10), b(1, 0, 11, 10), b(30, 30, 40, 40)}, []float32{0.5, 0.5, 0.5}, 0.5},
	}
	r := newRand(2)
	thresholds := []float32{0.3, 0.5, 0.7}
	for len(cases) < 40 {
		n := 2 + r.IntN(7)
		c := nmsCase{threshold: thresholds[r.IntN(len(thresholds))]}
		for range n {
			x, y := float32(r.IntN(16)), float32(r.IntN(16))
			c.boxes = append(c.boxes, b(x, y, x+float32(4+r.IntN(5)), y+float32(4+r.IntN(5))))
			c.scores = append(c.scores, float32(1+r.IntN(99))/100)
		}
		cases = append(cases, c)
	}
	return cases
}

// nmsMistakes switches on the mistakes of nmsVariant.
type nmsMistakes struct {
	ge        bool // suppress at IoU >= threshold
	unsorted  bool // visit the boxes in input order
	unstable  bool // break score ties against input order
	firstOnly bool // compare with the first kept box only
	all       bool // compare with every earlier box, suppressed ones included
}

// nmsVariant is greedy NMS with the mistakes m switched on.
func nmsVariant(c nmsCase, m nmsMistakes) []int {
	order := make([]int, len(c.boxes))
	for i := range order {
		order[i] = i
	}
	if !m.unsorted {
		slices.SortStableFunc(order, func(i, j int) int {
			switch {
			case c.scores[i] > c.scores[j]:
				return -1
			case c.scores[i] < c.scores[j]:
				return 1
			case m.unstable:
				return j - i // an unstable sort that visibly breaks ties: reverse input order
			}
			return 0
		})
	}
	keep := []int{}
	for n, i := range order {
		against := keep
		if m.all {
			against = order[:n]
		}
		if m.firstOnly && len(against) > 1 {
			against = against[:1]
		}
		ok := true
		for _, k := range against {
			v := detect.IoU(c.boxes[i], c.boxes[k])
			if v > c.threshold || m.ge && v == c.threshold {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	return keep
}

// ints formats indices as [0 2 3], and nil as [].
func ints(v []int) string { return fmt.Sprint(append([]int{}, v...)) }
