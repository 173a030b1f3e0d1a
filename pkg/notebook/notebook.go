// Package notebook holds the few helpers a course notebook calls, so that its code cells contain
// only what a student reads or edits: show a figure, follow a training run live, move a slider
// and watch a result change (Interact), keep a file or a report for the next cell in a folder of
// the user's own, and fail a cell with a readable message instead of a panic's stack trace.
//
// In a GoNB notebook the helpers display through gonbui; anywhere else (a test, a plain `go run`)
// they print text to standard output, so every cell also runs headless. A slider needs a browser:
// where a notebook runs without one (nbconvert), Interact prints a table instead.
//
// # Conventions
//
// A failed step stops the cell's program with exit status 1 after printing "error: " and the
// error to standard error: GoNB then marks the cell as failed, and a headless run of the notebook
// stops there.
package notebook

import (
	"fmt"
	"io"
	"os"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/cvlessons/cvlessons/pkg/plot"
)

// Check stops the cell with a readable message when err is not nil.
func Check(err error) {
	if err != nil {
		fail(os.Stderr, err)
	}
}

// Must returns v, or stops the cell with a readable message when err is not nil:
// cfg := resnet.ConfigFor(notebook.Must(lessons.PresetFromEnv())).
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// fail prints err and ends the program (exit status 1), after flushing what was displayed.
func fail(w io.Writer, err error) {
	fmt.Fprintf(w, "error: %v\n", err)
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
	os.Exit(1)
}

// Show displays a figure (a PNG) in the notebook, or says where it would be outside one; it stops
// the cell if err is not nil or the figure cannot be encoded. It takes a figure maker's two
// results: notebook.Show(report.LossFigure()).
func Show(fig *plot.Figure, err error) {
	Check(err)
	png, err := fig.PNG()
	Check(err)
	if !gonbui.IsNotebook {
		b := fig.Bounds()
		fmt.Printf("[figure %dx%d]\n", b.Dx(), b.Dy())
		return
	}
	gonbui.DisplayPNG(png)
	gonbui.Sync() // the figure reaches the notebook before the cell's program exits
}

// ShowHTML displays an HTML fragment in the notebook, or prints text (the fragment's fallback)
// outside one.
func ShowHTML(html, text string) {
	if !gonbui.IsNotebook {
		fmt.Println(text)
		return
	}
	gonbui.DisplayHTML(html)
	gonbui.Sync()
}
