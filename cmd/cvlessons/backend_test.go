package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestBackendCommand(t *testing.T) {
	tests := []struct {
		name     string
		env      string // $GOMLX_BACKEND
		args     []string
		wantCode int
		want     string
	}{
		{"env override", "go", []string{"backend"}, 0, "backend: go\nreason:  $GOMLX_BACKEND=\"go\""},
		{"xla requested", "xla:cpu", []string{"backend"}, 0, "backend: xla:cpu"},
		{"json", "go", []string{"backend", "--json"}, 0, `"config": "go"`},
		{"extra argument", "go", []string{"backend", "x"}, 2, ""},
		{"unknown flag", "go", []string{"backend", "--nope"}, 2, ""},
		{"help", "go", []string{"backend", "--help"}, 0, "usage: cvlessons backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMLX_BACKEND", tc.env)
			var stdout, stderr bytes.Buffer
			code := run(&environment{stdout: &stdout, stderr: &stderr}, tc.args)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.want) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tc.want)
			}
		})
	}
}

func TestBackendJSONParses(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	var stdout bytes.Buffer
	if code := run(&environment{stdout: &stdout, stderr: &bytes.Buffer{}}, []string{"backend", "--json"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Config  string   `json:"config"`
		Reason  string   `json:"reason"`
		Plugins []string `json:"plugins"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	if got.Config != "go" || got.Reason == "" || got.Plugins == nil {
		t.Errorf("got %+v, want config \"go\", a reason and a (possibly empty) plugin list", got)
	}
}
