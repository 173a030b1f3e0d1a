package cnn

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line progress bar, redrawn at most every 200ms, and prints a line per epoch.
type progress struct {
	w    io.Writer
	last time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

// step redraws the bar: epoch, steps done of the epoch's steps, running loss and accuracy, throughput.
func (p *progress) step(epoch, done, steps int, loss, acc, examplesPerSec float64) {
	if p.w == nil || (time.Since(p.last) < 200*time.Millisecond && done < steps) {
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
	fmt.Fprintf(p.w, "\repoch %d: train loss %.4f acc %.4f", es.Epoch, es.TrainLoss, es.TrainAccuracy)
	if es.ValLoss == es.ValLoss { // not NaN
		fmt.Fprintf(p.w, ", val loss %.4f acc %.4f", es.ValLoss, es.ValAccuracy)
	}
	fmt.Fprintf(p.w, " (%d steps, %.1fs, %.0f ex/s)\n", es.Steps, es.Seconds, es.ExamplesPerSecond)
}
