package rpn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/pkg/detect"
)

func TestDefaultScaleClamp(t *testing.T) {
	if want := math.Log(1000.0 / 16); DefaultScaleClamp != want {
		t.Errorf("DefaultScaleClamp = %v, want log(1000/16) = %v", DefaultScaleClamp, want)
	}
}

func TestBoxCoderEncode(t *testing.T) {
	anchor := detect.Box{X1: 0, Y1: 0, X2: 16, Y2: 32} // centre (8, 16), 16x32
	ln2 := float32(math.Ln2)
	tests := []struct {
		name  string
		coder BoxCoder
		box   detect.Box
		want  [4]float32 // by hand: ((x - xa)/wa, (y - ya)/ha, log(w/wa), log(h/ha)) times the weights
	}{
		{"same box", DefaultBoxCoder(), anchor, [4]float32{}},
		{"shifted right by half a width", DefaultBoxCoder(), detect.Box{X1: 8, Y1: 0, X2: 24, Y2: 32}, [4]float32{0.5, 0, 0, 0}},
		{"shifted up by a quarter height", DefaultBoxCoder(), detect.Box{X1: 0, Y1: -8, X2: 16, Y2: 24}, [4]float32{0, -0.25, 0, 0}},
		{"twice as wide, half as high", DefaultBoxCoder(), detect.Box{X1: -8, Y1: 8, X2: 24, Y2: 24}, [4]float32{0, 0, ln2, -ln2}},
		{"weights 10 10 5 5", BoxCoder{Weights: [4]float32{10, 10, 5, 5}, ScaleClamp: DefaultScaleClamp},
			detect.Box{X1: 8, Y1: -16, X2: 40, Y2: 48}, [4]float32{10 * 1, 10 * 0, 5 * ln2, 5 * ln2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.coder.Encode(anchor, tt.box)
			if err != nil {
				t.Fatal(err)
			}
			for k := range 4 {
				if math.Abs(float64(got[k]-tt.want[k])) > 1e-6 {
					t.Fatalf("Encode(%v, %v) = %v, want %v", anchor, tt.box, got, tt.want)
				}
			}
			if back := tt.coder.Decode(anchor, got); !closeBox(back, tt.box, 1e-5) {
				t.Errorf("Decode(Encode(%v, %v)) = %v, want the box back", anchor, tt.box, back)
			}
		})
	}
}

// TestBoxCoderRoundTrip is a property over random boxes: Decode(a, Encode(a, b)) == b, up to float32
// rounding, for boxes up to 50 times the anchor's size (inside the clamp of 62.5).
func TestBoxCoderRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	coders := []BoxCoder{DefaultBoxCoder(), {Weights: [4]float32{10, 10, 5, 5}, ScaleClamp: DefaultScaleClamp}}
	randomBox := func() detect.Box {
		w, h := 1+rng.Float32()*200, 1+rng.Float32()*200
		x, y := rng.Float32()*1000-200, rng.Float32()*1000-200
		return detect.Box{X1: x, Y1: y, X2: x + w, Y2: y + h}
	}
	for _, c := range coders {
		for range 2000 {
			a, b := randomBox(), randomBox()
			if b.Width() > 50*a.Width() || b.Height() > 50*a.Height() {
				continue
			}
			d, err := c.Encode(a, b)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Decode(a, d)
			// Coordinates are up to ~1200 in magnitude; float32 has 24 bits, so ~1e-4 relative to that.
			if !closeBox(got, b, 2e-3) {
				t.Fatalf("weights %v: Decode(%v, Encode(%v, %v) = %v) = %v, want %v", c.Weights, a, a, b, d, got, b)
			}
		}
	}
}

func TestBoxCoderDecodeClamp(t *testing.T) {
	anchor := detect.Box{X1: 0, Y1: 0, X2: 16, Y2: 16} // centre (8, 8)
	nan := float32(math.NaN())
	tests := []struct {
		name      string
		coder     BoxCoder
		d         [4]float32
		want      detect.Box
		wantEmpty bool
	}{
		// By hand: exp(log(1000/16))·16 = 1000 pixels, centred on (8, 8).
		{"tw and th clamped", DefaultBoxCoder(), [4]float32{0, 0, 100, 100}, detect.Box{X1: -492, Y1: -492, X2: 508, Y2: 508}, false},
		{"huge tw, th clamped", DefaultBoxCoder(), [4]float32{0, 0, 1e30, 1e30}, detect.Box{X1: -492, Y1: -492, X2: 508, Y2: 508}, false},
		{"just below the clamp", DefaultBoxCoder(), [4]float32{0, 0, float32(math.Log(10)), 0}, detect.Box{X1: -72, Y1: 0, X2: 88, Y2: 16}, false},
		// With weight 5 the clamp applies to tw/5: 5·log(62.5) decodes to 1000 pixels too.
		{"clamp after the weights", BoxCoder{Weights: [4]float32{10, 10, 5, 5}, ScaleClamp: DefaultScaleClamp},
			[4]float32{0, 0, 1000, 0}, detect.Box{X1: -492, Y1: 0, X2: 508, Y2: 16}, false},
		{"very negative tw shrinks to nothing", DefaultBoxCoder(), [4]float32{0, 0, -200, 0}, detect.Box{}, true},
		{"NaN delta gives an empty box", DefaultBoxCoder(), [4]float32{nan, 0, 0, 0}, detect.Box{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.coder.Decode(anchor, tt.d)
			if tt.wantEmpty {
				if !got.Empty() {
					t.Errorf("Decode(%v, %v) = %v, want an empty box", anchor, tt.d, got)
				}
				return
			}
			if !closeBox(got, tt.want, 1e-3) {
				t.Errorf("Decode(%v, %v) = %v, want %v", anchor, tt.d, got, tt.want)
			}
		})
	}
}

func TestBoxCoderErrors(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	good := detect.Box{X1: 0, Y1: 0, X2: 10, Y2: 10}
	encodeTests := []struct {
		name        string
		anchor, box detect.Box
	}{
		{"empty box", good, detect.Box{X1: 5, Y1: 5, X2: 5, Y2: 10}},
		{"inverted box", good, detect.Box{X1: 5, Y1: 5, X2: 10, Y2: 0}},
		{"empty anchor", detect.Box{}, good},
		{"NaN box", good, detect.Box{X1: nan, Y1: 0, X2: 10, Y2: 10}},
	}
	for _, tt := range encodeTests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DefaultBoxCoder().Encode(tt.anchor, tt.box)
			if err == nil || !strings.Contains(err.Error(), "want both non-empty") {
				t.Errorf("Encode(%v, %v) = %v, %v; want an error about empty boxes", tt.anchor, tt.box, d, err)
			}
		})
	}
	coderTests := []struct {
		name  string
		coder BoxCoder
		want  string
	}{
		{"zero coder", BoxCoder{}, "Weights[0] = 0"},
		{"negative weight", BoxCoder{Weights: [4]float32{1, 1, -5, 1}}, "Weights[2] = -5"},
		{"infinite weight", BoxCoder{Weights: [4]float32{1, 1, 1, inf}}, "Weights[3] = +Inf"},
		{"NaN clamp", BoxCoder{Weights: [4]float32{1, 1, 1, 1}, ScaleClamp: nan}, "ScaleClamp = NaN"},
		{"infinite clamp", BoxCoder{Weights: [4]float32{1, 1, 1, 1}, ScaleClamp: inf}, "ScaleClamp = +Inf"},
	}
	for _, tt := range coderTests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.coder.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			defer func() {
				if r, _ := recover().(string); !strings.Contains(r, tt.want) {
					t.Errorf("Decode recovered %q, want a panic containing %q", r, tt.want)
				}
			}()
			tt.coder.Decode(good, [4]float32{})
		})
	}
}
