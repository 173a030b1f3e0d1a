#!/usr/bin/env bash
# Times each lesson's run of one preset (the class preset by default: what a notebook runs when
# nothing is set) on the course's pure-Go backend and on GoMLX's XLA backend on the CPU (when an XLA
# CPU plugin is installed: scripts/setup.sh puts the course's in place), on this machine. Each run is
# `cvlessons lesson run NAME --preset P`, the same packages, data and steps a notebook's cells run,
# without Jupyter and the notebook's compile of its cells; its wall time and peak memory come from
# /usr/bin/time. In each round every lesson runs on the two backends back to back.
#
# Every run gets THREADS threads (GOMAXPROCS) and is pinned with taskset to the same first THREADS
# processors this script may use, since XLA's CPU client sizes its thread pool from the processors it
# sees.
#
# With --out FILE it also writes every run's figures, under a header with the machine, the versions,
# the settings and the commit, to FILE (first to a temporary file beside it, renamed over FILE once
# every round is done); with --out DIR/ the file is DIR/lessons-<cpu>-<cores>cores.txt. The
# committed files in bench/results/ are what the README's table of lesson wall times is generated
# from (go generate ./bench/compare).
#
# Usage: bench/lessons.sh [--preset P] [--rounds N] [--threads N] [--out FILE|DIR/] [LESSON...]
#   defaults: PRESET=class, ROUNDS=1, THREADS=2 (from the environment when set there), every lesson.
# For a table worth committing, run on an otherwise idle machine, at normal priority (the class
# preset takes about an hour for both backends on two cores):
#   bench/lessons.sh --out bench/results/
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/machine.sh
usage() {
  echo "usage: bench/lessons.sh [--preset P] [--rounds N] [--threads N] [--out FILE|DIR/] [LESSON...]" >&2
  [[ -z "${1:-}" ]] || echo "lessons.sh: $1" >&2
  exit 2
}
preset=${PRESET:-class} rounds=${ROUNDS:-1} threads=${THREADS:-2} out="" lessons=()
while (($#)); do
  case "$1" in
    --preset | --rounds | --threads | --out)
      (($# >= 2)) || usage "$1 needs a value"
      declare "${1#--}=$2"
      shift 2
      ;;
    -h | --help) usage ;;
    -*) usage "unknown flag $1" ;;
    *) lessons+=("$1"); shift ;;
  esac
done
[[ "$preset" =~ ^(class|quick|full)$ ]] || usage "--preset must be class, quick or full, got \"$preset\""
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || usage "--rounds must be 1-99, got \"$rounds\""
[[ -x /usr/bin/time ]] || { echo "lessons.sh: /usr/bin/time is missing; install it with: sudo apt-get install time" >&2; exit 1; }
cpus=$(bench_cpus "$threads") || usage "--threads must be from 1 to the $(nproc) processors this script may use, got \"$threads\""
file=$(bench_out "$out" lessons) || usage "--out: no folder for $out"
out=$file

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_build "$tmp"
bin=$tmp/cvlessons
all=$("$bin" lesson list --json | /usr/bin/python3 -c 'import json, sys; print(" ".join(l["name"] for l in json.load(sys.stdin)))')
if ((${#lessons[@]} == 0)); then
  read -ra lessons <<<"$all"
fi
for l in "${lessons[@]}"; do
  [[ " $all " == *" $l "* ]] || usage "no lesson \"$l\"; the lessons are: $all"
done
xla=$(bench_xla "$bin")
[[ "$xla" != none ]] || echo "xla: no XLA CPU plugin installed (see: cvlessons backend); run scripts/setup.sh to add the XLA column"

{
  echo "# bench/lessons.sh results; read by package github.com/cvlessons/cvlessons/bench/compare (do not edit)"
  bench_header "$cpus" "$xla"
  echo "preset: $preset"
  echo "threads: $threads"
  echo "rounds: $rounds"
  echo
  echo "round lesson backend seconds peak_rss_mb"
} >"$tmp/results.txt"
grep -E '^(date|cpu|cores|cpus|load|nice|commit|dirty|xla): ' "$tmp/results.txt"

# run BACKEND LESSON ROUND: one lesson run, appended to the results and echoed.
run() {
  local line
  if GOMAXPROCS=$threads GOMLX_BACKEND=${1/xla/xla:cpu} /usr/bin/time -f '%e %M' -o "$tmp/time" \
    taskset -c "$cpus" "$bin" lesson run "$2" --preset "$preset" --out "$tmp/out/$1" >/dev/null 2>"$tmp/err"; then
    read -r secs kib <"$tmp/time"
    line="$secs $(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
  else
    [[ "$1" == xla ]] || { echo "lessons.sh: go $2 failed: $(tail -n 3 "$tmp/err")" >&2; exit 1; }
    echo "xla: $2 failed: $(tail -n 1 "$tmp/err")" >&2
    line="failed -"
  fi
  echo "$3 $2 $1 $line" | tee -a "$tmp/results.txt"
}
backends="go xla"
[[ "$xla" != none ]] || backends="go"
for round in $(seq 1 "$rounds"); do
  for lesson in "${lessons[@]}"; do
    for b in $backends; do
      run "$b" "$lesson" "$round"
    done
  done
done
bench_finish "$tmp" "$out"
