package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCourseLabUI: JupyterLab counts as installed only when the venv has jupyter-lab and the stamp
// install-lab.sh writes last matches the checkout's requirements.txt; the version comes from the pins
// and the reason of a failed install from install-lab.sh's note.
func TestCourseLabUI(t *testing.T) {
	req := "# pins\njupyterlab==4.6.6 \\\n    --hash=sha256:00\n"
	sum := sha256.Sum256([]byte(req))
	tests := []struct {
		name          string
		stamp         string // "" writes none
		jupyterLab    bool
		note          string
		lab           string // $CVLESSONS_LAB
		wantInstalled bool
		wantOff       bool
	}{
		{"installed", hex.EncodeToString(sum[:]), true, "", "", true, false},
		{"stale stamp", strings.Repeat("0", 64), true, "", "", false, false},
		{"half made", "", true, "", "", false, false},
		{"no jupyter-lab", hex.EncodeToString(sum[:]), false, "", "", false, false},
		{"offline", "", false, "2026-12-07T03:04:34Z: pip could not install (offline?)\n", "", false, false},
		{"asked off", hex.EncodeToString(sum[:]), true, "", "0", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, share := t.TempDir(), t.TempDir()
			venv := filepath.Join(share, "venv")
			mustWrite(t, filepath.Join(root, "scripts", "lab", "requirements.txt"), req)
			if tc.stamp != "" {
				mustWrite(t, filepath.Join(venv, "cvlessons-requirements.sha256"), tc.stamp+"\n")
			}
			if tc.jupyterLab {
				mustWrite(t, filepath.Join(venv, "bin", "jupyter-lab"), "#!/bin/sh\n")
			}
			if tc.note != "" {
				mustWrite(t, filepath.Join(share, "jupyterlab-not-installed.txt"), tc.note)
			}
			t.Setenv("CVLESSONS_VENV", venv)
			t.Setenv("CVLESSONS_LAB", tc.lab)
			u := courseLabUI(root)
			if u.Installed != tc.wantInstalled || u.Off != tc.wantOff || u.Version != "4.6.6" || u.Venv != venv {
				t.Errorf("courseLabUI = %+v, want Installed %v, Off %v, Version 4.6.6, Venv %s", u, tc.wantInstalled, tc.wantOff, venv)
			}
			if want := strings.TrimSpace(tc.note); u.NotInstalled != want {
				t.Errorf("NotInstalled = %q, want %q", u.NotInstalled, want)
			}
		})
	}
}

// TestDoctorJupyterLab: doctor says which UI make lab serves, and why when it is the classic Notebook;
// either way the item is optional.
func TestDoctorJupyterLab(t *testing.T) {
	for _, tc := range []struct {
		name string
		ui   labUI
		want []string
	}{
		{"installed", labUI{Venv: "/h/venv", Version: "4.6.6", Installed: true},
			[]string{"ok       jupyterlab", "JupyterLab 4.6.6 in /h/venv: make lab serves it"}},
		{"offline", labUI{Venv: "/h/venv", Version: "4.6.6", NotInstalled: "2026-12-07T03:04:34Z: pip could not install"},
			[]string{"warn     jupyterlab", "not installed in /h/venv (last attempt 2026-12-07T03:04:34Z: pip could not install); make lab serves the classic Notebook (/usr/bin/jupyter)",
				"fix: scripts/install-lab.sh"}},
		{"asked off", labUI{Venv: "/h/venv", Off: true},
			[]string{"ok       jupyterlab", "CVLESSONS_LAB=0: make lab serves the classic Notebook"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := probe
			defer func() { probe = saved }()
			probe = fakeProbe()
			probe.labUI = func() labUI { return tc.ui }
			var stdout, stderr bytes.Buffer
			if code := run(&environment{stdout: &stdout, stderr: &stderr}, []string{"doctor"}); code != 0 {
				t.Errorf("exit %d, want 0 (JupyterLab is optional); stderr %q", code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
