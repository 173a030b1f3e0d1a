#!/usr/bin/env bash
# render-html.sh renders the executed notebooks (notebooks/.executed/*.ipynb, written by
# run-notebooks.sh) as static HTML in notebooks/html/, images inline, needing no network. It
# executes nothing: html.sh and test.sh run the notebooks first. Pages of notebooks no longer
# executed are removed, so notebooks/html/ holds exactly the pages of notebooks/.executed/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
executed_dir="$ROOT/notebooks/.executed"
out="$ROOT/notebooks/html"
shopt -s nullglob
executed=("$executed_dir"/*.ipynb)
((${#executed[@]})) || die "no executed notebooks in $executed_dir (run scripts/run-notebooks.sh first)"
mkdir -p "$out"
rm -f "$out"/*.html
# The classic template without MathJax or require.js from a CDN: the page must open offline.
log="$("$JUPYTER" nbconvert --to html --template classic --output-dir "$out" \
	--HTMLExporter.mathjax_url="" --HTMLExporter.require_js_url="" --HTMLExporter.jquery_url="" \
	"${executed[@]}" 2>&1)" || die "nbconvert could not render the notebooks: $(grep -v -e "Debugger warning" -e "frozen modules" -e "PYDEVD" <<<"$log" | tail -n 5)"
pages=("$out"/*.html)
((${#pages[@]} == ${#executed[@]})) || die "nbconvert wrote ${#pages[@]} page(s) for ${#executed[@]} notebook(s) in $out"
# Drop any remaining remote <script src=...> or <link href=...>, so a browser offline does not wait
# on it (check-html.sh fails a page that still asks for one).
/usr/bin/python3 - "${pages[@]}" <<'PY'
import re, sys
for p in sys.argv[1:]:
    s = open(p, encoding="utf-8").read()
    s = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", s)
    s = re.sub(r'<link[^>]*href="https?://[^"]*"[^>]*>', "", s)
    open(p, "w", encoding="utf-8").write(s)
PY
say "HTML in $out: $(cd "$out" && ls -- *.html | tr '\n' ' ')"
