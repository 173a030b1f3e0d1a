#!/usr/bin/env bash
# start.sh is the image's entry point: it serves the course's notebooks on port 8888 behind a
# token: JupyterLab from the course's venv ($CVLESSONS_VENV) in an image built with JUPYTERLAB=1 or
# HUB=1, else Debian's classic Notebook. JUPYTER_TOKEN sets the token (a random one is made and
# printed when unset; an empty token is refused). Any arguments are run instead (e.g. "bash",
# jupyterhub-singleuser, scripts/hub.sh, docker/check-image.sh).
set -euo pipefail
if (($#)); then exec "$@"; fi
token="${JUPYTER_TOKEN:-$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(24))')}"
[[ -n "$token" ]] || { echo "start.sh: refusing to start without a token" >&2; exit 1; }
venv="${CVLESSONS_VENV:-/usr/local/lib/cvlessons/venv}"
app=notebook
if [[ -x "$venv/bin/jupyter-lab" ]]; then app=lab; fi
# "/" leads to /lab in JupyterLab, to /tree in the classic Notebook.
echo "cvlessons: open http://127.0.0.1:${HOST_PORT:-8888}/?token=$token (map the port with docker run -p 8888:8888)"
# The token reaches Jupyter through the environment (Notebook 6 and jupyter_server read
# JUPYTER_TOKEN), never on the command line, which any user of the host can read in
# /proc/PID/cmdline.
export JUPYTER_TOKEN="$token"
cd "$CVLESSONS_ROOT/notebooks"
args=(--no-browser --ip=0.0.0.0 --port=8888 --notebook-dir="$CVLESSONS_ROOT/notebooks")
if [[ "$app" == lab ]]; then
	# As "make lab" (scripts/lab.sh): a new notebook starts on Go, not on the venv's own Python.
	exec "$venv/bin/jupyter-lab" "${args[@]}" --MultiKernelManager.default_kernel_name=gonb
fi
exec /usr/bin/jupyter notebook "${args[@]}"
