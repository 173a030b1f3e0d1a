package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
)

// dockerfileFetches returns the arguments of every "cvlessons data fetch" in a Dockerfile, its
// continued lines joined, each up to the end of its shell command (";", "&&" or the line's end).
func dockerfileFetches(dockerfile string) [][]string {
	joined := strings.ReplaceAll(dockerfile, "\\\n", " ")
	var out [][]string
	for _, m := range regexp.MustCompile(`cvlessons data fetch([^;&\n]*)`).FindAllStringSubmatch(joined, -1) {
		out = append(out, strings.Fields(m[1]))
	}
	return out
}

// TestDockerfileDataFetch: the image's --build-arg DATA=1 step names the entries to fetch (issue
// 17: it ran "cvlessons data fetch" with no name, a usage error, so the build always failed), and
// they are the whole catalogue, as docker/README.md promises. Each case is a Dockerfile: the
// repository's, and hand-made ones that must be caught.
func TestDockerfileDataFetch(t *testing.T) {
	repo, err := os.ReadFile("../../docker/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, e := range datasets.Catalogue() {
		all = append(all, e.Name)
	}
	for _, tc := range []struct {
		name, dockerfile string
		wantErr          string // "" when the Dockerfile must pass
	}{
		{"docker/Dockerfile", string(repo), ""},
		{"no name (the bug)", "RUN if [ \"$DATA\" = 1 ]; then cvlessons data fetch; fi", "names no entry"},
		{"unknown name", "RUN cvlessons data fetch mnist \\\n  imagenet-full && true", `unknown data set "imagenet-full"`},
		{"part of the catalogue", "RUN cvlessons data fetch mnist", "does not fetch"},
		{"no fetch at all", "RUN true", "no \"cvlessons data fetch\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkDockerFetch(dockerfileFetches(tc.dockerfile), all)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkDockerFetch error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// checkDockerFetch checks the argument lists of a Dockerfile's "cvlessons data fetch" commands:
// there is one, it parses as "data fetch" does, and it names every catalogue entry.
func checkDockerFetch(fetches [][]string, catalogue []string) error {
	switch len(fetches) {
	case 0:
		return errors.New("no \"cvlessons data fetch\" in the Dockerfile")
	case 1:
	default:
		return fmt.Errorf("%d \"cvlessons data fetch\" commands, want one", len(fetches))
	}
	args := fetches[0]
	if len(args) == 0 {
		return errors.New("\"cvlessons data fetch\" names no entry: a usage error, nothing is downloaded without a name")
	}
	for _, a := range args {
		if _, err := datasets.Lookup(a); err != nil {
			return err
		}
	}
	for _, name := range catalogue {
		if !slices.Contains(args, name) {
			return fmt.Errorf("\"cvlessons data fetch %s\" does not fetch %q", strings.Join(args, " "), name)
		}
	}
	return nil
}
