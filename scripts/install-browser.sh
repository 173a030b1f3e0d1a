#!/usr/bin/env bash
# install-browser.sh installs what the browser check of the rendered notebooks (check-html.sh)
# needs, skipping what is there: Debian's chromium and, when node is missing, Node.js and npm from
# the OS packages; then playwright-core at the version pinned in scripts/browser/package.json into
# scripts/browser/node_modules, with "npm ci", which checks it against package-lock.json's hash.
# Nothing goes into a global node_modules, and playwright-core downloads no browser of its own.
# scripts/setup.sh calls it, so "make html", "make test" and CI do too.
#
# The pin: playwright-core 1.61.1 is the last release that runs on Debian 12's Node.js 18 (1.62
# wants Node 20); it drives Debian's chromium (156 when this was written) through the DevTools
# protocol.
#
# CVLESSONS_BROWSER: "auto" (default) installs what it can and otherwise prints one line and goes on
# (only the browser check needs it: "make lab" does not, and check-html.sh then says what is
# missing); "1" makes a failure an error; "0" skips this step (the classroom image sets it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${CVLESSONS_BROWSER:-auto}"
case "$mode" in
0) exit 0 ;;
1 | auto) ;;
*) die "CVLESSONS_BROWSER=$mode: want auto, 1 or 0" ;;
esac
quiet="${CVLESSONS_QUIET:-0}"

# unavailable says in one line why the browser check cannot be installed.
unavailable() {
	[[ "$mode" != 1 ]] || die "the browser check is not installed: $1"
	say "the browser check of the rendered notebooks is not installed ($1); only check-html.sh needs it"
	exit 0
}

if browser_ready; then
	[[ "$quiet" == 1 ]] || say "ok: browser check: $("$CVLESSONS_CHROMIUM" --version 2>/dev/null), node $(node --version), playwright-core $PLAYWRIGHT_VERSION"
	exit 0
fi

# 1. chromium, and node with npm, from the OS packages; without their recommends (fonts, desktop
# helpers), which a headless check does not need and which would slow down CI.
packages=()
[[ -x "$CVLESSONS_CHROMIUM" ]] || packages+=(chromium)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if ((${#packages[@]})); then
	command -v apt-get >/dev/null 2>&1 ||
		unavailable "missing ${packages[*]} and this is not a Debian/Ubuntu system; install them and set CVLESSONS_CHROMIUM to the browser"
	if [[ "$(id -u)" != 0 ]] && ! command -v sudo >/dev/null 2>&1; then
		unavailable "missing ${packages[*]}, and installing them needs root"
	fi
	say "installing from the OS packages for the browser check: ${packages[*]}"
	if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }; then
		unavailable "apt-get install ${packages[*]} failed (see above)"
	fi
	[[ -x "$CVLESSONS_CHROMIUM" ]] || unavailable "installed chromium but $CVLESSONS_CHROMIUM is still missing; set CVLESSONS_CHROMIUM"
fi

# 2. playwright-core, exactly as package-lock.json pins it.
have="$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' "$BROWSER_DIR/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1 || true)"
if [[ "$have" != "$PLAYWRIGHT_VERSION" ]]; then
	say "installing playwright-core $PLAYWRIGHT_VERSION into $BROWSER_DIR/node_modules (npm ci)"
	# PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD and --ignore-scripts: the check uses Debian's chromium only.
	if ! log="$(cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1)"; then
		unavailable "npm ci of playwright-core $PLAYWRIGHT_VERSION failed (offline?): $(tail -n 1 <<<"$log")"
	fi
fi
missing="$(browser_missing)"
[[ -z "$missing" ]] || unavailable "still missing: $(paste -sd, - <<<"$missing" | sed 's/,/, /g')"
say "installed the browser check: $("$CVLESSONS_CHROMIUM" --version 2>/dev/null), node $(node --version), playwright-core $PLAYWRIGHT_VERSION"
