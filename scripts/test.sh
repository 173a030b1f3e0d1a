#!/usr/bin/env bash
# test.sh is the course's whole test: it installs what is missing (quietly), then runs go vet,
# go test and every notebook headless on the quick preset. "make test" and CI run exactly this.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CVLESSONS_QUIET=1 "$ROOT/scripts/setup.sh"
say "go vet ./..."
go vet ./...
say "go test ./..."
go test ./...
say "notebooks (preset ${CVLESSONS_PRESET:-quick})"
"$ROOT/scripts/run-notebooks.sh"
say "all tests passed"
