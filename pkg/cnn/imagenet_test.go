package cnn

import (
	"slices"
	"testing"
)

func TestImageNetClasses(t *testing.T) {
	names := ImageNetClasses()
	// Indices from torchvision 0.14's models/_meta.py.
	for _, tc := range []struct {
		i    int
		want string
	}{{0, "tench"}, {1, "goldfish"}, {281, "tabby"}, {309, "bee"}, {310, "ant"}, {999, "toilet tissue"}} {
		if len(names) != 1000 || names[tc.i] != tc.want {
			t.Errorf("ImageNetClasses()[%d] = %q (of %d), want %q", tc.i, names[tc.i], len(names), tc.want)
		}
	}
	names[0] = "changed"
	if ImageNetClasses()[0] != "tench" {
		t.Errorf("ImageNetClasses returns a shared slice")
	}
}

func TestTopK(t *testing.T) {
	logits := []float32{1, 3, 3, 0, 2}
	names := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		name    string
		k       int
		names   []string
		classes []int
		first   string
	}{
		{"ties keep the lower index first", 3, names, []int{1, 2, 4}, "0.3917  b (1)"},
		{"k larger than classes", 9, nil, []int{1, 2, 4, 0, 3}, "0.3917  class 1"},
		{"k zero", 0, names, []int{}, ""},
		{"names of the wrong length are ignored", 1, names[:2], []int{1}, "0.3917  class 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := TopK(logits, tc.k, tc.names)
			var classes []int
			for _, p := range got {
				classes = append(classes, p.Class)
			}
			if !slices.Equal(classes, tc.classes) && !(len(classes) == 0 && len(tc.classes) == 0) {
				t.Errorf("classes %v, want %v", classes, tc.classes)
			}
			if len(got) > 0 && got[0].String() != tc.first {
				t.Errorf("first = %q, want %q", got[0].String(), tc.first)
			}
		})
	}
	// softmax by hand: e^3 / (e^1 + 2e^3 + e^0 + e^2) = 20.0855 / 50.2750 = 0.39171.
}
