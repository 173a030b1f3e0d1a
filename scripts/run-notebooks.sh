#!/usr/bin/env bash
# run-notebooks.sh executes the notebooks headless and checks their outputs (see run-notebooks.py).
# CVLESSONS_PRESET defaults to quick here; Go runs offline (offline_go_env in lib.sh), so a
# notebook that would download anything fails instead (the set-up cell pins everything locally).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export CVLESSONS_PRESET="${CVLESSONS_PRESET:-quick}"
offline_go_env
exec /usr/bin/python3 "$ROOT/scripts/run-notebooks.py" "$@"
