// Command gen writes the README's backend comparison section from the committed results files of
// bench/compare.sh and bench/lessons.sh (run it with go generate ./bench/compare), or prints one
// results file's summary table (what the scripts show at the end of a run).
//
// Usage:
//
//	go run ./gen [-readme ../../README.md] [-results ../results]
//	go run ./gen -print FILE
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/bench/compare"
)

func main() {
	readme := flag.String("readme", "../../README.md", "the README whose comparison section to rewrite")
	results := flag.String("results", "../results", "the folder of the committed compare-*.txt and lessons-*.txt results files")
	printName := flag.String("print", "", "print this results file's summary table instead of rewriting the README")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gen: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	var err error
	if *printName != "" {
		err = printFile(*printName)
	} else {
		err = rewrite(*readme, *results)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func printFile(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if bytes.Contains(data, []byte("\n"+compare.LessonColumnHeader+"\n")) {
		r, err := compare.ParseLessons(filepath.Base(name), data)
		if err != nil {
			return err
		}
		return compare.WriteLessonsText(os.Stdout, r)
	}
	r, err := compare.Parse(filepath.Base(name), data)
	if err != nil {
		return err
	}
	return compare.WriteText(os.Stdout, r)
}

// rewrite replaces the README's section through a temporary file renamed over it, and leaves the
// README untouched when nothing changes.
func rewrite(readme, results string) error {
	all, err := compare.ReadDir(results)
	if err != nil {
		return err
	}
	lessons, err := compare.ReadLessonsDir(results)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	out, err := compare.Splice(string(data), compare.Section(all, lessons))
	if err != nil {
		return fmt.Errorf("%s: %w", readme, err)
	}
	if out == string(data) {
		return nil
	}
	tmp := readme + ".tmp"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, readme)
}
