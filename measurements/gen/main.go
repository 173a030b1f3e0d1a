// Command gen writes the README's measurements section, and the generated blocks of the documents
// under docs/, from the committed runs in measurements/ (run it with go generate ./measurements).
//
// Usage:
//
//	go run ./gen [-readme ../README.md] [-docs ../docs] [-root ..]
//
// An empty -readme or -docs leaves that part alone; -root is the repository, whose git history
// says which runs are current.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/measurements"
)

func main() {
	readme := flag.String("readme", "../README.md", "the README to update (\"\": leave it alone)")
	docs := flag.String("docs", "../docs", "the folder whose *.md files' generated blocks to update (\"\": leave them alone)")
	root := flag.String("root", "..", "the repository's root")
	flag.Parse()
	if err := run(*readme, *docs, *root); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run(readme, docs, root string) error {
	runs, err := measurements.All()
	if err != nil {
		return err
	}
	fresh, err := measurements.CheckFreshness(root, runs)
	if err != nil {
		return err
	}
	if readme != "" {
		err := rewrite(readme, func(doc string) (string, error) {
			return measurements.Splice(doc, measurements.Section(runs, fresh))
		})
		if err != nil {
			return err
		}
	}
	if docs == "" {
		return nil
	}
	names, err := filepath.Glob(filepath.Join(docs, "*.md"))
	if err != nil {
		return err
	}
	for _, name := range names {
		err := rewrite(name, func(doc string) (string, error) { return measurements.Blocks(doc, runs, fresh) })
		if err != nil {
			return err
		}
	}
	return nil
}

// rewrite replaces the file at name by edit's result, through a temporary file renamed over it, and
// leaves it untouched when nothing changes.
func rewrite(name string, edit func(string) (string, error)) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out, err := edit(string(data))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if out == string(data) {
		return nil
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
