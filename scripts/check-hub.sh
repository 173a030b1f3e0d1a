#!/usr/bin/env bash
# check-hub.sh is the end-to-end test of "make hub": in a fresh hub folder it puts two students on
# the list (scripts/hub.sh add), starts the hub on a free loopback port, and has a headless chromium
# (scripts/browser/check-hub.mjs) log in as both: a wrong password refused, the first student runs
# notebook 00 in their own JupyterLab, the second gets their own, and the first cannot open the
# second's server. Then it stops the hub and removes the folder. It needs what hub.sh needs and
# the browser check (install-browser.sh); it takes about a minute, most of it notebook 00.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
missing="$(browser_missing)"
[[ -z "$missing" ]] || die "the hub's test lacks $(paste -sd, - <<<"$missing" | sed "s/,/, /g"); run scripts/install-browser.sh"
hub_dir="$(mktemp -d)"
export CVLESSONS_HUB_DIR="$hub_dir" CVLESSONS_HUB_EXPOSE_APP=1 CVLESSONS_PRESET=quick
hub_pid=""
# stop_hub stops the hub (which stops the students' servers and their kernels: up to 25 s), then,
# should any kernel of this test's folder be left, that kernel, and removes the folder.
stop_hub() {
	if [[ -n "$hub_pid" ]]; then
		kill -TERM -- "-$hub_pid" 2>/dev/null || true
		for _ in $(seq 1 80); do kill -0 -- "-$hub_pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL -- "-$hub_pid" 2>/dev/null || true
	fi
	local p pid cmd left=()
	for p in /proc/[0-9]*; do
		pid="${p#/proc/}"
		cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || continue
		[[ "$cmd" != *"$hub_dir/"* ]] || left+=("$pid")
	done
	if ((${#left[@]})); then
		say "stopping what the hub left running: ${left[*]}"
		kill "${left[@]}" 2>/dev/null || true
	fi
	rm -rf "$hub_dir"
}
trap stop_hub EXIT

creds=()
while read -r name password; do creds+=("$name:$password"); done < <("$ROOT/scripts/hub.sh" add ada grace 2>/dev/null)
((${#creds[@]} == 2)) || die "scripts/hub.sh add ada grace printed ${#creds[@]} password(s), want 2"

port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$hub_dir/hub.log"
say "starting the hub on 127.0.0.1:$port (log: $log while it runs)"
PORT="$port" setsid "$ROOT/scripts/hub.sh" serve >"$log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 120); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/hub/health" 2>/dev/null && break
	kill -0 "$hub_pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "the hub exited before answering (its log above)"; }
	sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/hub/health" || { tail -n 20 "$log" >&2; die "the hub did not answer within 120 s (its log above)"; }
status=0
node "$BROWSER_DIR/check-hub.mjs" --url "http://127.0.0.1:$port" --chromium "$CVLESSONS_CHROMIUM" "${creds[@]}" || status=$?
if ((status != 0)); then
	say "the hub's log (last 30 lines):"
	tail -n 30 "$log" >&2
	die "the hub does not behave as it should (see above)"
fi
