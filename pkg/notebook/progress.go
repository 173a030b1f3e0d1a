package notebook

import (
	"fmt"
	"html"
	"math"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Progress returns a meter for a training cell: pass it as the lesson's Progress writer. In a
// notebook it shows the plan (preset, what is trained, the estimated time) at once, then one HTML
// block, updated in place every second, with a progress bar, the time elapsed and left, the latest
// loss, a loss curve per part and the last epoch summaries. Outside a notebook it is
// progress.NewTerminal(os.Stdout).
func Progress() *progress.Meter {
	if !gonbui.IsNotebook {
		return progress.NewTerminal(os.Stdout)
	}
	id := "cvlessons-progress-" + gonbui.UniqueId()
	return progress.New(time.Second, func(s progress.State, final bool) {
		gonbui.UpdateHTML(id, ProgressHTML(s))
		if final {
			gonbui.Sync()
		}
	})
}

// curveColors are the loss curves' colours, one per part (Tableau 10).
var curveColors = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"}

// ProgressHTML renders a run's state as the HTML block Progress shows: self-contained (inline
// styles and SVG, no script), so it also reads in a saved or exported notebook.
func ProgressHTML(s progress.State) string {
	var sb strings.Builder
	sb.WriteString(`<div style="font-family:sans-serif;font-size:13px;max-width:720px">`)
	p := s.Plan
	fmt.Fprintf(&sb, `<div><b>%s</b>, preset <b>%s</b>: %s</div>`, esc(p.Lesson), esc(p.Preset), esc(p.What))
	if p.Estimate > 0 {
		fmt.Fprintf(&sb, `<div>estimated time: about %s <span style="color:#666">(%s)</span></div>`,
			progress.Round(p.Estimate), esc(p.EstimateSource))
	}
	frac := 0.0
	if s.Total > 0 {
		frac = float64(s.Done) / float64(s.Total)
	}
	fmt.Fprintf(&sb, `<div style="display:flex;align-items:center;gap:8px;margin:4px 0">`+
		`<div style="flex:1;height:12px;background:#e5e5e5;border-radius:6px;overflow:hidden">`+
		`<div style="width:%.1f%%;height:100%%;background:%s"></div></div><div>%.0f%%</div></div>`,
		100*frac, curveColors[0], 100*frac)
	status := fmt.Sprintf("%d/%d steps, %s elapsed", s.Done, s.Total, progress.Round(s.Elapsed))
	switch {
	case s.Finished:
		status = fmt.Sprintf("done: %d steps in %s", s.Done, progress.Round(s.Elapsed))
	case s.Left >= 0:
		status += fmt.Sprintf(", about %s left", progress.Round(s.Left))
	}
	if s.Part >= 0 && s.Part < len(p.Parts) && !s.Finished {
		status = fmt.Sprintf("%s (%d/%d): ", p.Parts[s.Part].Name, s.Part+1, len(p.Parts)) + status
	}
	if !math.IsNaN(s.Loss) {
		status += fmt.Sprintf(", loss %.4f", s.Loss)
	}
	fmt.Fprintf(&sb, `<div>%s</div>`, esc(status))
	sb.WriteString(lossSVG(s.Curves, 640, 180))
	if n := len(s.Notes); n > 0 {
		sb.WriteString(`<pre style="margin:4px 0;font-size:12px;color:#333">`)
		for _, line := range s.Notes[max(0, n-6):] {
			sb.WriteString(esc(line))
			sb.WriteByte('\n')
		}
		sb.WriteString(`</pre>`)
	}
	sb.WriteString(`</div>`)
	return sb.String()
}

// lossSVG draws every part's loss curve (x: the part's steps, y: loss from 0 to the largest value
// shown) as an inline SVG with a legend; each curve is averaged down to at most 200 points.
func lossSVG(curves []progress.Curve, width, height int) string {
	const pad = 30
	longest, top := 0, 0.0
	pts := make([][]float64, len(curves))
	for i, c := range curves {
		pts[i] = downsample(c.Loss, 200)
		longest = max(longest, len(c.Loss))
		for _, v := range pts[i] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				top = max(top, v)
			}
		}
	}
	if longest < 2 || top <= 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg" style="background:#fff">`,
		width, height, width, height)
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`,
		pad, height-pad, width-10, height-pad, pad, 10, pad, height-pad)
	fmt.Fprintf(&sb, `<text x="2" y="16" font-size="11">%.3g</text><text x="2" y="%d" font-size="11">0</text>`, top, height-pad)
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="11" text-anchor="end">step %d</text>`, width-10, height-pad+14, longest)
	fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="11">loss</text>`, pad+4, 20)
	plotW, plotH := float64(width-10-pad), float64(height-pad-10)
	for i, c := range curves {
		col := curveColors[i%len(curveColors)]
		var path strings.Builder
		n := len(pts[i])
		for j, v := range pts[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			// Point j averages steps [j*len/n, (j+1)*len/n): place it at the middle step.
			x := float64(pad) + plotW*(float64(j)+0.5)*float64(len(c.Loss))/float64(n)/float64(longest)
			y := float64(height-pad) - plotH*min(v, top)/top
			fmt.Fprintf(&path, "%.1f,%.1f ", x, y)
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, col, path.String())
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="11" fill="%s">%s</text>`, width-150, 16+14*i, col, esc(c.Part))
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

// downsample averages xs into at most n buckets of consecutive values.
func downsample(xs []float64, n int) []float64 {
	if len(xs) <= n {
		return xs
	}
	out := make([]float64, n)
	for i := range n {
		lo, hi := i*len(xs)/n, (i+1)*len(xs)/n
		s := 0.0
		for _, v := range xs[lo:hi] {
			s += v
		}
		out[i] = s / float64(hi-lo)
	}
	return out
}

func esc(s string) string { return html.EscapeString(s) }
