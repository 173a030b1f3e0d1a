#!/usr/bin/env bash
# html.sh executes the notebooks (run-notebooks.sh; preset $CVLESSONS_PRESET, default quick),
# renders the executed copies as static HTML in notebooks/html/ (render-html.sh: images inline,
# needing no network) and opens each page in a headless browser to check that it shows every figure
# and no error (check-html.sh; skipped, saying why, when chromium or playwright-core is missing).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CVLESSONS_QUIET=1 "$ROOT/scripts/setup.sh"
status=0
"$ROOT/scripts/run-notebooks.sh" || status=$?
"$ROOT/scripts/render-html.sh"
if missing="$(browser_missing)" && [[ -z "$missing" ]]; then
	"$ROOT/scripts/check-html.sh" || status=1
else
	say "browser check of the pages skipped: missing $(paste -sd, - <<<"$missing" | sed 's/,/, /g') (scripts/install-browser.sh installs them)"
fi
if ((status != 0)); then die "some notebooks or their pages failed (see above); the HTML shows where"; fi
