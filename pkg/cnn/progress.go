package cnn

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	cvprogress "github.com/cvlessons/cvlessons/pkg/progress"
)

// progress draws a one-line progress bar and prints a line per epoch. On a terminal the bar is
// redrawn in place (carriage return) at most every 200ms; elsewhere (a notebook, a log file) at most
// every 10s, so that saved outputs stay short.
type progress struct {
	w     io.Writer
	every time.Duration
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, every: 10 * time.Second, last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.every = 200 * time.Millisecond
		}
	}
	return p
}

// step redraws the bar: epoch, steps done of the epoch's steps, running loss and accuracy,
// throughput; a progress.Meter behind the writer gets the step's loss instead and draws itself.
func (p *progress) step(epoch, done, steps int, loss, stepLoss, acc, examplesPerSec float64) {
	if cvprogress.Step(p.w, stepLoss) {
		return
	}
	if p.w == nil || time.Since(p.last) < p.every || done == steps {
		return
	}
	p.last = time.Now()
	const width = 20
	filled := width * done / max(steps, 1)
	fmt.Fprintf(p.w, "\repoch %d [%s%s] %d/%d loss %.4f acc %.3f %.0f ex/s", epoch,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, steps, loss, acc, examplesPerSec)
}

// epoch ends the bar's line with the epoch's summary.
func (p *progress) epoch(es EpochStats) {
	if p.w == nil {
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\repoch %d: train loss %.4f acc %.4f", es.Epoch, es.TrainLoss, es.TrainAccuracy)
	if es.ValLoss == es.ValLoss { // not NaN
		fmt.Fprintf(&sb, ", val loss %.4f acc %.4f", es.ValLoss, es.ValAccuracy)
	}
	fmt.Fprintf(&sb, " (%d steps, %.1fs, %.0f ex/s)\n", es.Steps, es.Seconds, es.ExamplesPerSecond)
	io.WriteString(p.w, sb.String())
	p.last = time.Now()
}
