#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the repository, one after the other, each for $FUZZTIME
# (default 60s; any "go test -fuzztime" value: FUZZTIME=10s make fuzz). The targets are found by
# grep, every "func FuzzXxx(" in a _test.go file, so a new one is included without editing this
# script; "scripts/fuzz.sh --list" prints them, one "PACKAGE TARGET" a line. Inputs that fail are
# kept by Go in the package's testdata/fuzz/TARGET/, where "go test" replays them from then on.
# All targets run even when one fails; the exit status is 1 then, naming them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

fuzztime="${FUZZTIME:-60s}"

# targets prints "./DIR FuzzName" for every fuzz target, sorted; the directories the go command
# skips (hidden, starting with "_", testdata) are skipped.
targets() {
	find . -mindepth 1 \( -name '.?*' -o -name '_*' -o -name testdata \) -prune -o -name '*_test.go' -print0 |
		xargs -0 -r grep -HoE '^func Fuzz[A-Za-z0-9_]*\(' |
		sed -E 's|^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\($|\1 \2|' | sort -u
}

if [[ "${1:-}" == --list ]]; then
	targets
	exit 0
fi
[[ $# == 0 ]] || die "usage: scripts/fuzz.sh [--list] (FUZZTIME=60s by default)"

mapfile -t all < <(targets)
((${#all[@]})) || die "no fuzz targets found"
say "${#all[@]} fuzz targets, $fuzztime each"
failed=()
for t in "${all[@]}"; do
	pkg="${t% *}" name="${t#* }"
	say "$name ($pkg)"
	go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" || failed+=("$name ($pkg)")
done
((${#failed[@]} == 0)) || die "fuzz targets failed: ${failed[*]} (the failing inputs are in their packages' testdata/fuzz/)"
say "all ${#all[@]} fuzz targets ran $fuzztime without a failure"
