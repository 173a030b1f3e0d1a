#!/usr/bin/env bash
# measurements.sh records the committed lesson runs the README's tables are generated from: every
# lesson's class and full preset (or the presets in $PRESETS, the lessons in $LESSONS), each run
# written to measurements/LESSON.PRESET.json with the machine, date, commit, backend and duration,
# then the README regenerated (go generate ./measurements).
#
# Run it on an otherwise idle machine from a clean checkout (a run with uncommitted lesson code is
# recorded as stale), then commit measurements/ and README.md. On two cores it takes about an hour.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
presets=(${PRESETS:-class full})
lessons=(${LESSONS:---all})
bin="$(mktemp -d)/cvlessons"
trap 'rm -rf "$(dirname "$bin")"' EXIT
# -buildvcs=auto stamps the commit the binary is built from (GOFLAGS may turn it off): each run is
# recorded at that commit, so commits made while the lessons run cannot pass for the code that ran.
go build -buildvcs=auto -o "$bin" ./cmd/cvlessons
for p in "${presets[@]}"; do
	say "recording the $p preset of ${lessons[*]}"
	"$bin" lesson run "${lessons[@]}" --preset "$p" --out "$ROOT/out/measurements/$p" --record "$ROOT/measurements" >/dev/null
done
go generate ./measurements
say "recorded; review and commit measurements/ and README.md"
