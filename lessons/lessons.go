// Package lessons holds what every lesson of the course shares: the preset that sizes a run, the
// plan a run announces before it starts, and the catalogue entry through which the CLI and the
// notebooks find a lesson.
//
// Each lesson is its own package under lessons/ (lessons/vgg, lessons/resnet, ...) with a Config that
// has Class, Quick and Full presets, a Run(Config) (Report, error) function, a test that runs the
// quick preset and asserts the lesson's claim, and a test that asserts the claims on the committed
// runs of its presets (package measurements). Lessons never import each other.
package lessons

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/cvlessons/cvlessons/measurements"
	"github.com/cvlessons/cvlessons/pkg/progress"
)

// Preset sizes a lesson run.
type Preset string

// The presets every lesson offers.
const (
	// Class is the default: a notebook runs end to end within 10 minutes on a 2-core laptop on the
	// pure-Go backend and still shows the lesson's claim with a margin.
	Class Preset = "class"
	// Quick is what the tests and CI run: the claim with a margin, in a minute or two.
	Quick Preset = "quick"
	// Full is opt-in: the larger experiment, at most 30 minutes per lesson on 2 cores.
	Full Preset = "full"
)

// Presets lists the presets in the order the course documents them.
func Presets() []Preset { return []Preset{Class, Quick, Full} }

// PresetEnv is the environment variable from which notebooks read their preset.
const PresetEnv = "CVLESSONS_PRESET"

// ParsePreset returns the preset named s ("class", "quick" or "full").
func ParsePreset(s string) (Preset, error) {
	if slices.Contains(Presets(), Preset(s)) {
		return Preset(s), nil
	}
	return "", fmt.Errorf("lessons: unknown preset %q, want %s", s, presetNames())
}

func presetNames() string {
	names := make([]string, len(Presets()))
	for i, p := range Presets() {
		names[i] = fmt.Sprintf("%q", string(p))
	}
	return strings.Join(names, ", ")
}

// PresetFromEnv returns the preset named by $CVLESSONS_PRESET, or Class when it is unset, so that a
// classroom gets lessons that fit a class period and CI (which sets it to "quick") the short ones.
func PresetFromEnv() (Preset, error) {
	s := os.Getenv(PresetEnv)
	if s == "" {
		return Class, nil
	}
	p, err := ParsePreset(s)
	if err != nil {
		return "", fmt.Errorf("lessons: $%s: %w", PresetEnv, err)
	}
	return p, nil
}

// NewPlan is the plan a lesson announces before it trains: lesson and preset, what it will train,
// the parts with their steps, and the time the committed run of the same lesson and preset took
// (scaled by the steps), as measurements.Estimate gives it.
func NewPlan(lesson string, preset Preset, what string, parts []progress.Part) progress.Plan {
	p := progress.Plan{Lesson: lesson, Preset: string(preset), What: what, Parts: parts}
	if preset == "" {
		p.Preset = "custom"
	}
	p.Estimate, p.EstimateSource = measurements.Estimate(lesson, string(preset), p.Steps())
	return p
}

// Options are what the CLI passes to a lesson besides its preset.
type Options struct {
	// Preset sizes the run.
	Preset Preset
	// OutDir is where figures (PNG) and the summary are written; "" means do not write files.
	OutDir string
	// Progress receives progress lines (a progress bar on a terminal); nil discards them.
	Progress io.Writer
}

// Result is what a lesson run returns to the CLI: a typed report that also prints itself.
type Result interface {
	// Summary is a short human-readable account of the measured numbers.
	Summary() string
	// Figures lists the PNG files written, if any.
	Figures() []string
}

// Entry is a lesson as the catalogue lists it.
type Entry struct {
	// Name is the short name used on the command line ("vgg").
	Name string
	// Title is a one-line description.
	Title string
	// Notebook is the notebook file under notebooks/ that teaches the lesson.
	Notebook string
	// Run runs the lesson with the given options. The returned Result marshals to JSON.
	Run func(opts Options) (Result, error)
}
