// Package progress tells a student how far a training run has come: before it starts, what it will
// train and about how long that takes; while it runs, a progress bar with the time left and the loss
// so far; at the end, how long it took.
//
// A [Meter] keeps the state (the plan, the steps done, the loss of every step) and hands a [State]
// to a renderer: [NewTerminal] draws a one-line bar on a terminal (redrawn in place) or a line now
// and then in a log; the notebook package draws an HTML bar and a loss curve that update in place
// in a Jupyter cell. Code that trains takes a plain io.Writer and calls [Begin], [Step] and
// [Part]: with a *Meter behind the writer they drive it, with any other writer they print lines,
// so a lesson runs the same in a test, on the command line and in a notebook.
//
// # Conventions
//
// Steps are optimizer steps. The time left is the time per step so far times the steps left, over
// the whole plan (every part), so it is only as good as the plan's step counts. A Meter is used by
// one goroutine at a time.
package progress

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Part is one piece of a run that trains: one network, one arm of an experiment.
type Part struct {
	// Name is what the student sees ("plain-32", "YOLO v1").
	Name string
	// Steps is the number of optimizer steps the part will take (0: unknown).
	Steps int
}

// Plan is what a run will do, announced before it starts.
type Plan struct {
	// Lesson and Preset name the run ("resnet", "class").
	Lesson, Preset string
	// What says in a few words what will be trained, for example "4 CIFAR-style ResNets on
	// Fashion-MNIST 16x16, 2 epochs of 3,000 images each".
	What string
	// Parts are the pieces in the order they run.
	Parts []Part
	// Estimate is the expected duration (0: unknown) and EstimateSource says where it comes from
	// ("measured: 5m40s at commit 1a2b3c on AMD EPYC 7R13, 2 cores").
	Estimate       time.Duration
	EstimateSource string
}

// Steps is the total number of steps of the plan's parts.
func (p Plan) Steps() int {
	n := 0
	for _, part := range p.Parts {
		n += part.Steps
	}
	return n
}

// String is the announcement printed before a run: lesson, preset, what, the parts and the estimate.
func (p Plan) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s, preset %s: %s\n", p.Lesson, p.Preset, p.What)
	for i, part := range p.Parts {
		if part.Steps > 0 {
			fmt.Fprintf(&sb, "  %d. %s (%d steps)\n", i+1, part.Name, part.Steps)
		} else {
			fmt.Fprintf(&sb, "  %d. %s\n", i+1, part.Name)
		}
	}
	if p.Estimate > 0 {
		fmt.Fprintf(&sb, "estimated time: about %s (%s)\n", Round(p.Estimate), p.EstimateSource)
	} else {
		sb.WriteString("estimated time: unknown (no measured run of this preset)\n")
	}
	return sb.String()
}

// Round rounds d for display: to the second under 10 minutes, to the minute above.
func Round(d time.Duration) time.Duration {
	if d < 10*time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

// Curve is the loss of one part, step by step.
type Curve struct {
	Part string
	Loss []float64
}

// State is what a renderer draws.
type State struct {
	Plan Plan
	// Part is the index in Plan.Parts of the part running now (-1 before the first step), PartStep
	// its steps done.
	Part, PartStep int
	// Done is the steps done over the whole plan, Total the plan's steps (at least Done).
	Done, Total int
	// Loss is the latest step's loss (NaN before the first).
	Loss float64
	// Elapsed is the time since Begin, Left the estimated time to the end (-1: unknown).
	Elapsed, Left time.Duration
	// Curves are the losses so far, one per part that has started.
	Curves []Curve
	// Notes are the free-text lines written to the meter (epoch summaries), oldest first.
	Notes []string
	// Finished is true once End was called.
	Finished bool
}

// Meter follows one run. Create it with New or NewTerminal; the zero value is not usable.
type Meter struct {
	render func(State, bool)
	every  time.Duration
	now    func() time.Time
	st     State
	start  time.Time
	last   time.Time
	line   []byte // a partial line written through Write
	parts  map[string]int
	begun  bool // nothing is drawn before Begin; notes written before it are kept
}

// New returns a meter that calls render with the run's state at most once every every (and always
// at Begin, when a part starts, and at End). The bool says whether the state is final (End).
func New(every time.Duration, render func(s State, final bool)) *Meter {
	return &Meter{render: render, every: every, now: time.Now, st: State{Part: -1}}
}

// Begin announces the plan and starts the clock.
func (m *Meter) Begin(p Plan) {
	m.start, m.begun = m.now(), true
	m.st = State{Plan: p, Part: -1, Total: p.Steps(), Left: -1, Notes: m.st.Notes}
	m.st.Loss = nan()
	m.parts = map[string]int{}
	for i, part := range p.Parts {
		if _, ok := m.parts[part.Name]; !ok {
			m.parts[part.Name] = i
		}
	}
	m.draw(true, false)
}

// Part makes the named part current (a part not in the plan is added to it).
func (m *Meter) Part(name string) {
	i, ok := m.parts[name]
	if !ok {
		m.st.Plan.Parts = append(m.st.Plan.Parts, Part{Name: name})
		i = len(m.st.Plan.Parts) - 1
		m.parts[name] = i
	}
	if m.st.Part == i {
		return
	}
	m.st.Part, m.st.PartStep = i, 0
	m.st.Curves = append(m.st.Curves, Curve{Part: name})
	m.draw(true, false)
}

// Step records one optimizer step of the current part with its loss.
func (m *Meter) Step(loss float64) {
	if m.st.Part < 0 {
		m.Part("training")
	}
	m.st.PartStep++
	m.st.Done++
	m.st.Total = max(m.st.Total, m.st.Done)
	m.st.Loss = loss
	c := &m.st.Curves[len(m.st.Curves)-1]
	c.Loss = append(c.Loss, loss)
	m.draw(false, false)
}

// Write takes free-text lines (an epoch's summary) and keeps them as notes. It implements
// io.Writer, so a *Meter can stand wherever training code takes a progress writer.
func (m *Meter) Write(p []byte) (int, error) {
	m.line = append(m.line, p...)
	added := false
	for {
		i := strings.IndexAny(string(m.line), "\n\r")
		if i < 0 {
			break
		}
		if s := strings.TrimSpace(string(m.line[:i])); s != "" {
			m.st.Notes = append(m.st.Notes, s)
			added = true
		}
		m.line = m.line[i+1:]
	}
	m.draw(added, false)
	return len(p), nil
}

// End stops the clock and draws the final state.
func (m *Meter) End() {
	m.st.Finished = true
	m.draw(true, true)
}

// Elapsed is the time since Begin.
func (m *Meter) Elapsed() time.Duration { return m.now().Sub(m.start) }

// Done is the number of steps recorded so far.
func (m *Meter) Done() int { return m.st.Done }

// draw updates the timing fields and renders, unless the last render is too recent.
func (m *Meter) draw(force, final bool) {
	t := m.now()
	if !m.begun || !force && t.Sub(m.last) < m.every {
		return
	}
	m.last = t
	m.st.Elapsed = t.Sub(m.start)
	m.st.Left = -1
	if m.st.Done > 0 && m.st.Total > 0 {
		perStep := m.st.Elapsed / time.Duration(m.st.Done)
		m.st.Left = perStep * time.Duration(m.st.Total-m.st.Done)
	}
	if final {
		m.st.Left = 0
	}
	m.render(m.st, final)
}

// Begin announces p on w: to the meter behind w if there is one, else as text.
func Begin(w io.Writer, p Plan) {
	switch w := w.(type) {
	case nil:
	case *Meter:
		w.Begin(p)
	default:
		io.WriteString(w, p.String())
	}
}

// StartPart makes the named part current on the meter behind w, or prints its name on any other
// writer.
func StartPart(w io.Writer, name string) {
	switch w := w.(type) {
	case nil:
	case *Meter:
		w.Part(name)
	default:
		fmt.Fprintf(w, "%s\n", name)
	}
}

// Step records a step with its loss on the meter behind w; other writers get nothing (the training
// code prints its own lines for them). It reports whether w is a meter.
func Step(w io.Writer, loss float64) bool {
	m, ok := w.(*Meter)
	if ok {
		m.Step(loss)
	}
	return ok
}

// End ends the run on the meter behind w, if there is one.
func End(w io.Writer) {
	if m, ok := w.(*Meter); ok {
		m.End()
	}
}

func nan() float64 { return math.NaN() }

// MeterOnly returns w when it is a *Meter and nil otherwise: for a training loop of many short runs
// whose per-epoch lines would flood a plain writer, while a meter still counts their steps.
func MeterOnly(w io.Writer) io.Writer {
	if m, ok := w.(*Meter); ok {
		return m
	}
	return nil
}
