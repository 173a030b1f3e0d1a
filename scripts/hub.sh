#!/usr/bin/env bash
# hub.sh serves the course to a class: a JupyterHub where each student on a list logs in with their
# own password and gets their own JupyterLab server on the GoNB kernel, in their own copy of the
# notebooks. JupyterHub 5.5.4 comes from PyPI, in the venv of "make lab" (scripts/lab/requirements.txt),
# so the students' servers are the same pinned JupyterLab; its proxy, configurable-http-proxy, from
# npm, pinned in scripts/hub/package-lock.json. The configuration is scripts/hub/jupyterhub_config.py.
#
#   scripts/hub.sh add NAME...     put students on the list; prints each one's new password, once
#   scripts/hub.sh remove NAME...  take students off the list (their folders stay)
#   scripts/hub.sh list            the students on the list
#   scripts/hub.sh [serve]         start the hub ("make hub"), and print its URL
#
# Environment: CVLESSONS_HUB_DIR (default ~/.local/share/cvlessons/hub: the list, the hub's
# database and the students' folders under homes/), CVLESSONS_HUB_IP (default 127.0.0.1; 0.0.0.0
# serves the network, over plain HTTP: put it behind HTTPS), PORT (default 8000), CVLESSONS_PRESET.
# Every student's server runs as the Unix user who runs this script: docker/README.md says what
# that means.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The list, the hub's secrets and the students' folders are for this user's eyes only.
umask 077
HUB_DIR="${CVLESSONS_HUB_DIR:-$HOME/.local/share/cvlessons/hub}"
STUDENTS="$HUB_DIR/students"
PROXY="$ROOT/scripts/hub/node_modules/.bin/configurable-http-proxy"

# valid_name refuses names JupyterHub or a folder name would trip on.
valid_name() {
	[[ "$1" =~ ^[a-z][a-z0-9_-]{0,31}$ ]] || die "student name \"$1\": want a lowercase letter, then up to 31 of a-z, 0-9, _ and -"
}

# remove_entries rewrites the list without the names given.
remove_entries() {
	[[ -f "$STUDENTS" ]] || return 0
	local tmp="$STUDENTS.tmp.$$" n
	cp -p "$STUDENTS" "$tmp"
	for n in "$@"; do
		grep -v -- "^$n:" "$tmp" >"$tmp.2" || true
		mv -f "$tmp.2" "$tmp"
	done
	mv -f "$tmp" "$STUDENTS"
}

add() {
	(($#)) || die "usage: scripts/hub.sh add NAME..."
	local n
	for n in "$@"; do valid_name "$n"; done
	mkdir -p "$HUB_DIR"
	touch "$STUDENTS"
	remove_entries "$@"
	for n in "$@"; do
		# A fresh password, stored as an scrypt hash (what jupyterhub_config.py checks).
		/usr/bin/python3 - "$n" "$STUDENTS" <<'PY'
import hashlib, os, secrets, sys
name, path = sys.argv[1], sys.argv[2]
password = secrets.token_urlsafe(9)
salt = os.urandom(16)
n, r, p = 2**14, 8, 1
digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
with open(path, "a", encoding="utf-8") as f:
    f.write("%s:scrypt$%d$%d$%d$%s$%s\n" % (name, n, r, p, salt.hex(), digest.hex()))
print("%s %s" % (name, password))
PY
	done
	say "added $# student(s) to $STUDENTS; hand each their password (printed above, stored only as a hash)"
}

remove() {
	(($#)) || die "usage: scripts/hub.sh remove NAME..."
	remove_entries "$@"
	say "removed $* from $STUDENTS (their folders in $HUB_DIR/homes stay)"
}

list() {
	[[ -s "$STUDENTS" ]] || { say "no students yet: scripts/hub.sh add NAME..."; return 0; }
	cut -d: -f1 "$STUDENTS"
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

serve() {
	CVLESSONS_QUIET=1 CVLESSONS_LAB=1 "$ROOT/scripts/setup.sh"
	[[ -x "$LAB_VENV/bin/jupyterhub" ]] || die "no jupyterhub in $LAB_VENV; run scripts/install-lab.sh (it needs PyPI)"
	if [[ ! -x "$PROXY" ]]; then
		command -v npm >/dev/null 2>&1 || die "the hub's proxy needs npm (apt-get install npm)"
		say "installing configurable-http-proxy into $ROOT/scripts/hub/node_modules (npm ci)"
		(cd "$ROOT/scripts/hub" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
			die "npm ci of configurable-http-proxy failed (offline?)"
	fi
	[[ -s "$STUDENTS" ]] || die "no students in $STUDENTS; add some first: scripts/hub.sh add NAME..."
	offline_go_env
	export CVLESSONS_HUB_DIR="$HUB_DIR" CVLESSONS_VENV="$LAB_VENV" CVLESSONS_HUB_PROXY="$PROXY"
	export CVLESSONS_HUB_IP="${CVLESSONS_HUB_IP:-127.0.0.1}" CVLESSONS_HUB_PORT="${PORT:-8000}"
	CVLESSONS_HUB_API_PORT="$(free_port)" CVLESSONS_HUB_PROXY_API_PORT="$(free_port)"
	export CVLESSONS_HUB_API_PORT CVLESSONS_HUB_PROXY_API_PORT
	export CVLESSONS_PRESET="${CVLESSONS_PRESET:-class}"
	# Each server's HOME is the student's folder; Go's caches and GoNB's kernel registration stay the
	# hub user's, so notebooks start warm and offline.
	GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
	JUPYTER_PATH="$("$LAB_VENV/bin/jupyter" --data-dir)${JUPYTER_PATH:+:$JUPYTER_PATH}"
	export GOPATH GOCACHE GOMODCACHE JUPYTER_PATH
	mkdir -p "$HUB_DIR/homes"
	[[ "$(id -u)" != 0 ]] || say "warning: running as root, so every student's code runs as root too; run the hub as a dedicated unprivileged user (docker/README.md)"
	say "UI: JupyterHub $("$LAB_VENV/bin/jupyterhub" --version) with JupyterLab $LAB_VERSION for each of $(wc -l <"$STUDENTS") student(s) (from PyPI, in $LAB_VENV)"
	say "students log in at: http://$CVLESSONS_HUB_IP:$CVLESSONS_HUB_PORT/ (stop the hub with Ctrl+C)"
	[[ "$CVLESSONS_HUB_IP" == 127.0.0.1 ]] || say "plain HTTP on $CVLESSONS_HUB_IP: passwords cross the network unencrypted unless HTTPS is in front"
	cd "$HUB_DIR"
	exec "$LAB_VENV/bin/jupyterhub" -f "$ROOT/scripts/hub/jupyterhub_config.py"
}

cmd="${1:-serve}"
(($# == 0)) || shift
case "$cmd" in
add) add "$@" ;;
remove) remove "$@" ;;
list) list ;;
serve) serve ;;
*) die "unknown command \"$cmd\"; usage: scripts/hub.sh [serve] | add NAME... | remove NAME... | list" ;;
esac
