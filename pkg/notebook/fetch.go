package notebook

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cvlessons/cvlessons/datasets"
)

// Fetch makes the catalogued entries (names as "cvlessons data list" prints them) available on
// first use, as torchvision's download=True does: an entry already complete somewhere the course
// looks (the data directory, a Go module, a Debian package, PyTorch's hub cache, shared/datasets
// beside the course) is used as it is, without a download; a missing one is downloaded, checked
// against its catalogued hashes and moved into place atomically, with its progress printed in the
// cell (see datasets.Entry.Fetch). Offline, the error names the entry and the command that gets it
// once the machine is online.
func Fetch(names ...string) error {
	return fetch(context.Background(), os.Stdout, names...)
}

// fetch is Fetch with its context and progress writer.
func fetch(ctx context.Context, progress io.Writer, names ...string) error {
	for _, name := range names {
		e, err := datasets.Lookup(name)
		if err != nil {
			return err
		}
		if _, err := e.Locate(); err == nil {
			continue
		}
		fmt.Fprintf(progress, "%s is not here yet: downloading it once (%s)\n", name, e.Description)
		if err := e.Fetch(ctx, datasets.FetchOptions{Progress: progress}); err != nil {
			return fmt.Errorf("notebook: %s is missing and could not be downloaded (online, run \"cvlessons data fetch %s\"): %w", name, name, err)
		}
	}
	return nil
}
