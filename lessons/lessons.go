// Package lessons holds what every lesson of the course shares: the preset that sizes a run and the
// catalogue entry through which the CLI and the notebooks find a lesson.
//
// Each lesson is its own package under lessons/ (lessons/vgg, lessons/resnet, ...) with a Config that
// has Quick and Full presets, a Run(Config) (Report, error) function and a test that runs the quick
// preset and asserts the lesson's claim. Lessons never import each other.
package lessons

import (
	"fmt"
	"io"
	"os"
)

// Preset sizes a lesson run: Quick for tests and CI (minutes on two CPU cores), Full for the classroom.
type Preset string

// The presets every lesson offers.
const (
	Quick Preset = "quick"
	Full  Preset = "full"
)

// PresetEnv is the environment variable from which notebooks read their preset.
const PresetEnv = "CVLESSONS_PRESET"

// ParsePreset returns the preset named s ("quick" or "full").
func ParsePreset(s string) (Preset, error) {
	switch Preset(s) {
	case Quick, Full:
		return Preset(s), nil
	}
	return "", fmt.Errorf("lessons: unknown preset %q, want %q or %q", s, Quick, Full)
}

// PresetFromEnv returns the preset named by $CVLESSONS_PRESET, or Full when it is unset, so that a
// classroom gets the full lessons and CI (which sets it to "quick") the short ones.
func PresetFromEnv() (Preset, error) {
	s := os.Getenv(PresetEnv)
	if s == "" {
		return Full, nil
	}
	p, err := ParsePreset(s)
	if err != nil {
		return "", fmt.Errorf("lessons: $%s: %w", PresetEnv, err)
	}
	return p, nil
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
