package notebook

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

// fakeFrontEnd plays GoNB's front end: live or absent, with moves the test sends.
type fakeFrontEnd struct {
	live     bool
	moves    chan int
	done     chan struct{}
	caption  string
	n, start int
	shown    []string // what show received, in order
	finished []string // what finish received
}

func newFake(live bool) *fakeFrontEnd {
	return &fakeFrontEnd{live: live, moves: make(chan int, 10), done: make(chan struct{})}
}

func (f *fakeFrontEnd) slider(caption string, n, start int, wait time.Duration) (<-chan int, <-chan struct{}, bool) {
	f.caption, f.n, f.start = caption, n, start
	if !f.live {
		return nil, nil, false
	}
	return f.moves, f.done, true
}

func (f *fakeFrontEnd) show(html string)   { f.shown = append(f.shown, html) }
func (f *fakeFrontEnd) finish(html string) { f.finished = append(f.finished, html) }

// textView shows "value v" and counts its calls.
type textView struct{ calls []float64 }

func (tv *textView) view(v float64) (string, *plot.Figure, error) {
	tv.calls = append(tv.calls, v)
	return fmt.Sprintf("value %.2f <b>", v), nil, nil
}

func TestInteractHeadless(t *testing.T) {
	values := []float64{0.1, 0.5, 0.9}
	for _, tc := range []struct {
		name string
		fe   *fakeFrontEnd // nil: outside a notebook
	}{
		{"outside a notebook", nil},
		{"no front end answers", newFake(false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var tv textView
			var fe frontEnd
			if tc.fe != nil {
				fe = tc.fe
			}
			if err := interact(&out, fe, values, 0.5, tv.view, "threshold 0.1: ...\nthreshold 0.9: ...", time.Second, time.Second); err != nil {
				t.Fatal(err)
			}
			if got, want := out.String(), "threshold 0.1: ...\nthreshold 0.9: ...\n"; got != want {
				t.Errorf("printed %q, want the headless text %q", got, want)
			}
			if len(tv.calls) != 0 {
				t.Errorf("view called for %v without a front end, want no call", tv.calls)
			}
			if tc.fe != nil && (len(tc.fe.shown) != 0 || len(tc.fe.finished) != 0 || tc.fe.n != 3 || tc.fe.start != 1) {
				t.Errorf("front end got slider(n %d, start %d), show %q, finish %q; want slider(3, 1) and nothing shown",
					tc.fe.n, tc.fe.start, tc.fe.shown, tc.fe.finished)
			}
		})
	}
}

func TestInteractLive(t *testing.T) {
	values := []float64{0, 0.25, 0.5, 0.75, 1}
	for _, tc := range []struct {
		name  string
		moves []int
		end   string // "done", "close" (moves channel closed) or "idle"
		calls []float64
	}{
		{"moves then Done", []int{3, 3, 99, -1}, "done", []float64{0.5, 0.75, 1, 0}}, // 3 twice: drawn once; 99 and -1 clamp to the ends
		{"channel closed", []int{1}, "close", []float64{0.5, 0.25}},
		{"left alone", nil, "idle", []float64{0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fe := newFake(true)
			for _, m := range tc.moves {
				fe.moves <- m
			}
			switch tc.end {
			case "close":
				close(fe.moves)
			case "done":
				// Done only after the moves: a second goroutine closes it once they are drained.
				go func() {
					for len(fe.moves) > 0 {
						time.Sleep(time.Millisecond)
					}
					time.Sleep(20 * time.Millisecond)
					close(fe.done)
				}()
			}
			idle := time.Minute
			if tc.end == "idle" {
				idle = 20 * time.Millisecond
			}
			var out bytes.Buffer
			var tv textView
			if err := interact(&out, fe, values, 0.5, tv.view, "headless", time.Second, idle); err != nil {
				t.Fatal(err)
			}
			if out.Len() != 0 {
				t.Errorf("printed %q with a live front end, want nothing", out.String())
			}
			if fmt.Sprint(tv.calls) != fmt.Sprint(tc.calls) {
				t.Errorf("view called for %v, want %v", tv.calls, tc.calls)
			}
			if len(fe.shown) != len(tc.calls) {
				t.Fatalf("show called %d times, want %d (one per distinct position)", len(fe.shown), len(tc.calls))
			}
			last := fmt.Sprintf("value %.2f &lt;b&gt;", tc.calls[len(tc.calls)-1])
			if !strings.Contains(fe.shown[len(fe.shown)-1], last) {
				t.Errorf("last view shown %q, want it to contain the escaped text %q", fe.shown[len(fe.shown)-1], last)
			}
			if len(fe.finished) != 1 || !strings.HasPrefix(fe.finished[0], fe.shown[len(fe.shown)-1]) ||
				!strings.Contains(fe.finished[0], "run the cell again") {
				t.Errorf("finish got %q, want once the last view and a note", fe.finished)
			}
			if fe.n != len(values) || fe.start != 2 || !strings.Contains(fe.caption, "0 to 1") || !strings.Contains(fe.caption, "Done") {
				t.Errorf("slider(%q, n %d, start %d), want n %d, start 2 and a caption naming the range and Done", fe.caption, fe.n, fe.start, len(values))
			}
		})
	}
}

func TestInteractErrors(t *testing.T) {
	var out bytes.Buffer
	if err := interact(&out, nil, nil, 0, (&textView{}).view, "h", time.Second, time.Second); err == nil || !strings.HasPrefix(err.Error(), "notebook: ") {
		t.Errorf("no values: error %v, want a notebook: error", err)
	}
	fe := newFake(true)
	boom := errors.New("boom")
	err := interact(&out, fe, []float64{1}, 1, func(float64) (string, *plot.Figure, error) { return "", nil, boom }, "h", time.Second, time.Second)
	if !errors.Is(err, boom) || len(fe.finished) != 1 || fe.finished[0] != "" {
		t.Errorf("failing view: error %v, finish %q; want the view's error and the slider removed", err, fe.finished)
	}
}

func TestNearest(t *testing.T) {
	values := []float64{0.05, 0.1, 0.15, 0.2}
	for _, tc := range []struct {
		v    float64
		want int
	}{{0.1, 1}, {0.3, 3}, {-1, 0}, {0.125, 1}, {0.15000000000000002, 2}} { // 0.125: a tie, the first wins
		if got := nearest(values, tc.v); got != tc.want {
			t.Errorf("nearest(%v, %v) = %d, want %d", values, tc.v, got, tc.want)
		}
	}
}

func TestViewHTML(t *testing.T) {
	fig := &plot.Figure{Image: image.NewRGBA(image.Rect(0, 0, 4, 3))}
	html, err := ViewHTML("P < 1 & R > 0\n", fig)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "<pre") || !strings.Contains(html, "P &lt; 1 &amp; R &gt; 0</pre>") {
		t.Errorf("ViewHTML text block %q, want the text escaped in a <pre> block", html)
	}
	if strings.Contains(html, "<script") {
		t.Errorf("ViewHTML has a script: %q", html)
	}
	_, data, ok := strings.Cut(html, `src="data:image/png;base64,`)
	data, _, _ = strings.Cut(data, `"`)
	raw, err := base64.StdEncoding.DecodeString(data)
	if !ok || err != nil {
		t.Fatalf("ViewHTML image %q: %v, want a base64 PNG data URL", html, err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 4 || img.Bounds().Dy() != 3 || !strings.Contains(html, `width="4" height="3"`) {
		t.Errorf("ViewHTML image decodes to %v, %v; want the 4x3 figure with its size", img, err)
	}
	html, err = ViewHTML("", nil)
	if err != nil || strings.Contains(html, "<pre") || strings.Contains(html, "<img") {
		t.Errorf("ViewHTML(\"\", nil) = %q, %v; want an empty block", html, err)
	}
}

func TestFormat(t *testing.T) {
	for v, want := range map[float64]string{0.05: "0.05", 0.5: "0.5", 1: "1", 0.15000000000000002: "0.15", 12.25: "12.25"} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
	for d, want := range map[time.Duration]string{3 * time.Minute: "3 minutes", time.Minute: "a minute", 20 * time.Millisecond: "20ms"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
