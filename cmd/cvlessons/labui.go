package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// labUI is which Jupyter UI "make lab" serves, as scripts/lib.sh's lab_ui decides it: JupyterLab
// from the course's venv when scripts/install-lab.sh installed exactly the pinned versions, Debian's
// classic Notebook otherwise.
type labUI struct {
	// Venv is the course's venv ($CVLESSONS_VENV, default ~/.local/share/cvlessons/venv).
	Venv string
	// Version is the JupyterLab version pinned in scripts/lab/requirements.txt ("" when unread).
	Version string
	// Installed: the venv has jupyter-lab and the stamp install-lab.sh writes last (the SHA-256 of
	// requirements.txt) matches the file.
	Installed bool
	// Off: CVLESSONS_LAB=0 asks for the classic Notebook.
	Off bool
	// NotInstalled is why the last install failed (install-lab.sh's note), or "".
	NotInstalled string
}

// courseLabUI looks at the venv and at the pins of the checkout at root ($CVLESSONS_ROOT, which the
// course's scripts set; "" means the working directory).
func courseLabUI(root string) labUI {
	u := labUI{Venv: os.Getenv("CVLESSONS_VENV"), Off: os.Getenv("CVLESSONS_LAB") == "0"}
	if u.Venv == "" {
		if home, err := os.UserHomeDir(); err == nil {
			u.Venv = filepath.Join(home, ".local", "share", "cvlessons", "venv")
		}
	}
	stamp, serr := os.ReadFile(filepath.Join(u.Venv, "cvlessons-requirements.sha256"))
	u.Installed = serr == nil && fileExists(filepath.Join(u.Venv, "bin", "jupyter-lab"))
	// Without the checkout's pins (doctor run outside it), a complete install is all that is known.
	if req, err := os.ReadFile(filepath.Join(root, "scripts", "lab", "requirements.txt")); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(req)))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "jupyterlab=="); ok {
				u.Version = strings.TrimSpace(strings.TrimSuffix(v, "\\"))
				break
			}
		}
		sum := sha256.Sum256(req)
		u.Installed = u.Installed && strings.TrimSpace(string(stamp)) == hex.EncodeToString(sum[:])
	}
	if note, err := os.ReadFile(filepath.Join(filepath.Dir(u.Venv), "jupyterlab-not-installed.txt")); err == nil {
		lines := strings.Split(strings.TrimSpace(string(note)), "\n")
		u.NotInstalled = lines[len(lines)-1]
	}
	return u
}

// labUICheck reports the UI "make lab" will serve: optional, since the classic Notebook works too.
func labUICheck(u labUI) doctorCheck {
	c := doctorCheck{name: "jupyterlab", fix: "scripts/install-lab.sh (from pypi.org, into " + u.Venv + ")"}
	switch {
	case u.Off:
		c.ok = true
		c.detail = "CVLESSONS_LAB=0: make lab serves the classic Notebook (" + jupyterBin + ")"
	case u.Installed:
		c.ok = true
		c.detail = strings.TrimSpace("JupyterLab "+u.Version) + " in " + u.Venv + ": make lab serves it"
	default:
		why := "not installed in " + u.Venv
		if u.NotInstalled != "" {
			why += " (last attempt " + u.NotInstalled + ")"
		}
		c.detail = why + "; make lab serves the classic Notebook (" + jupyterBin + ")"
	}
	return c
}
