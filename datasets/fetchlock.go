package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// errLocked is what tryLock returns while another process (or another Fetch in this one) holds
// the lock.
var errLocked = errors.New("locked")

// lockPollInterval is how often lockFetch tries again while another fetch holds the lock.
const lockPollInterval = 200 * time.Millisecond

// lockFetch takes the advisory lock that serialises fetches of the entry whose directory is dir:
// an exclusive flock(2) on the file ".NAME.lock" beside dir (in the data directory, so that the
// entry's own directory holds only its files). While another fetch holds it, lockFetch writes
// one line to progress and waits until that fetch ends or ctx is done. The lock file stays (a
// zero-byte file: removing it would let two fetches lock two different files); the lock ends with
// unlock or with the process. Where the file system has no flock, fetches go on unlocked, with a
// line saying so.
func lockFetch(ctx context.Context, dir, name string, progress io.Writer) (unlock func(), err error) {
	path := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: lock file: %w", name, err)
	}
	waiting := false
	for {
		err := tryLock(f)
		switch {
		case err == nil:
			return func() { f.Close() }, nil // closing the file releases the lock
		case errors.Is(err, errLocked):
			if !waiting {
				fmt.Fprintf(progress, "%s: another fetch of %s is in progress (it holds %s); waiting for it to finish\n", name, name, path)
				waiting = true
			}
		default:
			fmt.Fprintf(progress, "%s: cannot lock %s (%v); fetching without a lock\n", name, path, err)
			return func() { f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("datasets: %s: waiting for another fetch to finish (lock %s): %w", name, path, ctx.Err())
		case <-time.After(lockPollInterval):
		}
	}
}
