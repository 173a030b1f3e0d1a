#!/usr/bin/env bash
# test.sh is the course's whole test: it installs what is missing (quietly), then runs go vet,
# go test and every notebook headless on the quick preset. "make test" and CI run exactly this.
# All three run even when one fails, so one report shows every failure; the exit status is 1 then.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CVLESSONS_QUIET=1 "$ROOT/scripts/setup.sh"
failed=()
say "go vet ./..."
go vet ./... || failed+=("go vet")
say "go test -timeout 30m ./..."
go test -timeout 30m ./... || failed+=("go test")
say "notebooks (preset ${CVLESSONS_PRESET:-quick})"
"$ROOT/scripts/run-notebooks.sh" || failed+=("notebooks")
((${#failed[@]} == 0)) || die "failed: ${failed[*]} (see above)"
say "all tests passed"
