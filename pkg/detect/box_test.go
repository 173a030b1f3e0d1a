package detect

import (
	"math"
	"testing"
)

var nan32 = float32(math.NaN())

func TestBoxFormats(t *testing.T) {
	// Expected values by hand.
	tests := []struct {
		name         string
		b            Box
		cx, cy, w, h float32
		x, y, ww, hh float32
		area         float32
		empty        bool
	}{
		{"unit at origin", Box{0, 0, 1, 1}, 0.5, 0.5, 1, 1, 0, 0, 1, 1, 1, false},
		{"wide", Box{10, 20, 50, 30}, 30, 25, 40, 10, 10, 20, 40, 10, 400, false},
		{"zero width", Box{5, 5, 5, 9}, 5, 7, 0, 4, 5, 5, 0, 4, 0, true},
		{"inverted", Box{9, 9, 1, 1}, 5, 5, -8, -8, 9, 9, -8, -8, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx, cy, w, h := tc.b.CXCYWH()
			if cx != tc.cx || cy != tc.cy || w != tc.w || h != tc.h {
				t.Errorf("%v.CXCYWH() = %v %v %v %v, want %v %v %v %v", tc.b, cx, cy, w, h, tc.cx, tc.cy, tc.w, tc.h)
			}
			if got := FromCXCYWH(cx, cy, w, h); got != tc.b {
				t.Errorf("FromCXCYWH(%v, %v, %v, %v) = %v, want %v", cx, cy, w, h, got, tc.b)
			}
			x, y, ww, hh := tc.b.XYWH()
			if x != tc.x || y != tc.y || ww != tc.ww || hh != tc.hh {
				t.Errorf("%v.XYWH() = %v %v %v %v, want %v %v %v %v", tc.b, x, y, ww, hh, tc.x, tc.y, tc.ww, tc.hh)
			}
			if got := FromXYWH(x, y, ww, hh); got != tc.b {
				t.Errorf("FromXYWH(%v, %v, %v, %v) = %v, want %v", x, y, ww, hh, got, tc.b)
			}
			if got := tc.b.Area(); got != tc.area {
				t.Errorf("%v.Area() = %v, want %v", tc.b, got, tc.area)
			}
			if got := tc.b.Empty(); got != tc.empty {
				t.Errorf("%v.Empty() = %v, want %v", tc.b, got, tc.empty)
			}
		})
	}
}

func TestBoxNaNIsEmpty(t *testing.T) {
	for _, b := range []Box{{nan32, 0, 1, 1}, {0, nan32, 1, 1}, {0, 0, nan32, 1}, {0, 0, 1, nan32}} {
		if !b.Empty() || b.Area() != 0 {
			t.Errorf("%v: Empty() = %v, Area() = %v, want true, 0", b, b.Empty(), b.Area())
		}
	}
}

func TestBoxClip(t *testing.T) {
	// Expected values by hand; torchvision.ops.clip_boxes_to_image clamps each coordinate the same way.
	tests := []struct {
		name string
		b    Box
		want Box
	}{
		{"inside", Box{1, 2, 3, 4}, Box{1, 2, 3, 4}},
		{"overhangs all sides", Box{-5, -1, 120, 90}, Box{0, 0, 100, 50}},
		{"right of image", Box{150, 10, 200, 20}, Box{100, 10, 100, 20}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.Clip(100, 50); got != tc.want {
				t.Errorf("%v.Clip(100, 50) = %v, want %v", tc.b, got, tc.want)
			}
		})
	}
	if !(Box{150, 10, 200, 20}).Clip(100, 50).Empty() {
		t.Error("a box right of the image should clip to an empty box")
	}
}

func TestIntersectEncloseScale(t *testing.T) {
	a, b := Box{0, 0, 4, 4}, Box{2, 1, 6, 3}
	if got, want := a.Intersect(b), (Box{2, 1, 4, 3}); got != want {
		t.Errorf("Intersect = %v, want %v", got, want)
	}
	if got, want := a.Enclose(b), (Box{0, 0, 6, 4}); got != want {
		t.Errorf("Enclose = %v, want %v", got, want)
	}
	if got, want := a.Scale(2, 0.5), (Box{0, 0, 8, 2}); got != want {
		t.Errorf("Scale = %v, want %v", got, want)
	}
	if !(Box{0, 0, 1, 1}).Intersect(Box{1, 0, 2, 1}).Empty() {
		t.Error("boxes touching along an edge should have an empty intersection")
	}
}
