package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNotebooksContract checks every committed notebook against the course's notebook contract
// without a kernel (scripts/run-notebooks.py checks the same before executing them): nbformat 4,
// the GoNB kernel, metadata "cvlessons": {"expect": [...], "min_images": N}, no outputs, and the
// set-up cell first.
func TestNotebooksContract(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "notebooks", "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebooks in notebooks/")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var nb struct {
				NBFormat int `json:"nbformat"`
				Metadata struct {
					KernelSpec struct {
						Name string `json:"name"`
					} `json:"kernelspec"`
					CVLessons *struct {
						Expect    []string `json:"expect"`
						MinImages *int     `json:"min_images"`
					} `json:"cvlessons"`
				} `json:"metadata"`
				Cells []struct {
					CellType       string          `json:"cell_type"`
					Source         json.RawMessage `json:"source"`
					Outputs        []any           `json:"outputs"`
					ExecutionCount *int            `json:"execution_count"`
				} `json:"cells"`
			}
			if err := json.Unmarshal(data, &nb); err != nil {
				t.Fatalf("not valid notebook JSON: %v", err)
			}
			if nb.NBFormat != 4 {
				t.Errorf("nbformat %d, want 4", nb.NBFormat)
			}
			if nb.Metadata.KernelSpec.Name != "gonb" {
				t.Errorf("kernelspec %q, want \"gonb\"", nb.Metadata.KernelSpec.Name)
			}
			cv := nb.Metadata.CVLessons
			switch {
			case cv == nil:
				t.Errorf("metadata lacks \"cvlessons\"")
			case len(cv.Expect) == 0 || cv.MinImages == nil || *cv.MinImages < 0:
				t.Errorf("metadata.cvlessons = %+v, want a non-empty expect list and min_images >= 0", *cv)
			default:
				for i, s := range cv.Expect {
					if s == "" {
						t.Errorf("expect[%d] is empty", i)
					}
				}
			}
			firstCode := true
			for i, c := range nb.Cells {
				if c.CellType != "code" {
					continue
				}
				if len(c.Outputs) > 0 || c.ExecutionCount != nil {
					t.Errorf("cell %d has outputs or an execution count; commit notebooks cleared", i)
				}
				if firstCode {
					firstCode = false
					var src string
					var lines []string
					if json.Unmarshal(c.Source, &lines) == nil {
						src = strings.Join(lines, "")
					} else {
						_ = json.Unmarshal(c.Source, &src)
					}
					if !strings.Contains(src, "go mod edit -require github.com/cvlessons/cvlessons@v0.0.0 -replace") {
						t.Errorf("first code cell is not the set-up cell (copy it from 00-welcome.ipynb):\n%s", src)
					}
				}
			}
			if firstCode {
				t.Errorf("no code cells")
			}
		})
	}
}

// TestNotebooksKeepFilesPrivate: no notebook code names a file in the shared temporary directory,
// where another user could read it or plant one first (issue 17: notebook 03 wrote a fixed name
// in /tmp); a file kept between cells goes under notebook.StateDir().
func TestNotebooksKeepFilesPrivate(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "notebooks", "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var nb struct {
			Cells []struct {
				CellType string   `json:"cell_type"`
				Source   []string `json:"source"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, c := range nb.Cells {
			if c.CellType != "code" {
				continue
			}
			for j, line := range c.Source {
				code, _, _ := strings.Cut(line, "//")
				for _, shared := range []string{`"/tmp`, "os.TempDir()", "$TMPDIR", "${TMPDIR"} {
					if strings.Contains(code, shared) {
						t.Errorf("%s cell %d line %d names the shared temporary directory (%s); keep files under notebook.StateDir(): %s",
							filepath.Base(path), i, j+1, shared, strings.TrimSpace(line))
					}
				}
			}
		}
	}
}
