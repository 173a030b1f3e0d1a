package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// NewTerminal returns a meter that draws on w: the plan when the run begins, each note (an epoch's
// summary) as it comes, and a one-line bar with the part, the steps, the loss, the time elapsed and
// the time left. On a terminal the bar is redrawn in place (carriage return) every 200ms; on
// anything else (a log file, CI) a bar line is printed every 10s, so logs stay short.
func NewTerminal(w io.Writer) *Meter {
	every, tty := 10*time.Second, false
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			every, tty = 200*time.Millisecond, true
		}
	}
	t := &terminal{w: w, tty: tty}
	return New(every, t.render)
}

// terminal is NewTerminal's renderer.
type terminal struct {
	w       io.Writer
	tty     bool
	begun   bool
	notes   int  // notes already printed
	pending bool // a bar is drawn on the current line (tty only)
}

func (t *terminal) render(s State, final bool) {
	var sb strings.Builder
	if !t.begun {
		t.begun = true
		sb.WriteString(s.Plan.String())
	}
	if t.pending && (len(s.Notes) > t.notes || final) {
		sb.WriteString("\r\033[K")
		t.pending = false
	}
	t.notes = min(t.notes, len(s.Notes))
	for _, n := range s.Notes[t.notes:] {
		sb.WriteString(n)
		sb.WriteByte('\n')
	}
	t.notes = len(s.Notes)
	switch {
	case final:
		fmt.Fprintf(&sb, "%s: done, %d steps in %s\n", s.Plan.Lesson, s.Done, Round(s.Elapsed))
	case s.Done > 0:
		if t.tty {
			sb.WriteString("\r\033[K")
		}
		sb.WriteString(Bar(s, 20))
		if t.tty {
			t.pending = true
		} else {
			sb.WriteByte('\n')
		}
	}
	io.WriteString(t.w, sb.String())
}

// Bar is the one-line bar of s, width characters wide: "plain-32 (2/4) [=====     ] 1200/2600
// loss 0.8123, 1m20s elapsed, about 1m40s left".
func Bar(s State, width int) string {
	frac := 0.0
	if s.Total > 0 {
		frac = float64(s.Done) / float64(s.Total)
	}
	filled := min(width, int(frac*float64(width)))
	var sb strings.Builder
	if s.Part >= 0 && s.Part < len(s.Plan.Parts) {
		fmt.Fprintf(&sb, "%s (%d/%d) ", s.Plan.Parts[s.Part].Name, s.Part+1, len(s.Plan.Parts))
	}
	fmt.Fprintf(&sb, "[%s%s] %d/%d loss %.4f, %s elapsed", strings.Repeat("=", filled),
		strings.Repeat(" ", width-filled), s.Done, s.Total, s.Loss, Round(s.Elapsed))
	if s.Left >= 0 {
		fmt.Fprintf(&sb, ", about %s left", Round(s.Left))
	}
	return sb.String()
}
