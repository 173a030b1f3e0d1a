//go:build !unix

package datasets

import (
	"errors"
	"os"
)

// tryLock has no advisory lock to take on this system: fetches go on unlocked.
func tryLock(*os.File) error { return errors.New("no flock(2) on this system") }
