# Functions bench/compare.sh and bench/lessons.sh share (sourced, not run): the processors to pin a
# run to, the file name slug of this machine's CPU, which XLA CPU plugin is installed and the header
# of a results file (the machine, the versions and the commit; see package bench/compare), where
# the results file goes, the programs a run needs and its end.

# bench_cpus N prints the first N processors this process may run on (its affinity, not the
# machine's numbering), comma-separated, or fails when it may run on fewer.
bench_cpus() {
  local cpus
  cpus=$(/usr/bin/python3 -c '
import os, sys
n, have = int(sys.argv[1]), sorted(os.sched_getaffinity(0))
print(",".join(map(str, have[:n])) if 1 <= n <= len(have) else "")' "$1" 2>/dev/null || true)
  [[ -n "$cpus" ]] && echo "$cpus"
}

# bench_cpu prints the processor's model name.
bench_cpu() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  echo "${cpu:-unknown CPU}"
}

# bench_slug prints the processor's model name as a file name part: "amd-epyc".
bench_slug() {
  bench_cpu | tr '[:upper:]' '[:lower:]' | sed 's/([^)]*)//g; s/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//'
}

# bench_xla BIN prints the XLA CPU plugin that `BIN backend` finds with GOMLX_BACKEND=xla:cpu (go-xla's
# own or the course's), or "none".
bench_xla() {
  GOMLX_BACKEND=xla:cpu "$1" backend --json | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)
p = c["xla_plugin"]
if p["installed"]:
    print(p["version"] or p["path"])
elif "cpu" in c["plugins"]:
    print("go-xla cpu plugin at " + c.get("plugin_path", "?"))
else:
    print("none")'
}

# bench_header CPUS XLA prints the header lines every results file has: the date, the machine (CPU,
# cores, the processors the runs are pinned to, load average, niceness), the commit and whether
# tracked files differ from it, and the versions of Go, GoMLX and the XLA plugin.
bench_header() {
  local dirty=false
  [[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || dirty=true
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(bench_cpu)"
  echo "cores: $(nproc --all)"
  echo "cpus: $1"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nice: $(nice)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "dirty: $dirty"
  echo "go: $(go env GOVERSION)"
  echo "gomlx: $(go list -m -f '{{.Version}}' github.com/gomlx/gomlx)"
  echo "xla: $2"
}

# bench_out OUT KIND prints where a script's results file goes: OUT itself, or, for a folder (OUT/ or
# one that exists), OUT/KIND-<cpu>-<cores>cores.txt. It prints nothing for an empty OUT and fails
# when the file's folder does not exist.
bench_out() {
  local out=$1
  [[ -n "$out" ]] || return 0
  if [[ "$out" == */ || -d "$out" ]]; then
    out="${out%/}/$2-$(bench_slug)-$(nproc --all)cores.txt"
  fi
  [[ -d "$(dirname "$out")" ]] && echo "$out"
}

# bench_build DIR builds the course's CLI as DIR/cvlessons and the results printer (package
# bench/compare's gen) as DIR/compare.
bench_build() {
  go build -o "$1/cvlessons" ./cmd/cvlessons
  go build -o "$1/compare" ./bench/compare/gen
}

# bench_finish DIR OUT prints the summary of DIR/results.txt and, when OUT is not empty, puts the file
# there: first beside it, then renamed over it, so an interrupted run leaves no file.
bench_finish() {
  echo
  "$1/compare" -print "$1/results.txt"
  if [[ -n "$2" ]]; then
    cp "$1/results.txt" "$2.tmp.$$"
    mv "$2.tmp.$$" "$2"
    echo "results: $2"
  fi
}
