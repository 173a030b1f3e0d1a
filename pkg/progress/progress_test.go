package progress

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func TestMeterTimeLeft(t *testing.T) {
	var states []State
	m := New(0, func(s State, _ bool) { states = append(states, s) })
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	m.now = clock.now
	m.Begin(Plan{Lesson: "l", Preset: "class", Parts: []Part{{"a", 4}, {"b", 6}}})
	m.Part("a")
	for range 4 {
		m.Step(1)
	}
	// The clock reads 1s at Begin; every draw reads it once more (Begin's, Part's, four steps'): 6s
	// for 4 of 10 steps.
	s := states[len(states)-1]
	if s.Done != 4 || s.Total != 10 || s.Elapsed != 6*time.Second {
		t.Fatalf("after 4 steps: done %d, total %d, elapsed %v; want 4, 10, 6s", s.Done, s.Total, s.Elapsed)
	}
	if want := 6 * time.Second / 4 * 6; s.Left != want {
		t.Errorf("time left = %v, want %v (time per step so far times the steps left)", s.Left, want)
	}
	m.Part("b")
	m.Step(0.5)
	m.End()
	s = states[len(states)-1]
	if !s.Finished || s.Left != 0 || s.Part != 1 || s.PartStep != 1 || len(s.Curves) != 2 || s.Curves[1].Loss[0] != 0.5 {
		t.Errorf("final state %+v: want finished, nothing left, part b with one step of loss 0.5 and two curves", s)
	}
}

func TestMeterThrottles(t *testing.T) {
	renders := 0
	m := New(time.Hour, func(State, bool) { renders++ })
	m.Begin(Plan{Parts: []Part{{"a", 100}}})
	m.Part("a")
	for range 100 {
		m.Step(1)
	}
	if renders != 2 { // Begin and Part; the steps fall within the hour
		t.Errorf("%d renders, want 2", renders)
	}
	m.End()
	if renders != 3 {
		t.Errorf("%d renders after End, want 3 (End always draws)", renders)
	}
}

func TestMeterNotes(t *testing.T) {
	var last State
	m := New(time.Hour, func(s State, _ bool) { last = s })
	m.Write([]byte("before begin\n"))
	m.Begin(Plan{})
	m.Write([]byte("epoch 1: loss 0.5\nepoch 2"))
	m.Write([]byte(": loss 0.4\n\n"))
	want := []string{"before begin", "epoch 1: loss 0.5", "epoch 2: loss 0.4"}
	if strings.Join(last.Notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes %q, want %q", last.Notes, want)
	}
	if !math.IsNaN(last.Loss) {
		t.Errorf("loss before any step = %v, want NaN", last.Loss)
	}
}

func TestPlainWriters(t *testing.T) {
	var buf bytes.Buffer
	p := Plan{Lesson: "vgg", Preset: "class", What: "three nets", Parts: []Part{{"VGG-5", 10}, {"VGG-8", 0}},
		Estimate: 90 * time.Second, EstimateSource: "measured"}
	Begin(&buf, p)
	StartPart(&buf, "VGG-5")
	if Step(&buf, 1) {
		t.Errorf("Step on a bytes.Buffer reported a meter")
	}
	End(&buf)
	want := "vgg, preset class: three nets\n  1. VGG-5 (10 steps)\n  2. VGG-8\nestimated time: about 1m30s (measured)\nVGG-5\n"
	if buf.String() != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", buf.String(), want)
	}
	Begin(nil, p) // no writer: nothing happens
	if MeterOnly(&buf) != nil {
		t.Errorf("MeterOnly(buffer) is not nil")
	}
}

func TestTerminal(t *testing.T) {
	var buf bytes.Buffer
	m := NewTerminal(&buf)
	m.Begin(Plan{Lesson: "welcome", Preset: "quick", What: "a dense net", Parts: []Part{{"dense net", 2}}})
	m.Part("dense net")
	m.Step(0.7)
	m.Write([]byte("epoch 1 done\n"))
	m.Step(0.6)
	m.End()
	out := buf.String()
	for _, want := range []string{"welcome, preset quick: a dense net\n", "estimated time: unknown", "epoch 1 done\n", "welcome: done, 2 steps in "} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, out)
		}
	}
}

func TestBar(t *testing.T) {
	s := State{Plan: Plan{Parts: []Part{{"a", 5}, {"b", 5}}}, Part: 1, Done: 5, Total: 10, Loss: 0.25,
		Elapsed: 10 * time.Second, Left: 10 * time.Second}
	want := "b (2/2) [=====     ] 5/10 loss 0.2500, 10s elapsed, about 10s left"
	if got := Bar(s, 10); got != want {
		t.Errorf("Bar = %q, want %q", got, want)
	}
}

func TestRound(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{1400 * time.Millisecond, time.Second},
		{9*time.Minute + 59*time.Second + 600*time.Millisecond, 10 * time.Minute},
		{12*time.Minute + 31*time.Second, 13 * time.Minute},
	}
	for _, tt := range tests {
		if got := Round(tt.in); got != tt.want {
			t.Errorf("Round(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
