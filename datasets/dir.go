package datasets

import (
	"fmt"
	"os"
	"path/filepath"
)

// DataDirEnv is the environment variable that overrides the data directory.
const DataDirEnv = "CVLESSONS_DATA"

// DataDir returns the directory where downloaded data sets and weights live: $CVLESSONS_DATA
// when set, else os.UserCacheDir()/cvlessons (~/.cache/cvlessons on Linux). It does not create it.
func DataDir() (string, error) {
	if d := os.Getenv(DataDirEnv); d != "" {
		return filepath.Abs(d)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("datasets: no data directory: set $%s (%v)", DataDirEnv, err)
	}
	return filepath.Join(cache, "cvlessons"), nil
}
