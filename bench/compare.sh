#!/usr/bin/env bash
# Trains the three reference nets with the course's pure-Go backend, with GoMLX's XLA backend on the
# CPU (when an XLA CPU plugin is installed: scripts/setup.sh puts the course's in place) and with
# PyTorch on CPU (bench/torch_reference.py), on this machine, with the same nets, batch, threads and
# timed steps (random data, SGD with momentum; two warm-up steps each, which for the Go backends
# include compiling the graph). Each round runs every net on the three backends back to back; after
# ROUNDS rounds it prints, per net, each backend's median images per second with the minimum and
# maximum, the median over the rounds of the per-round ratios go/torch and xla/torch, and each
# backend's peak memory. Without an XLA plugin the XLA columns show "-" and a line says why.
#
# Every trainer gets THREADS threads (GOMAXPROCS, torch.set_num_threads) and is pinned with taskset
# to the same first THREADS processors this script may use, since XLA's CPU client sizes its thread
# pool from the processors it sees.
#
# With --out FILE it also writes every run's figures, under a header with the machine (CPU, cores,
# load average, niceness), the versions (Go, GoMLX, PyTorch, the XLA plugin), the settings and the
# commit, to FILE (first to a temporary file beside it, renamed over FILE once every round is done);
# with --out DIR/ the file is DIR/compare-<cpu>-<cores>cores.txt. The committed files in
# bench/results/ are what the README's comparison table is generated from (go generate
# ./bench/compare); package bench/compare reads them and prints the summary.
#
# Usage: bench/compare.sh [--rounds N] [--steps N] [--batch N] [--threads N] [--out FILE|DIR/] [STEPS]
#   defaults: ROUNDS=3, STEPS=20 (timed steps per run, even), BATCH=64, THREADS=2, from the
#   environment when set there.
# For a table worth committing, run on an otherwise idle machine, at normal priority:
#   bench/compare.sh --rounds 5 --out bench/results/
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/machine.sh
usage() {
  echo "usage: bench/compare.sh [--rounds N] [--steps N] [--batch N] [--threads N] [--out FILE|DIR/] [STEPS]" >&2
  [[ -z "${1:-}" ]] || echo "compare.sh: $1" >&2
  exit 2
}
rounds=${ROUNDS:-3} steps=${STEPS:-20} batch=${BATCH:-64} threads=${THREADS:-2} out=""
while (($#)); do
  case "$1" in
    --rounds | --steps | --batch | --threads | --out)
      (($# >= 2)) || usage "$1 needs a value"
      declare "${1#--}=$2"
      shift 2
      ;;
    -h | --help) usage ;;
    -*) usage "unknown flag $1" ;;
    *) steps=$1; shift ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || usage "--rounds must be 1-99, got \"$rounds\""
# cvlessons bench train times whole epochs of two steps, so an odd count would time one step more
# on the Go backends than on PyTorch.
[[ "$steps" =~ ^[1-9][0-9]{0,6}$ && $((steps % 2)) == 0 && $steps -le 1000000 ]] ||
  usage "--steps must be an even number from 2 to 1000000, got \"$steps\""
[[ "$batch" =~ ^[1-9][0-9]{0,5}$ ]] || usage "--batch must be a positive integer, got \"$batch\""
python=/usr/bin/python3
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: PyTorch is missing; install it with: sudo apt-get install python3-torch" >&2
  exit 1
fi
cpus=$(bench_cpus "$threads") || usage "--threads must be from 1 to the $(nproc) processors this script may use, got \"$threads\""
file=$(bench_out "$out" compare) || usage "--out: no folder for $out"
out=$file

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_build "$tmp"
bin=$tmp/cvlessons
# XLA runs when GOMLX_BACKEND=xla:cpu finds a CPU plugin: go-xla's own, or the course's.
xla=$(bench_xla "$bin")
[[ "$xla" != none ]] || echo "xla: no XLA CPU plugin installed (see: cvlessons backend); run scripts/setup.sh to add the XLA column"

# The header of the results file (see package bench/compare for the format).
{
  echo "# bench/compare.sh results; read by package github.com/cvlessons/cvlessons/bench/compare (do not edit)"
  bench_header "$cpus" "$xla"
  echo "torch: $("$python" -c 'import torch; print(torch.__version__)')"
  echo "steps: $steps"
  echo "batch: $batch"
  echo "threads: $threads"
  echo "rounds: $rounds"
  echo
  echo "round model backend images_per_s peak_rss_mb"
} >"$tmp/results.txt"
grep -E '^(date|cpu|cores|cpus|load|nice|commit|dirty|xla): ' "$tmp/results.txt"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
# run BACKEND MODEL ROUND: one training run, appended to the results and echoed.
run() {
  local line
  case "$1" in
    go | xla)
      line=$(GOMAXPROCS=$threads GOMLX_BACKEND=${1/xla/xla:cpu} taskset -c "$cpus" "$bin" bench train --model "$2" \
        --batch "$batch" --steps "$steps" 2>"$tmp/err" | tail -n 1) || {
        [[ "$1" == xla ]] || { echo "compare.sh: go $2 failed: $(tail -n 3 "$tmp/err")" >&2; exit 1; }
        echo "xla: $2 failed: $(tail -n 1 "$tmp/err")" >&2
        line="images_per_s=failed peak_rss_mb=-"
      } ;;
    torch)
      line=$(taskset -c "$cpus" "$python" bench/torch_reference.py --model "$2" --batch "$batch" --steps "$steps" \
        --warmup 2 --threads "$threads" | tail -n 1) ;;
  esac
  local ips rss
  ips=$(field images_per_s "$line") rss=$(field peak_rss_mb "$line")
  [[ -n "$ips" && -n "$rss" ]] || { echo "compare.sh: $1 $2: no figures in \"$line\"" >&2; exit 1; }
  echo "$3 $2 $1 $ips $rss" | tee -a "$tmp/results.txt"
}
backends="go xla torch"
[[ "$xla" != none ]] || backends="go torch"
for round in $(seq 1 "$rounds"); do
  for model in mnist-cnn resnet20 vgg11-narrow; do
    for b in $backends; do
      run "$b" "$model" "$round"
    done
  done
done
bench_finish "$tmp" "$out"
