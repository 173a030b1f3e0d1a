package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fakeProbe is a machine with everything present; cases remove pieces.
func fakeProbe() doctorProbe {
	return doctorProbe{
		goVersion:  func() (string, error) { return "go1.26.8", nil },
		findTool:   func(name string) (string, bool) { return "/home/u/go/bin/" + name, true },
		exists:     func(path string) bool { return true },
		kernelDirs: func() []string { return []string{"/home/u/.local/share/jupyter/kernels"} },
		backend:    func() (string, error) { return "go (test)", nil },
		data: func() []dataStatus {
			return []dataStatus{{name: "mnist", dir: "/data/mnist"}, {name: "vgg16-imagenet", weights: true, err: errors.New("nope")}}
		},
	}
}

func TestDoctor(t *testing.T) {
	tests := []struct {
		name     string
		change   func(p *doctorProbe)
		wantCode int
		want     []string // substrings of stdout
	}{
		{"all present", func(p *doctorProbe) {}, 0,
			[]string{"ok       go", "ok       gonb kernel    /home/u/.local/share/jupyter/kernels/gonb/kernel.json",
				"warn     vgg16-imagenet", "fix: cvlessons data fetch vgg16-imagenet", "all required items are present"}},
		{"old go", func(p *doctorProbe) { p.goVersion = func() (string, error) { return "go1.25.3", nil } }, 1,
			[]string{"MISSING  go             go1.25.3 is older than go1.26", "https://go.dev/dl/"}},
		{"no go", func(p *doctorProbe) { p.goVersion = func() (string, error) { return "", errors.New("go: not found") } }, 1,
			[]string{"MISSING  go             go: not found"}},
		{"no gopls", func(p *doctorProbe) {
			p.findTool = func(name string) (string, bool) { return "/x/" + name, name != "gopls" }
		}, 1, []string{"ok       gonb", "MISSING  gopls", "make lab"}},
		{"no gcc", func(p *doctorProbe) {
			p.findTool = func(name string) (string, bool) { return "/x/" + name, name != "gcc" }
		}, 1, []string{"MISSING  gcc", "sudo apt-get install -y gcc libc6-dev"}},
		{"no jupyter", func(p *doctorProbe) { p.exists = func(path string) bool { return path != jupyterBin } }, 1,
			[]string{"MISSING  jupyter", "sudo apt-get install -y jupyter-notebook"}},
		{"no kernel", func(p *doctorProbe) {
			p.exists = func(path string) bool { return !strings.HasSuffix(path, "kernel.json") }
		}, 1,
			[]string{"MISSING  gonb kernel", "gonb --install"}},
		{"backend fails", func(p *doctorProbe) {
			p.backend = func() (string, error) { return "", errors.New("backend: no plugin") }
		}, 1,
			[]string{"MISSING  backend        backend: no plugin"}},
		{"missing data set is a warning", func(p *doctorProbe) {
			p.data = func() []dataStatus { return []dataStatus{{name: "hymenoptera", err: errors.New("x")}} }
		}, 0, []string{"warn     hymenoptera", "cvlessons data fetch hymenoptera"}},
	}
	saved := probe
	defer func() { probe = saved }()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			probe = fakeProbe()
			tc.change(&probe)
			var stdout, stderr bytes.Buffer
			code := run(&environment{stdout: &stdout, stderr: &stderr}, []string{"doctor"})
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.wantCode, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if tc.wantCode != 0 && !strings.Contains(stderr.String(), "required item(s) missing") {
				t.Errorf("stderr %q, want the count of missing items", stderr.String())
			}
		})
	}
}

func TestGoAtLeast(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{ // by hand
		{"go1.26.8", true}, {"go1.26", true}, {"go1.27rc1", true}, {"go1.25.9", false},
		{"go2.0", true}, {"devel", false}, {"", false},
	}
	for _, tc := range tests {
		if got := goAtLeast(tc.v, 1, 26); got != tc.want {
			t.Errorf("goAtLeast(%q, 1, 26) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
