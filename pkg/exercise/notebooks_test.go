package exercise

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// notebookCell is the part of a Jupyter cell the test reads.
type notebookCell struct {
	CellType string   `json:"cell_type"`
	Source   []string `json:"source"`
}

// exerciseCell is a notebook's exercise code cell: its text and the Check it calls.
type exerciseCell struct {
	notebook, source, check string
}

var checkCall = regexp.MustCompile(`exercise\.(Check\w+)\(`)

// exerciseCells returns the exercise cells of notebooks 00 to 08, checking that each notebook has at
// least two, that each follows a markdown cell (the task) and holds a stub marked "// TODO: your code".
func exerciseCells(t *testing.T) []exerciseCell {
	t.Helper()
	paths, err := filepath.Glob("../../notebooks/0[0-8]-*.ipynb")
	if err != nil || len(paths) != 9 {
		t.Fatalf("notebooks 00-08: found %d (%v), want 9", len(paths), err)
	}
	var cells []exerciseCell
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var nb struct{ Cells []notebookCell }
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		name := filepath.Base(path)
		n := 0
		for i, c := range nb.Cells {
			src := strings.Join(c.Source, "")
			m := checkCall.FindStringSubmatch(src)
			if c.CellType != "code" || m == nil {
				continue
			}
			n++
			if i == 0 || nb.Cells[i-1].CellType != "markdown" {
				t.Errorf("%s: the exercise cell %d (%s) does not follow a markdown cell stating the task", name, i, m[1])
			}
			if !strings.Contains(src, "// TODO: your code") || !strings.Contains(src, "\n%%\n") {
				t.Errorf("%s: the exercise cell %d (%s) has no stub marked // TODO: your code, or no %%%% line", name, i, m[1])
			}
			cells = append(cells, exerciseCell{name, src, m[1]})
		}
		if n < 2 {
			t.Errorf("%s: %d exercise cells (code cells calling exercise.Check...), want at least 2", name, n)
		}
	}
	return cells
}

// TestNotebookExercises runs every exercise cell of the notebooks as GoNB runs it (declarations above
// the %% line, the program's body below it), with its stub unsolved: each must print
// "<exercise>: not yet: case 1: ..." and exit 0, so that a headless run of the notebooks passes while
// the exercises are open. The cells are assembled into one program, one file per cell.
func TestNotebookExercises(t *testing.T) {
	cells := exerciseCells(t)
	if t.Failed() {
		return
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the notebooks' exercise cells")
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "notebook-exercises-") // inside the module, ignored by ./...
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		os.Remove("testdata") // only if empty
	})
	var main strings.Builder
	main.WriteString("package main\n\nfunc main() {\n")
	for i, c := range cells {
		decls, body, ok := strings.Cut(c.source, "\n%%\n")
		if !ok {
			t.Fatalf("%s: %s cell has no %%%% line", c.notebook, c.check)
		}
		file := fmt.Sprintf("package main\n\n%s\n\nfunc cell%d() {\n%s\n}\n", decls, i, body)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("cell%d.go", i)), []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&main, "\tcell%d()\n", i)
	}
	main.WriteString("}\n")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(goTool, "run", "./"+filepath.ToSlash(dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("the notebooks' exercise cells do not run: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var results []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "  hint: ") {
			results = append(results, l)
		}
	}
	if len(results) != len(cells) {
		t.Fatalf("the exercise cells printed %d results, want %d:\n%s", len(results), len(cells), out)
	}
	for i, c := range cells {
		name := strings.TrimPrefix(c.check, "Check")
		if want := name + ": not yet: case 1: "; !strings.HasPrefix(results[i], want) {
			t.Errorf("%s: the unsolved %s cell prints %q, want %q...", c.notebook, c.check, results[i], want)
		}
	}
}
