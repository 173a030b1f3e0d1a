#!/usr/bin/env bash
# html.sh executes the notebooks (run-notebooks.sh; preset $CVLESSONS_PRESET, default quick) and
# renders the executed copies as static HTML in notebooks/html/, images inline, needing no network.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CVLESSONS_QUIET=1 "$ROOT/scripts/setup.sh"
status=0
"$ROOT/scripts/run-notebooks.sh" || status=$?
out="$ROOT/notebooks/html"
mkdir -p "$out"
shopt -s nullglob
executed=("$ROOT"/notebooks/.executed/*.ipynb)
((${#executed[@]})) || die "no executed notebooks in notebooks/.executed"
# The classic template without MathJax or require.js from a CDN: the page must open offline.
"$JUPYTER" nbconvert --to html --template classic --output-dir "$out" \
	--HTMLExporter.mathjax_url="" --HTMLExporter.require_js_url="" --HTMLExporter.jquery_url="" \
	"${executed[@]}" 2>&1 | grep -v -e "Debugger warning" -e "frozen modules" -e "PYDEVD" -e "Xfrozen_modules" || true
for f in "$out"/*.html; do
	# Drop any remaining remote <script src=...>, so a browser offline does not wait on it.
	/usr/bin/python3 - "$f" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", s)
s = re.sub(r'<link[^>]*href="https?://[^"]*"[^>]*>', "", s)
open(p, "w", encoding="utf-8").write(s)
PY
done
say "HTML in $out: $(cd "$out" && ls *.html | tr '\n' ' ')"
if ((status != 0)); then die "some notebooks failed (see above); their HTML shows where"; fi
