#!/usr/bin/env bash
# run-notebooks.sh executes the notebooks headless and checks their outputs (see run-notebooks.py).
# CVLESSONS_PRESET defaults to quick here; the Go module proxy is switched off so a notebook that
# would download anything fails instead (the set-up cell pins everything to local copies).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export CVLESSONS_PRESET="${CVLESSONS_PRESET:-quick}"
export GOPROXY="${CVLESSONS_NOTEBOOK_GOPROXY:-off}"
exec /usr/bin/python3 "$ROOT/scripts/run-notebooks.py" "$@"
