package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/backend"
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

// TestDoctorChecksDataContent: a file of the catalogued size but other bytes is reported damaged,
// as "data verify" reports it (issue 17: doctor called random bytes of the right size "ok"). The
// entry and its files are made in the test.
func TestDoctorChecksDataContent(t *testing.T) {
	good := bytes.Repeat([]byte("weights "), 512)
	sum := sha256.Sum256(good)
	random := make([]byte, len(good))
	rand.NewChaCha8([32]byte{1}).Read(random)
	for _, tc := range []struct {
		name     string
		content  []byte // nil: no file
		wantOK   bool
		inDetail string
		inFix    string
	}{
		{"the catalogued bytes", good, true, "", ""},
		{"random bytes of the right size", random, false, "DAMAGED: datasets: ", "delete "},
		{"missing", nil, false, "not found (pretrained weights", "cvlessons data fetch w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CVLESSONS_DATA", t.TempDir())
			dir := t.TempDir()
			path := filepath.Join(dir, "w.pth")
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			e := &datasets.Entry{Name: "w", Kind: datasets.Weights, Local: func() []string { return []string{dir} },
				Files: []datasets.File{{Name: "w.pth", Size: int64(len(good)), SHA256: hex.EncodeToString(sum[:])}}}
			p := fakeProbe()
			p.data = func() []dataStatus { return catalogueStatus([]*datasets.Entry{e}) }
			checks := doctorChecks(p)
			c := checks[len(checks)-1]
			if c.name != "w" || c.ok != tc.wantOK || !strings.Contains(c.detail, tc.inDetail) || !strings.Contains(c.fix, tc.inFix) {
				t.Errorf("check = %+v; want ok %v, detail with %q, fix with %q", c, tc.wantOK, tc.inDetail, tc.inFix)
			}
			if !tc.wantOK && tc.content != nil && !strings.Contains(c.detail, "SHA-256") {
				t.Errorf("detail %q does not name the failed SHA-256", c.detail)
			}
		})
	}
}

// TestDoctorFixesExist: every script and make target a fix or the help names exists (issue 17:
// doctor pointed to a scripts/install-gonb.sh that does not exist), and the tool versions it
// promises are those scripts/lib.sh installs.
func TestDoctorFixesExist(t *testing.T) {
	p := fakeProbe()
	p.goVersion = func() (string, error) { return "", errors.New("none") }
	p.findTool = func(string) (string, bool) { return "", false }
	p.exists = func(string) bool { return false }
	p.backend = func() (string, error) { return "", errors.New("none") }
	texts := []string{cmdDoctor.long}
	for _, c := range doctorChecks(p) {
		texts = append(texts, c.fix)
	}
	all := strings.Join(texts, "\n")
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := os.ReadFile("../../scripts/lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	cases := regexp.MustCompile(`scripts/[\w.-]+\w`).FindAllString(all, -1)
	for _, m := range regexp.MustCompile(`make (\w+)`).FindAllStringSubmatch(all, -1) {
		cases = append(cases, "make "+m[1])
	}
	for _, m := range regexp.MustCompile(`(GONB|GOIMPORTS|GOPLS)_VERSION=(\S+)`).FindAllStringSubmatch(string(lib), -1) {
		cases = append(cases, m[2])
	}
	slices.Sort(cases)
	cases = slices.Compact(cases)
	if len(cases) < 5 {
		t.Fatalf("found only %v in doctor's texts and lib.sh", cases)
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			switch {
			case strings.HasPrefix(c, "scripts/"):
				if _, err := os.Stat(filepath.Join("../..", c)); err != nil {
					t.Errorf("doctor names %s: %v", c, err)
				}
			case strings.HasPrefix(c, "make "):
				if !regexp.MustCompile(`(?m)^` + strings.TrimPrefix(c, "make ") + `:`).Match(makefile) {
					t.Errorf("doctor names %q, but the Makefile has no such target", c)
				}
			default: // a version lib.sh installs
				if !strings.Contains(all, c) {
					t.Errorf("scripts/lib.sh installs %s, which doctor's fixes do not name", c)
				}
			}
		})
	}
}

// TestDoctorXLAPlugin: the course's XLA CPU plugin is optional and reported either way: where it is,
// which version, that the pure-Go backend stays the default; or why it is missing and both ways to
// install it.
func TestDoctorXLAPlugin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		plugin backend.XLAPlugin
		want   []string
	}{
		{"installed", backend.XLAPlugin{Dir: "/h/x", Path: "/h/x/pjrt_c_api_cpu_plugin.so", Installed: true, Version: "w==1 (PJRT C API 0.106)"},
			[]string{"ok       xla            installed at /h/x/pjrt_c_api_cpu_plugin.so (w==1 (PJRT C API 0.106)); GOMLX_BACKEND=xla:cpu uses it",
				"the pure-Go backend stays the default"}},
		{"offline", backend.XLAPlugin{Dir: "/h/x", Path: "/h/x/pjrt_c_api_cpu_plugin.so", NotInstalled: "2026-01-02T03:04:05Z: pip could not download"},
			[]string{"warn     xla            not installed in /h/x (last attempt 2026-01-02T03:04:05Z: pip could not download)",
				"the course runs on the pure-Go backend", "fix: scripts/setup.sh", "pjrt_installer@v0.1.4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := probe
			defer func() { probe = saved }()
			probe = fakeProbe()
			probe.xlaPlugin = func() backend.XLAPlugin { return tc.plugin }
			var stdout, stderr bytes.Buffer
			if code := run(&environment{stdout: &stdout, stderr: &stderr}, []string{"doctor"}); code != 0 {
				t.Errorf("exit %d, want 0 (the plugin is optional); stderr %q", code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}
