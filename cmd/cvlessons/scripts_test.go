package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestScriptsKeepTokenOffCommandLine: the scripts that start Jupyter hand it the token through the
// JUPYTER_TOKEN environment variable. A token on the command line (--NotebookApp.token=...) can be
// read by every local user in /proc/PID/cmdline; a process's environment only by its owner.
func TestScriptsKeepTokenOffCommandLine(t *testing.T) {
	root := filepath.Join("..", "..")
	paths, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, filepath.Join(root, "docker", "start.sh"), filepath.Join(root, "docker", "Dockerfile"))
	// Any Jupyter option that sets the token or password on the command line.
	onArgv := regexp.MustCompile(`--(NotebookApp|ServerApp|IdentityProvider)\.(token|password)\b|--(token|password)=`)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if code, _, _ := strings.Cut(line, "#"); onArgv.MatchString(code) {
				t.Errorf("%s:%d passes the token on the command line, want JUPYTER_TOKEN in the environment: %s", filepath.ToSlash(p), i+1, strings.TrimSpace(line))
			}
		}
	}
	tests := []struct {
		script string
		want   []string // lines or fragments the script must keep
	}{
		{"scripts/lab.sh", []string{`export JUPYTER_TOKEN="$token"`, `url="http://127.0.0.1:$port/tree?token=$token"`}},
		{"docker/start.sh", []string{`export JUPYTER_TOKEN="$token"`, `/?token=$token`}},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(filepath.Join(root, tc.script))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q (the token through the environment, and the URL to open)", tc.script, w)
			}
		}
	}
}
