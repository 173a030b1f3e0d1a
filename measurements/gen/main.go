// Command gen writes the README's measurements section from the committed runs in measurements/
// (run it with go generate ./measurements).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/measurements"
)

func main() {
	readme := flag.String("readme", "../README.md", "the README to update")
	flag.Parse()
	if err := run(*readme); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run(readme string) error {
	runs, err := measurements.All()
	if err != nil {
		return err
	}
	root := filepath.Dir(readme)
	fresh, err := measurements.CheckFreshness(root, runs)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	out, err := measurements.Splice(string(doc), measurements.Section(runs, fresh))
	if err != nil {
		return fmt.Errorf("%s: %w", readme, err)
	}
	tmp := readme + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, readme)
}
