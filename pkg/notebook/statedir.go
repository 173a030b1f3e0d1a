package notebook

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// StateDir returns a directory of this user's where one cell can leave a file for the next (each
// GoNB cell runs as a new program): GoNB's folder for this kernel, $GONB_TMP_DIR, which the kernel
// creates with mode 0700, or outside GoNB cvlessons/notebooks under the user's cache directory
// (os.UserCacheDir), created with mode 0700. Never a fixed name in the shared /tmp, where another
// user could read the file or plant one first. It returns an error when the directory cannot be
// made, or is not an absolute path to a directory that only its owner can write to.
func StateDir() (string, error) {
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("notebook: no GONB_TMP_DIR and no cache directory: %w", err)
		}
		dir = filepath.Join(cache, "cvlessons", "notebooks")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("notebook: %w", err)
		}
	}
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("notebook: state directory %q is relative, want an absolute path", dir)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("notebook: state directory: %w", err)
	}
	if !fi.IsDir() {
		return "", errors.New("notebook: state directory " + dir + " is not a directory")
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return "", fmt.Errorf("notebook: state directory %s has mode %#o, writable by other users; want 0700", dir, perm)
	}
	return dir, nil
}
