#!/usr/bin/env bash
# lab.sh installs what is missing (setup.sh) and opens the course: JupyterLab on 127.0.0.1 with a
# fresh token, serving notebooks/ on the GoNB kernel, from the course's venv (install-lab.sh, when
# PyPI was reachable), otherwise Debian's classic Jupyter Notebook; one line says which and why
# (lab_ui in lib.sh). Environment: CVLESSONS_LAB=0 (the classic Notebook), PORT (default 8888 or
# the next free one), CVLESSONS_PRESET (class, quick or full; unset means class: a notebook within
# 10 minutes), CVLESSONS_ONLINE=1 (let notebooks download Go modules; by default they use only what
# the set-up installed, see offline_go_env).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/setup.sh"

# Which backend the notebooks will train on, and why ($GOMLX_BACKEND reaches the kernel, so
# "GOMLX_BACKEND=xla:cpu make lab" trains on XLA); "cvlessons doctor" says more.
if choice="$(cd "$ROOT" && go run ./cmd/cvlessons backend 2>&1)"; then
	say "$(sed -n 's/^backend: //p' <<<"$choice" | sed 's/^/backend: /') ($(sed -n 's/^reason:  //p' <<<"$choice"))"
	say "$(sed -n 's/^xla:     /xla: /p' <<<"$choice")"
else
	say "backend: unknown, \"cvlessons backend\" failed: $(tail -n 1 <<<"$choice")"
fi

port="${PORT:-}"
if [[ -z "$port" ]]; then
	port="$(/usr/bin/python3 -c '
import socket
for p in range(8888, 8988):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')"
fi
offline_go_env
token="$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(24))')"
# The token goes to Jupyter through the environment (Notebook 6 and jupyter_server read
# JUPYTER_TOKEN), never on the command line: any local user can read a process's arguments in
# /proc/PID/cmdline, while /proc/PID/environ is readable only by its owner.
export JUPYTER_TOKEN="$token"
lab_ui
say "UI: $LAB_UI ($LAB_WHY)"
args=("$LAB_APP" --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0
	--notebook-dir="$ROOT/notebooks")
[[ "$(id -u)" != 0 ]] || args+=(--allow-root)
# A new notebook in JupyterLab starts on Go rather than on the venv's own Python kernel.
[[ "$LAB_APP" != lab ]] || args+=(--MultiKernelManager.default_kernel_name=gonb)

url="http://127.0.0.1:$port/tree?token=$token"
[[ "$LAB_PAGE" != lab ]] || url="http://127.0.0.1:$port/lab?token=$token"
say "starting $LAB_UI on the GoNB kernel (preset: ${CVLESSONS_PRESET:-class}); stop it with Ctrl+C"
say "open the course at: $url"
say "start with 00-welcome.ipynb; from another machine, tunnel the port: ssh -L $port:127.0.0.1:$port THIS-HOST"
cd "$ROOT/notebooks"
exec "$LAB_JUPYTER" "${args[@]}"
