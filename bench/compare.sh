#!/usr/bin/env bash
# Trains the three reference nets with the course's pure-Go backend, with GoMLX's XLA backend on the
# CPU (when an XLA CPU plugin is installed: scripts/setup.sh puts the course's in place) and with
# PyTorch on CPU, side by side on this machine (batch 64, 2 threads each, random data, SGD with
# momentum), and prints images per second, each Go backend's ratio to PyTorch and peak memory.
# Without an XLA plugin the XLA columns show "-" and a line says why.
#
# Usage: bench/compare.sh [STEPS]     (default 20 timed steps per run)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
bin=$(mktemp -d)/cvlessons
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/cvlessons
python=/usr/bin/python3
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: PyTorch is missing; install it with: sudo apt-get install python3-torch" >&2
  exit 1
fi
# XLA runs when GOMLX_BACKEND=xla:cpu finds a CPU plugin: go-xla's own, or the course's.
xla=$(GOMLX_BACKEND=xla:cpu "$bin" backend --json | "$python" -c '
import json, sys
c = json.load(sys.stdin)
print(1 if "cpu" in c["plugins"] or c["xla_plugin"]["installed"] else 0)')
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
cpus=0-$(($(nproc) >= 2 ? 1 : 0))
ratio() { if ! [[ "$1" =~ ^[0-9.]+$ ]]; then echo -; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
[[ "$xla" == 1 ]] || echo "xla: no XLA CPU plugin installed (see: cvlessons backend); run scripts/setup.sh to add the XLA column"
printf '%-13s %10s %10s %11s %8s %8s %10s %11s %12s\n' model go_img/s xla_img/s torch_img/s go/torch xla/torch \
  go_rss_mb xla_rss_mb torch_rss_mb
for model in mnist-cnn resnet20 vgg11-narrow; do
  go_line=$(GOMAXPROCS=2 GOMLX_BACKEND=go "$bin" bench train --model "$model" --batch 64 --steps "$steps" 2>/dev/null | tail -n 1)
  xla_line="images_per_s=- peak_rss_mb=-"
  if [[ "$xla" == 1 ]]; then
    # XLA's CPU client sizes its thread pool from the cores it sees; taskset gives it the same 2.
    xla_line=$(GOMAXPROCS=2 GOMLX_BACKEND=xla:cpu taskset -c "$cpus" "$bin" bench train --model "$model" --batch 64 \
      --steps "$steps" 2>"$(dirname "$bin")/xla.err" | tail -n 1) ||
      { echo "xla: $model failed: $(tail -n 1 "$(dirname "$bin")/xla.err")" >&2; xla_line="images_per_s=failed peak_rss_mb=-"; }
  fi
  py_line=$("$python" bench/torch_reference.py --model "$model" --batch 64 --steps "$steps" --threads 2 | tail -n 1)
  g=$(field images_per_s "$go_line"); x=$(field images_per_s "$xla_line"); p=$(field images_per_s "$py_line")
  printf '%-13s %10s %10s %11s %8s %8s %10s %11s %12s\n' "$model" "$g" "$x" "$p" "$(ratio "$g" "$p")" "$(ratio "$x" "$p")" \
    "$(field peak_rss_mb "$go_line")" "$(field peak_rss_mb "$xla_line")" "$(field peak_rss_mb "$py_line")"
done
