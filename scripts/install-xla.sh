#!/usr/bin/env bash
# install-xla.sh installs XLA's CPU PJRT plugin, the library GoMLX's XLA backend runs on, from a
# wheel on PyPI pinned by its SHA-256 (go-xla's own installer downloads from GitHub, which some
# networks cannot reach). scripts/setup.sh calls it, so "make lab", "make test" and CI do too.
#
# The plugin goes into the course's own folder, $CVLESSONS_XLA_DIR (default
# ~/.local/share/cvlessons/xla), as pjrt_c_api_cpu_plugin.so, beside a VERSION file. go-xla does not
# search that folder by itself, so installing the plugin never switches anything to XLA: the pure-Go
# backend stays the default and GOMLX_BACKEND=xla:cpu selects XLA (pkg/backend finds the plugin
# there). See docs/backend.md for why, and for go-xla's GitHub installer as the other route.
#
# CVLESSONS_XLA: "auto" (default) installs when PyPI is reachable and otherwise prints one line and
# goes on (the course then runs on the pure-Go backend); "1" makes a failure an error (the classroom
# image's XLA=1); "0" skips this step. An installed plugin with the right SHA-256 is kept as it is.
# Why the last attempt failed is kept in $CVLESSONS_XLA_DIR/not-installed.txt for "cvlessons doctor".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${CVLESSONS_XLA:-auto}"
case "$mode" in
0) exit 0 ;;
1 | auto) ;;
*) die "CVLESSONS_XLA=$mode: want auto, 1 or 0" ;;
esac
quiet="${CVLESSONS_QUIET:-0}"

# The pinned wheel: the unmodified pjrt-cpu_linux-amd64 build manual-2026-06-23T00-20-00Z of
# zml/pjrt-artifacts, PJRT C API 0.106 (go-xla v0.1.4's header is 0.83), self-contained (needs only
# glibc 2.27 or newer). Both hashes were computed on the files downloaded from pypi.org.
XLA_WHEEL=fastatomstruct-xla-cpu
XLA_WHEEL_VERSION=2026.6.23
XLA_WHEEL_SHA256=88b1c430b341b4bea40a37420311c9c75db6e22b46d2ff95b6986577bee6afe9
XLA_SO_IN_WHEEL=fastatomstruct_xla_cpu/libpjrt_cpu.so
XLA_SO_SHA256=0a0fe56ca17be9efc7b942e89e534e5e0ad4a0f1e369b66d27b62184509015b9
XLA_PJRT_API=0.106

dir="$CVLESSONS_XLA_DIR"
so="$dir/pjrt_c_api_cpu_plugin.so"
why="$dir/not-installed.txt"
use="GOMLX_BACKEND=xla:cpu selects it; the pure-Go backend stays the default"
# VERSION: what "cvlessons backend" and "cvlessons doctor" print, then the library's checksum.
version="$(printf '%s==%s (PJRT C API %s)\n%s  pjrt_c_api_cpu_plugin.so (%s in the wheel)' "$XLA_WHEEL" "$XLA_WHEEL_VERSION" \
	"$XLA_PJRT_API" "$XLA_SO_SHA256" "$XLA_SO_IN_WHEEL")"

if [[ -f "$so" ]] && echo "$XLA_SO_SHA256  $so" | sha256sum -c --status 2>/dev/null; then
	if [[ "$(cat "$dir/VERSION" 2>/dev/null)" != "$version" && -w "$dir" ]]; then
		echo "$version" >"$dir/.VERSION.$$" && mv -f "$dir/.VERSION.$$" "$dir/VERSION"
	fi
	[[ "$quiet" == 1 ]] || say "ok: XLA CPU plugin ($XLA_WHEEL==$XLA_WHEEL_VERSION) at $so; $use"
	exit 0
fi

# unavailable says why the plugin cannot be had, in one line, and records it for "cvlessons doctor".
unavailable() {
	if mkdir -p "$dir" 2>/dev/null; then
		printf '%s: %s\n' "$(date -u +%FT%TZ)" "$1" >"$why" 2>/dev/null || true
	fi
	[[ "$mode" != 1 ]] || die "XLA CPU plugin not installed: $1"
	say "XLA CPU plugin not installed ($1); the course runs on the pure-Go backend, see: cvlessons doctor"
	exit 0
}

[[ "$(uname -sm)" == "Linux x86_64" ]] ||
	unavailable "the pinned wheel $XLA_WHEEL==$XLA_WHEEL_VERSION is for linux/amd64 only, this is $(uname -sm)"
mkdir -p "$dir" 2>/dev/null && [[ -w "$dir" ]] || unavailable "cannot write to $dir (set CVLESSONS_XLA_DIR)"

# pip from the OS packages (Debian's python3-pip), else the first python3 on PATH. "pip download"
# installs nothing, so it works with Debian's externally managed Python (PEP 668).
python=""
for p in /usr/bin/python3 python3; do
	if "$p" -m pip --version >/dev/null 2>&1; then python="$p" && break; fi
done
if [[ -z "$python" ]] && command -v apt-get >/dev/null 2>&1; then
	say "installing python3-pip from the OS packages (to download the XLA CPU plugin from PyPI)"
	(as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null) &&
		/usr/bin/python3 -m pip --version >/dev/null 2>&1 && python=/usr/bin/python3
fi
[[ -n "$python" ]] || unavailable "no pip to download it with (install python3-pip)"

tmp="$(mktemp -d)"
part="$dir/.pjrt_c_api_cpu_plugin.so.$$"
trap 'rm -rf "$tmp"; rm -f "$part" "$dir/.VERSION.$$"' EXIT
[[ "$quiet" == 1 ]] || say "downloading the XLA CPU plugin from PyPI: $XLA_WHEEL==$XLA_WHEEL_VERSION (63 MB)"
printf '%s==%s --hash=sha256:%s\n' "$XLA_WHEEL" "$XLA_WHEEL_VERSION" "$XLA_WHEEL_SHA256" >"$tmp/requirements.txt"
if ! "$python" -m pip download --quiet --no-deps --require-hashes --only-binary=:all: \
	--disable-pip-version-check --no-input --retries 1 --timeout 20 \
	-r "$tmp/requirements.txt" -d "$tmp/wheel" >"$tmp/pip.log" 2>&1; then
	# pip's first ERROR line only says "no matching distribution"; a network failure is in a WARNING.
	reason="$(grep -o -m1 -E "Failed to establish a new connection: [^')]*|Read timed out|SSLError[^')]*|ProxyError[^')]*" "$tmp/pip.log")" &&
		reason="the package index is unreachable ($reason)" ||
		reason="$(grep -m1 'ERROR' "$tmp/pip.log" || tail -n 1 "$tmp/pip.log")"
	unavailable "pip could not download $XLA_WHEEL==$XLA_WHEEL_VERSION from PyPI: $reason"
fi
whl=("$tmp"/wheel/*.whl)
# The plugin is one member of the wheel (a zip); Python's zipfile extracts it, so unzip is not needed.
"$python" - "${whl[0]}" "$XLA_SO_IN_WHEEL" "$tmp/plugin.so" <<'PY' || die "could not extract the plugin from ${whl[0]}"
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
echo "$XLA_SO_SHA256  $tmp/plugin.so" | sha256sum -c --status ||
	die "$XLA_SO_IN_WHEEL in $XLA_WHEEL==$XLA_WHEEL_VERSION has SHA-256 $(sha256sum "$tmp/plugin.so" | cut -c1-64), want $XLA_SO_SHA256"

# Copied next to its final name first, then renamed: a reader never sees half a plugin.
cp "$tmp/plugin.so" "$part" && chmod 0755 "$part"
echo "$version" >"$dir/.VERSION.$$"
mv -f "$part" "$so"
mv -f "$dir/.VERSION.$$" "$dir/VERSION"
rm -f "$why"
say "installed the XLA CPU plugin ($XLA_WHEEL==$XLA_WHEEL_VERSION) at $so; $use"
