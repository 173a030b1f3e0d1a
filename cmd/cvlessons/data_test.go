package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
)

func TestDataCommand(t *testing.T) {
	mnistHere := true
	if e, _ := datasets.Lookup("mnist"); e != nil {
		if _, err := e.Locate(); err != nil {
			mnistHere = false
		}
	}
	tests := []struct {
		name       string
		args       []string
		needsMNIST bool
		wantCode   int
		wantOut    string // in stdout
		wantErr    string // in stderr
	}{
		{"no subcommand", []string{"data"}, false, 2, "", "want a subcommand"},
		{"unknown subcommand", []string{"data", "get"}, false, 2, "", `unknown subcommand "get"`},
		{"help", []string{"data", "--help"}, false, 0, "usage: cvlessons data list", ""},
		{"list help", []string{"data", "list", "--help"}, false, 0, "data fetch NAME...", ""},
		{"list", []string{"data", "list"}, false, 0, "weights  missing", ""},
		{"list extra argument", []string{"data", "list", "mnist"}, false, 2, "", "takes no arguments"},
		{"fetch needs names", []string{"data", "fetch"}, false, 2, "", "nothing is downloaded by default"},
		{"fetch unknown", []string{"data", "fetch", "imagenet"}, false, 2, "", `unknown data set "imagenet"`},
		{"fetch bad flag", []string{"data", "fetch", "--nope", "mnist"}, false, 2, "", "flag provided but not defined"},
		{"fetch local copy", []string{"data", "fetch", "mnist"}, true, 0, "mnist: already available in", ""},
		{"verify named", []string{"data", "verify", "mnist"}, true, 0, "train-images-idx3-ubyte.gz: ok", ""},
		{"verify missing", []string{"data", "verify", "vgg16-imagenet"}, false, 1, "vgg16-imagenet: MISSING", "1 problem(s)"},
		{"verify all skips missing", []string{"data", "verify"}, true, 0, "vgg11-imagenet: missing (skipped)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsMNIST && !mnistHere {
				t.Skip("MNIST not in the module cache here")
			}
			t.Setenv("CVLESSONS_DATA", t.TempDir())
			t.Setenv("TORCH_HOME", t.TempDir())
			var stdout, stderr bytes.Buffer
			code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantOut) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.wantOut)
			}
			if !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.wantErr)
			}
		})
	}
}

// TestDataVerifyDetectsDamage: a damaged weights file in the data directory fails verify.
func TestDataVerifyDetectsDamage(t *testing.T) {
	data := t.TempDir()
	t.Setenv("CVLESSONS_DATA", data)
	t.Setenv("TORCH_HOME", t.TempDir())
	dir := filepath.Join(data, "vgg11-imagenet")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "vgg11-8a719046.pth"), []byte("not the weights"), 0o644)
	var stdout, stderr bytes.Buffer
	code := run(&environment{stdout: &stdout, stderr: &stderr}, []string{"data", "verify", "vgg11-imagenet"})
	if code != 1 || !strings.Contains(stdout.String(), "BAD") || !strings.Contains(stdout.String(), "want one starting 8a719046") {
		t.Errorf("exit %d stdout %q, want 1 and a BAD line naming the expected prefix", code, stdout.String())
	}
}
