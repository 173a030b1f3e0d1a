package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBench(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no subcommand", []string{"bench"}, 2, "", `want the subcommand "train", "mnist" or "fashion"`},
		{"unknown subcommand", []string{"bench", "cifar"}, 2, "", "want the subcommand"},
		{"train without model", []string{"bench", "train"}, 2, "", "--model is required"},
		{"train unknown model", []string{"bench", "train", "--model", "lenet", "--steps", "1"}, 1, "", `unknown model "lenet"`},
		{"train extra argument", []string{"bench", "train", "--model", "mnist-cnn", "x"}, 2, "", "unexpected arguments"},
		{"fashion unknown model", []string{"bench", "fashion", "--model", "lenet"}, 1, "", `unknown Fashion-MNIST model "lenet"`},
		{"mnist has no --augment", []string{"bench", "mnist", "--augment"}, 2, "", "augment"},
		{"mnist zero epochs", []string{"bench", "mnist", "--epochs", "0"}, 2, "", "must be positive"},
		// Issue 17: sizes a careless or hostile user could pass; refused before anything is allocated.
		{"train batch 100000000 (627 GB of images)", []string{"bench", "train", "--model", "mnist-cnn", "--batch", "100000000"}, 1, "",
			"bench: --batch 100000000 needs"},
		{"train batch max int64 (makeslice overflow)", []string{"bench", "train", "--model", "mnist-cnn", "--batch", "9223372036854775807"}, 1, "",
			"--batch 9223372036854775807 needs more than 9223372036854775807 bytes"},
		{"train batch past int64", []string{"bench", "train", "--model", "mnist-cnn", "--batch", "9223372036854775808"}, 2, "", "value out of range"},
		{"train batch 0", []string{"bench", "train", "--model", "mnist-cnn", "--batch", "0"}, 2, "", "--batch 0 must be positive"},
		{"train steps -1", []string{"bench", "train", "--model", "mnist-cnn", "--steps", "-1"}, 2, "", "--steps -1 must be positive and at most 1000000"},
		{"train steps over the limit", []string{"bench", "train", "--model", "mnist-cnn", "--steps", "1000001"}, 2, "", "--steps 1000001 must be positive and at most 1000000"},
		{"fashion batch 100000000 (was clamped)", []string{"bench", "fashion", "--batch", "100000000"}, 1, "",
			"--batch 100000000 is more than the 60000 training images"},
		{"fashion epochs over the limit", []string{"bench", "fashion", "--epochs", "1001"}, 2, "", "--epochs 1001 must be positive and at most 1000"},
		{"mnist negative batch", []string{"bench", "mnist", "--batch", "-5"}, 2, "", "--batch -5 must be positive"},
		{"train one step", []string{"bench", "train", "--model", "mnist-cnn", "--batch", "4", "--steps", "1"}, 0,
			"model=mnist-cnn batch=4 images_per_s=", "backend go"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMLX_BACKEND", "go")
			var stdout, stderr bytes.Buffer
			code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}
