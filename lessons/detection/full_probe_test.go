package detection

import (
	"encoding/json"
	"os"
	"testing"
)

// TestRunDetectorsFullProbe runs the full preset when $CVLESSONS_DETECTION_FULL names a JSON file to
// write the table to (skipped otherwise): the measurement behind the README's full-preset row.
func TestRunDetectorsFullProbe(t *testing.T) {
	path := os.Getenv("CVLESSONS_DETECTION_FULL")
	if path == "" {
		t.Skip("set CVLESSONS_DETECTION_FULL to a JSON output path to run")
	}
	cfg := DetectorsFull()
	cfg.Progress = os.Stderr
	r, err := RunDetectors(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", r)
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
