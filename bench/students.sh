#!/usr/bin/env bash
# students.sh measures what N students training the same lesson at once cost one machine: it starts
# N runs of "cvlessons lesson run LESSON --preset PRESET" together (what the lesson's notebook
# trains, without the kernel's compile of each cell) and prints each run's wall time and peak
# memory (maximum resident set size, from /usr/bin/time), with the machine's CPU and core count;
# then, for comparison on the same machine minutes later, the same run alone.
# The teacher's sizing advice in docker/README.md comes from its output in bench/results/.
#
# Usage: bench/students.sh [N [LESSON [PRESET]]]   (default: 2 vgg class)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2} lesson=${2:-vgg} preset=${3:-class}
[[ "$n" =~ ^[1-9][0-9]?$ ]] || { echo "students.sh: N must be 1-99, got \"$n\"" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "students.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/cvlessons" ./cmd/cvlessons
echo "# $n x cvlessons lesson run $lesson --preset $preset, started together"
echo "# $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
for i in $(seq 1 "$n"); do
	/usr/bin/time -f "%e %M" -o "$tmp/time.$i" "$tmp/cvlessons" lesson run "$lesson" --preset "$preset" \
		--out "$tmp/out.$i" >/dev/null 2>"$tmp/log.$i" &
done
wait
for i in $(seq 1 "$n"); do
	read -r secs kib <"$tmp/time.$i"
	printf "student %d: %.0f s wall, %.0f MiB peak memory\n" "$i" "$secs" "$((kib / 1024))"
done
/usr/bin/time -f "%e %M" -o "$tmp/time.alone" "$tmp/cvlessons" lesson run "$lesson" --preset "$preset" \
	--out "$tmp/out.alone" >/dev/null 2>"$tmp/log.alone"
read -r secs kib <"$tmp/time.alone"
printf "alone: %.0f s wall, %.0f MiB peak memory\n" "$secs" "$((kib / 1024))"
