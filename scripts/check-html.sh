#!/usr/bin/env bash
# check-html.sh opens each rendered notebook (notebooks/html/*.html, or the pages given) in a
# headless chromium, offline, and checks that it shows every figure its executed notebook produced
# and no error (scripts/browser/check-html.mjs says exactly what it checks). It needs chromium and
# playwright-core, which scripts/install-browser.sh installs (setup.sh calls it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
missing="$(browser_missing)"
[[ -z "$missing" ]] || die "the browser check lacks $(paste -sd, - <<<"$missing" | sed "s/,/, /g"); run scripts/install-browser.sh"
pages=("$@")
if ((${#pages[@]} == 0)); then
	shopt -s nullglob
	pages=("$ROOT"/notebooks/html/*.html)
	((${#pages[@]})) || die "no pages in $ROOT/notebooks/html (run scripts/render-html.sh first)"
fi
say "browser check of ${#pages[@]} page(s) in $("$CVLESSONS_CHROMIUM" --version 2>/dev/null || echo chromium)"
exec node "$BROWSER_DIR/check-html.mjs" --chromium "$CVLESSONS_CHROMIUM" "${pages[@]}"
