#!/usr/bin/env bash
# install-lab.sh installs JupyterLab for "make lab", and JupyterHub for "make hub", into the
# course's own Python venv, $CVLESSONS_VENV (default ~/.local/share/cvlessons/venv), from PyPI: the
# exact versions of scripts/lab/requirements.txt, every file checked against its SHA-256 (pip
# --require-hashes), wheels only. Nothing goes into the system Python. The GoNB kernel that
# setup.sh registers for the user is found by this JupyterLab as by Debian's Notebook.
# scripts/setup.sh calls it.
#
# CVLESSONS_LAB: "auto" (default) installs when PyPI is reachable and otherwise prints one line and
# goes on ("make lab" then serves Debian's classic Notebook and says why); "1" makes a failure an
# error; "0" skips this step, and "make lab" serves the classic Notebook. Why the last attempt failed
# is kept in $LAB_NOT_INSTALLED (lib.sh) for lab.sh to say.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${CVLESSONS_LAB:-auto}"
case "$mode" in
0) exit 0 ;;
1 | auto) ;;
*) die "CVLESSONS_LAB=$mode: want auto, 1 or 0" ;;
esac
quiet="${CVLESSONS_QUIET:-0}"
[[ -n "$LAB_VERSION" ]] || die "no jupyterlab==VERSION line in $LAB_REQUIREMENTS"

if lab_installed; then
	rm -f "$LAB_NOT_INSTALLED"
	[[ "$quiet" == 1 ]] || say "ok: JupyterLab $LAB_VERSION in $LAB_VENV"
	exit 0
fi

# unavailable says in one line why JupyterLab cannot be had, and records it for lab.sh.
unavailable() {
	if mkdir -p "$(dirname "$LAB_NOT_INSTALLED")" 2>/dev/null; then
		printf '%s: %s\n' "$(date -u +%FT%TZ)" "$1" >"$LAB_NOT_INSTALLED" 2>/dev/null || true
	fi
	[[ "$mode" != 1 ]] || die "JupyterLab not installed: $1"
	say "JupyterLab not installed ($1); make lab serves the classic Notebook from Debian"
	exit 0
}

# 1. Python's venv module (Debian splits it out as python3-venv).
if ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
	command -v apt-get >/dev/null 2>&1 || unavailable "/usr/bin/python3 has no venv module and this is not a Debian/Ubuntu system"
	[[ "$(id -u)" == 0 ]] || command -v sudo >/dev/null 2>&1 || unavailable "/usr/bin/python3 has no venv module, and installing python3-venv needs root"
	say "installing python3-venv from the OS packages (for JupyterLab's own venv)"
	{ as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } ||
		unavailable "apt-get install python3-venv failed (see above)"
fi

# 2. A fresh venv: an older or half-made one of the course is replaced, anything else left alone.
if [[ -e "$LAB_VENV" ]]; then
	[[ -f "$LAB_VENV/pyvenv.cfg" ]] || unavailable "$LAB_VENV exists and is not a Python venv; move it away or set CVLESSONS_VENV"
	rm -rf "$LAB_VENV"
fi
mkdir -p "$(dirname "$LAB_VENV")"
/usr/bin/python3 -m venv "$LAB_VENV" || unavailable "python3 -m venv $LAB_VENV failed"

# 3. The pinned packages, from PyPI, checked by hash; a short timeout, so that a machine offline
# falls back at once.
say "installing JupyterLab $LAB_VERSION from PyPI into $LAB_VENV ($(grep -c '^[a-z0-9].*==' "$LAB_REQUIREMENTS") pinned packages)"
if ! log="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$LAB_VENV/bin/pip" install --quiet --require-hashes --no-deps \
	--only-binary=:all: --timeout 20 --retries 1 -r "$LAB_REQUIREMENTS" 2>&1)"; then
	rm -rf "$LAB_VENV"
	unavailable "pip could not install $LAB_REQUIREMENTS (offline?): $(grep -v '^ *$' <<<"$log" | tail -n 1)"
fi
"$LAB_VENV/bin/jupyter-lab" --version >/dev/null 2>&1 || {
	rm -rf "$LAB_VENV"
	unavailable "installed JupyterLab but $LAB_VENV/bin/jupyter-lab does not run"
}
lab_stamp >"$LAB_VENV/cvlessons-requirements.sha256"
rm -f "$LAB_NOT_INSTALLED"
say "installed JupyterLab $LAB_VERSION in $LAB_VENV"
