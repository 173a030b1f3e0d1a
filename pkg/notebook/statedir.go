package notebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cvlessons/cvlessons/pkg/plot"
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

// Save writes v as JSON to the file name in StateDir, for a later cell to Load: a training cell
// saves its report, the cells after it read it back instead of training again.
func Save(name string, v any) error {
	dir, err := stateFile(name)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("notebook: saving %s: %w", name, err)
	}
	if err := plot.WriteFileAtomic(filepath.Join(dir, name), data); err != nil {
		return fmt.Errorf("notebook: saving %s: %w", name, err)
	}
	return nil
}

// Load reads into v (a pointer) what Save wrote to the file name; when there is no such file its
// error says to run the cell that saves it first.
func Load(name string, v any) error {
	dir, err := stateFile(name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("notebook: no saved %s: run the cell that saves it first", name)
	}
	if err != nil {
		return fmt.Errorf("notebook: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("notebook: reading %s: %w", name, err)
	}
	return nil
}

// stateFile returns StateDir after checking that name is a plain file name (no folder).
func stateFile(name string) (string, error) {
	if name == "" || name == "." || name == ".." || name != filepath.Base(name) {
		return "", fmt.Errorf("notebook: state file %q, want a plain file name", name)
	}
	return StateDir()
}
