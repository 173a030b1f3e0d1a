#!/usr/bin/env bash
# check-lab.sh starts the Jupyter server that "make lab" would serve (JupyterLab from the course's
# venv, or Debian's classic Notebook: lab_ui in lib.sh) as lab.sh starts it, on a free loopback port
# with a fresh token, checks that it serves the GoNB kernel (a wrong token refused, gonb listed,
# Go run on a gonb kernel: scripts/lab/check-lab.py) and stops it. CVLESSONS_LAB=0 checks the
# classic Notebook. It installs nothing: setup.sh (install-lab.sh) does.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
offline_go_env
lab_ui
port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
JUPYTER_TOKEN="$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(24))')"
export JUPYTER_TOKEN
# The server's runtime files (connection files, server info) go to a folder removed at the end.
JUPYTER_RUNTIME_DIR="$(mktemp -d)"
export JUPYTER_RUNTIME_DIR
log="$JUPYTER_RUNTIME_DIR/server.log"
export CHECK_LAB_LOG="$log"
trap 'rm -rf "$JUPYTER_RUNTIME_DIR"' EXIT
args=("$LAB_APP" --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 --notebook-dir="$ROOT/notebooks")
[[ "$(id -u)" != 0 ]] || args+=(--allow-root)
[[ "$LAB_APP" != lab ]] || args+=(--MultiKernelManager.default_kernel_name=gonb)
# JupyterLab's venv has websocket-client, with which the check runs Go on the kernel.
python=/usr/bin/python3
[[ "$LAB_APP" != lab ]] || python="$LAB_VENV/bin/python"
say "checking $LAB_UI ($LAB_WHY) on 127.0.0.1:$port"
status=0
(cd "$ROOT/notebooks" && "$python" "$ROOT/scripts/lab/check-lab.py" --port "$port" --page "$LAB_PAGE" -- "$LAB_JUPYTER" "${args[@]}") || status=$?
if ((status != 0)); then
	say "the server's log (last 20 lines):"
	tail -n 20 "$log" >&2 || true
	die "$LAB_UI does not serve the GoNB kernel as it should (see above)"
fi
