#!/usr/bin/env bash
# test.sh is the course's whole test: it installs what is missing (quietly), then runs go vet,
# go test, every lesson's quick test again on GoMLX's XLA backend (when the XLA CPU plugin is
# installed: scripts/install-xla.sh), every notebook headless on the quick preset, and their pages
# rendered as HTML and opened in a headless chromium (check-html.sh), and the Jupyter server of
# "make lab" started to check that it serves the GoNB kernel (check-lab.sh), and "make hub" driven
# by two students in a browser (check-hub.sh). "make test"
# and CI run exactly this. All run even when one fails, so one report shows every failure; the exit
# status is 1 then.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CVLESSONS_QUIET=1 "$ROOT/scripts/setup.sh"
failed=()
say "go vet ./..."
go vet ./... || failed+=("go vet")
say "go test -timeout 30m ./..."
go test -timeout 30m ./... || failed+=("go test")
# The same claims on XLA: each lesson's quick test (and pkg/cnn's determinism test), one package at
# a time. Their times on XLA are in docs/backend.md (XLA section); they decide what fits in CI, and
# leave out the YOLO v1 study's (TestRunYOLOStudyQuick), which would take CI past an hour.
xla_packages=(./lessons/welcome ./lessons/metrics ./lessons/batchnorm ./lessons/augment ./lessons/resnet
	./lessons/vgg ./lessons/detection ./lessons/transfer ./pkg/cnn)
xla_tests='^(TestRunQuick|TestQuickRun|TestQuickPartA|TestRunDetectorsQuick|TestTrainIsBitIdentical)$'
if [[ -f "$CVLESSONS_XLA_DIR/pjrt_c_api_cpu_plugin.so" ]]; then
	say "the lessons' quick tests on XLA: GOMLX_BACKEND=xla:cpu go test -p 1 -run '$xla_tests' ${xla_packages[*]}"
	GOMLX_BACKEND=xla:cpu go test -p 1 -timeout 40m -run "$xla_tests" "${xla_packages[@]}" || failed+=("go test on XLA")
else
	say "the lessons' quick tests on XLA: skipped, no XLA CPU plugin in $CVLESSONS_XLA_DIR (cvlessons doctor says why)"
fi
say "notebooks (preset ${CVLESSONS_PRESET:-quick})"
"$ROOT/scripts/run-notebooks.sh" || failed+=("notebooks")
# The executed notebooks as the HTML a teacher hands out, checked in a browser: every figure shown,
# no error on the page (scripts/browser/check-html.mjs). It renders even the notebooks that failed
# above, whose pages then say where.
say "the notebooks' HTML pages in a headless browser"
if "$ROOT/scripts/render-html.sh"; then
	"$ROOT/scripts/check-html.sh" || failed+=("HTML pages")
else
	failed+=("HTML rendering")
fi
# What "make lab" serves (JupyterLab from the course's venv, or the classic Notebook), started on a
# free loopback port and asked for the GoNB kernel, which runs a line of Go (about 10 s).
say "the Jupyter server of make lab"
"$ROOT/scripts/check-lab.sh" || failed+=("make lab's server")
# "make hub" end to end in a browser: two students, a wrong password, notebook 00, one student kept
# out of the other's server (about a minute and a half). It needs the JupyterHub of the course's
# venv, which setup installs when PyPI is reachable.
if [[ -x "$LAB_VENV/bin/jupyterhub" ]]; then
	say "the classroom hub of make hub, in a headless browser"
	"$ROOT/scripts/check-hub.sh" || failed+=("make hub")
else
	say "the classroom hub: skipped, no JupyterHub in $LAB_VENV (scripts/install-lab.sh needs PyPI)"
fi
((${#failed[@]} == 0)) || die "failed: ${failed[*]} (see above)"
say "all tests passed"
