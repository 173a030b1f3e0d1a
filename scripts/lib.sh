# lib.sh: shared helpers for the course's scripts. Source it; it sets ROOT (the repository) and
# puts Go and the Go-installed tools on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CVLESSONS_ROOT="$ROOT"

# Versions the course is tested with.
GO_VERSION=1.26.8
GONB_VERSION=v0.11.5
GOIMPORTS_VERSION=v0.52.0
GOPLS_VERSION=v0.23.0
# Jupyter comes from the OS packages (classic Notebook 6) and always runs as /usr/bin/jupyter:
# the first python3 on PATH may be another interpreter without Jupyter.
JUPYTER=/usr/bin/jupyter
# gcc and libc6-dev: GoMLX's XLA binding (go-xla) uses cgo, so building the course needs a C compiler.
# dataset-fashion-mnist: the lessons' Fashion-MNIST, installed from the OS packages so that a machine
# without internet has it (/usr/share/datasets/fashion-mnist); MNIST comes with a Go module.
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client gcc libc6-dev dataset-fashion-mnist)

# The browser check of the rendered notebooks (check-html.sh): Debian's chromium, driven by
# playwright-core at the version pinned in scripts/browser/package.json and package-lock.json,
# installed into scripts/browser/node_modules by install-browser.sh.
CVLESSONS_CHROMIUM="${CVLESSONS_CHROMIUM:-/usr/bin/chromium}"
BROWSER_DIR="$ROOT/scripts/browser"
PLAYWRIGHT_VERSION="$(sed -n 's/^ *"playwright-core": "\([^"]*\)".*/\1/p' "$BROWSER_DIR/package.json" 2>/dev/null)"

# "make lab" serves JupyterLab from the course's own venv (install-lab.sh; nothing goes into the system
# Python) when it could be installed from PyPI, and Debian's classic Notebook otherwise (lab_ui).
LAB_VENV="${CVLESSONS_VENV:-$HOME/.local/share/cvlessons/venv}"
LAB_REQUIREMENTS="$ROOT/scripts/lab/requirements.txt"
LAB_VERSION="$(sed -n 's/^jupyterlab==\([^ ]*\).*/\1/p' "$LAB_REQUIREMENTS" 2>/dev/null)"
# Why the last attempt to install JupyterLab failed, for lab.sh to say.
LAB_NOT_INSTALLED="$(dirname "$LAB_VENV")/jupyterlab-not-installed.txt"

if [[ -t 2 ]]; then _b=$'\033[1m' _r=$'\033[1;31m' _n=$'\033[0m'; else _b="" _r="" _n=""; fi
say() { printf '%scvlessons:%s %s\n' "$_b" "$_n" "$*" >&2; }
die() { printf '%scvlessons: error:%s %s\n' "$_r" "$_n" "$*" >&2; exit 1; }

# A Go the course installed for this user comes first, then the usual places.
CVLESSONS_GO_DIR="${CVLESSONS_GO_DIR:-$HOME/.local/share/cvlessons/go}"
# The course's XLA CPU plugin (scripts/install-xla.sh): a folder go-xla does not search by itself.
export CVLESSONS_XLA_DIR="${CVLESSONS_XLA_DIR:-$HOME/.local/share/cvlessons/xla}"
for d in "$CVLESSONS_GO_DIR/bin" /usr/local/go/bin; do
	if [[ -x "$d/go" && ":$PATH:" != *":$d:"* ]]; then PATH="$d:$PATH"; fi
done
if command -v go >/dev/null 2>&1; then
	GOBIN_DIR="$(go env GOBIN)"
	[[ -n "$GOBIN_DIR" ]] || GOBIN_DIR="$(go env GOPATH)/bin"
	[[ ":$PATH:" == *":$GOBIN_DIR:"* ]] || PATH="$PATH:$GOBIN_DIR"
fi
export PATH

# as_root runs a command as root: directly when we are root, through sudo otherwise (saying so).
as_root() {
	if [[ "$(id -u)" == 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		say "needs root, running with sudo: $*"
		sudo "$@"
	else
		die "needs root and sudo is not installed; ask an administrator to run: $*"
	fi
}

# go_ok says whether the go on PATH is at least 1.26.
go_ok() {
	command -v go >/dev/null 2>&1 || return 1
	local v
	v="$(go env GOVERSION 2>/dev/null)" || return 1
	v="${v#go}"
	local major="${v%%.*}" rest="${v#*.}"
	local minor="${rest%%[!0-9]*}"
	(( major > 1 || (major == 1 && minor >= 26) ))
}

# offline_go_env makes Go in the notebooks use only modules already in the module cache, which
# the set-up and "go test" downloaded and verified: no proxy and no checksum-database look-ups, so
# a notebook never waits on the network, and works where sum.golang.org is unreachable.
# CVLESSONS_ONLINE=1 keeps Go's own settings (for notebooks that "go get" new modules).
offline_go_env() {
	if [[ "${CVLESSONS_ONLINE:-0}" != 1 ]]; then
		export GOPROXY=off GOSUMDB=off
	fi
}

# browser_missing prints what the browser check lacks, one item a line; nothing when it is ready.
browser_missing() {
	[[ -x "$CVLESSONS_CHROMIUM" ]] || echo "chromium ($CVLESSONS_CHROMIUM)"
	command -v node >/dev/null 2>&1 || echo "node"
	local have
	have="$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' "$BROWSER_DIR/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1 || true)"
	[[ -n "$PLAYWRIGHT_VERSION" && "$have" == "$PLAYWRIGHT_VERSION" ]] ||
		echo "playwright-core $PLAYWRIGHT_VERSION in $BROWSER_DIR/node_modules (found: ${have:-none})"
}

# browser_ready says whether the browser check can run.
browser_ready() { [[ -z "$(browser_missing)" ]]; }

# lab_stamp is what install-lab.sh writes into the venv once every pinned package is in: the
# SHA-256 of requirements.txt, so that a changed pin reinstalls.
lab_stamp() { sha256sum "$LAB_REQUIREMENTS" | cut -d' ' -f1; }

# lab_installed says whether the venv holds exactly the pinned JupyterLab.
lab_installed() {
	[[ -x "$LAB_VENV/bin/jupyter-lab" && "$(cat "$LAB_VENV/cvlessons-requirements.sha256" 2>/dev/null)" == "$(lab_stamp)" ]]
}

# lab_ui picks the Jupyter UI that "make lab" serves and sets: LAB_UI (its name and version),
# LAB_WHY (why this one), LAB_JUPYTER and LAB_APP (the command: "$LAB_JUPYTER" "$LAB_APP" ...) and
# LAB_PAGE (the page to open: lab or tree).
lab_ui() {
	if [[ "${CVLESSONS_LAB:-auto}" != 0 ]] && lab_installed; then
		LAB_UI="JupyterLab $LAB_VERSION"
		LAB_WHY="from PyPI, pinned by scripts/lab/requirements.txt, in $LAB_VENV"
		LAB_JUPYTER="$LAB_VENV/bin/jupyter" LAB_APP=lab LAB_PAGE=lab
		return
	fi
	LAB_UI="the classic Jupyter Notebook $("$JUPYTER" notebook --version 2>/dev/null || echo "(version unknown)") from Debian"
	if [[ "${CVLESSONS_LAB:-auto}" == 0 ]]; then
		LAB_WHY="CVLESSONS_LAB=0"
	elif [[ -s "$LAB_NOT_INSTALLED" ]]; then
		LAB_WHY="JupyterLab is not installed: $(tail -n 1 "$LAB_NOT_INSTALLED" | sed "s/^[^ ]*: //")"
	else
		LAB_WHY="JupyterLab is not installed in $LAB_VENV (scripts/install-lab.sh installs it)"
	fi
	LAB_JUPYTER="$JUPYTER" LAB_APP=notebook LAB_PAGE=tree
}
