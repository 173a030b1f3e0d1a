#!/usr/bin/env bash
# Trains the three reference nets with the course's pure-Go backend and with PyTorch on CPU, side by
# side on this machine (batch 64, 2 threads each, random data, SGD with momentum), and prints a
# table with the throughput ratio and peak memory of each.
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
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
printf '%-13s %10s %10s %7s %10s %10s\n' model go_img/s torch_img/s ratio go_rss_mb torch_rss_mb
for model in mnist-cnn resnet20 vgg11-narrow; do
  go_line=$(GOMAXPROCS=2 GOMLX_BACKEND=go "$bin" bench train --model "$model" --batch 64 --steps "$steps" 2>/dev/null | tail -n 1)
  py_line=$("$python" bench/torch_reference.py --model "$model" --batch 64 --steps "$steps" --threads 2 | tail -n 1)
  g=$(field images_per_s "$go_line"); p=$(field images_per_s "$py_line")
  printf '%-13s %10s %10s %7.2f %10s %10s\n' "$model" "$g" "$p" "$(awk -v g="$g" -v p="$p" 'BEGIN { print g / p }')" \
    "$(field peak_rss_mb "$go_line")" "$(field peak_rss_mb "$py_line")"
done
