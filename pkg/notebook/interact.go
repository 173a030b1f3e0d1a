package notebook

import (
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/widgets"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

const (
	// frontEndWait is how long Interact waits for the notebook's front end to answer a new slider
	// before it decides there is none. GoNB itself gives up installing its front-end connection
	// after 3 seconds (internal/comms.WaitForConnectionTimeout, GoNB v0.11.5).
	frontEndWait = 8 * time.Second
	// idleTimeout ends an interactive cell whose slider has not moved for this long, so that a
	// forgotten slider does not keep the kernel busy.
	idleTimeout = 3 * time.Minute
)

// A View draws what an interactive cell shows for one slider value: a text (a table) and a
// figure, either of which may be empty (nil).
type View func(value float64) (text string, fig *plot.Figure, err error)

// Interact makes a cell interactive. In a notebook with a live front end it shows a slider over
// values, starting at the value nearest start, and under it view(v) for the value v the slider is
// at, redrawn each time the slider moves. The cell's program keeps running while the slider is
// live (a GoNB widget needs its program): it ends when the student presses Done or leaves the
// slider alone for 3 minutes, and the last view then stays in the notebook as ordinary output.
//
// Without a live front end Interact prints headless, the same information for a few values (a
// table), and returns: outside a notebook (a test, `go run`), and in a notebook whose front end
// does not answer a new slider within 8 seconds. nbconvert and nbclient (the course's headless
// runs, scripts/run-notebooks.sh) execute cells without a browser, where GoNB's slider would wait
// for its first value forever.
//
// It stops the cell with a readable message when values is empty or view fails.
func Interact(values []float64, start float64, view View, headless string) {
	var fe frontEnd
	if gonbui.IsNotebook {
		fe = &gonbFrontEnd{}
	}
	Check(interact(os.Stdout, fe, values, start, view, headless, frontEndWait, idleTimeout))
}

// frontEnd is what interact needs from the notebook's front end (GoNB's widgets; a fake in the
// tests).
type frontEnd interface {
	// slider shows caption and a slider over the positions 0..n-1 at position start. It returns
	// the positions the slider moves to and a channel closed when the student is done, or ok =
	// false when no front end answers within wait.
	slider(caption string, n, start int, wait time.Duration) (moves <-chan int, done <-chan struct{}, ok bool)
	// show replaces the transient view under the slider with html.
	show(html string)
	// finish removes the slider and the transient view and displays html as ordinary output.
	finish(html string)
}

// interact is Interact with its output, front end (nil: none) and times as arguments.
func interact(w io.Writer, fe frontEnd, values []float64, start float64, view View, headless string, wait, idle time.Duration) error {
	if len(values) == 0 {
		return fmt.Errorf("notebook: Interact: no values for the slider")
	}
	printHeadless := func() error {
		_, err := io.WriteString(w, headless)
		if err == nil && !strings.HasSuffix(headless, "\n") {
			_, err = io.WriteString(w, "\n")
		}
		return err
	}
	if fe == nil {
		return printHeadless()
	}
	pos := nearest(values, start)
	caption := fmt.Sprintf("Move the slider (%s to %s). The cell runs while the slider is live: press Done, "+
		"or leave it for %s, before you run the next cell.", formatValue(values[0]), formatValue(values[len(values)-1]), formatDuration(idle))
	moves, done, ok := fe.slider(caption, len(values), pos, wait)
	if !ok {
		return printHeadless()
	}
	html, err := viewHTML(view, values[pos])
	if err != nil {
		fe.finish("")
		return err
	}
	fe.show(html)
	closed := func() {
		fe.finish(html + fmt.Sprintf(`<div style="font-family:sans-serif;font-size:12px;color:#666">The slider stopped at %s; `+
			`run the cell again to move it.</div>`, formatValue(values[pos])))
	}
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case p, open := <-moves:
			if !open {
				closed()
				return nil
			}
			p = min(max(p, 0), len(values)-1)
			if p == pos {
				continue
			}
			pos = p
			if html, err = viewHTML(view, values[pos]); err != nil {
				fe.finish("")
				return err
			}
			fe.show(html)
			timer.Reset(idle)
		case <-done:
			closed()
			return nil
		case <-timer.C:
			closed()
			return nil
		}
	}
}

// nearest returns the index of the value closest to v (the first of equals).
func nearest(values []float64, v float64) int {
	best := 0
	for i, x := range values {
		if math.Abs(x-v) < math.Abs(values[best]-v) {
			best = i
		}
	}
	return best
}

// formatValue prints a slider value with at most 3 decimals: 0.05, 0.5, 12.
func formatValue(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatDuration prints whole minutes as "3 minutes", anything else as time.Duration does.
func formatDuration(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "a minute"
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// viewHTML draws view(v) as a self-contained HTML block: the text in a <pre> block, then the
// figure as an inline PNG (a data: URL), so that it also reads in a saved or exported notebook.
func viewHTML(view View, v float64) (string, error) {
	text, fig, err := view(v)
	if err != nil {
		return "", err
	}
	return ViewHTML(text, fig)
}

// ViewHTML renders a text and a figure (either may be empty or nil) as the HTML block Interact
// shows for one slider value: the text, escaped, in a <pre> block, then the figure as an inline
// PNG (a data: URL). It has no script, so it also reads in a saved or exported notebook.
func ViewHTML(text string, fig *plot.Figure) (string, error) {
	var sb strings.Builder
	sb.WriteString(`<div style="font-family:sans-serif;font-size:13px">`)
	if text != "" {
		fmt.Fprintf(&sb, `<pre style="margin:4px 0;font-size:12px">%s</pre>`, esc(strings.TrimRight(text, "\n")))
	}
	if fig != nil {
		png, err := fig.PNG()
		if err != nil {
			return "", err
		}
		b := fig.Bounds()
		fmt.Fprintf(&sb, `<img width="%d" height="%d" src="data:image/png;base64,%s"/>`, b.Dx(), b.Dy(),
			base64.StdEncoding.EncodeToString(png))
	}
	sb.WriteString(`</div>`)
	return sb.String(), nil
}

// gonbFrontEnd is GoNB's front end: a widgets.Slider and a widgets.Button in a transient block,
// the view in another, both updated with gonbui.UpdateHTML.
type gonbFrontEnd struct {
	uiID, viewID string // display ids of the transient blocks
}

func (g *gonbFrontEnd) slider(caption string, n, start int, wait time.Duration) (<-chan int, <-chan struct{}, bool) {
	uid := gonbui.UniqueId()
	g.uiID, g.viewID = "cvlessons-interact-ui-"+uid, "cvlessons-interact-view-"+uid
	divID := "cvlessons-interact-" + uid
	gonbui.UpdateHTML(g.uiID, fmt.Sprintf(`<div id="%s" style="font-family:sans-serif;font-size:13px">`+
		`<div style="color:#666">%s</div></div>`, divID, esc(caption)))
	// SliderBuilder.Done waits for the front end's first value, which never comes without a
	// browser: wait for it in a goroutine, and give up after wait (the goroutine ends with the
	// cell's program).
	built := make(chan *widgets.SliderBuilder, 1)
	go func() { built <- widgets.Slider(0, n-1, start).AppendTo(divID).Done() }()
	var s *widgets.SliderBuilder
	select {
	case s = <-built:
	case <-time.After(wait):
		gonbui.UpdateHTML(g.uiID, "")
		return nil, nil, false
	}
	moves := s.Listen().LatestOnly()
	done := make(chan struct{})
	go func() {
		// ButtonBuilder.Done also waits for the front end; without a button the idle timeout
		// still ends the cell.
		b := widgets.Button("Done").AppendTo(divID).Done()
		clicks := b.Listen()
		<-clicks.C
		close(done)
	}()
	return moves.C, done, true
}

func (g *gonbFrontEnd) show(html string) { gonbui.UpdateHTML(g.viewID, html) }

func (g *gonbFrontEnd) finish(html string) {
	gonbui.UpdateHTML(g.uiID, "")
	gonbui.UpdateHTML(g.viewID, "")
	if html != "" {
		gonbui.DisplayHTML(html)
	}
	gonbui.Sync()
}
