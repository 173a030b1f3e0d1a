#!/usr/bin/env bash
# check-image.sh checks, inside the classroom image and as its user, what the image and each of its
# build arguments promise a teacher, one "pass:" or "FAIL:" line a check, and exits 1 when any
# failed. scripts/build-image.sh ("make image") runs it after each build; a teacher can run it on an
# image of their own: docker run --rm cvlessons docker/check-image.sh
#
#   always        runs as the non-root user student; "cvlessons doctor" passes; notebook 00 executes
#                 (quick preset); the server start.sh starts refuses the API without its token (403)
#                 and answers with it (200), and lists the GoNB kernel
#   JUPYTERLAB=1  that server is JupyterLab at the version of scripts/lab/requirements.txt, from the
#                 course's venv: its /lab page answers 200 with the token and 302 or 403 without
#                 (with JUPYTERLAB=0 and HUB=0 it is Debian's classic Notebook 6)
#   HUB=1         jupyterhub --version is the pinned one, configurable-http-proxy the one of
#                 scripts/hub/package.json, and jupyterhub-singleuser is on PATH (for DockerSpawner);
#                 scripts/hub.sh serves a hub in the container: /hub/login answers 200, a student on
#                 its list logs in and gets their own JupyterLab (jupyterhub-singleuser) with the
#                 GoNB kernel as its default
#   XLA=1         "cvlessons backend --json" finds the XLA CPU plugin installed and chooses XLA, so
#                 doctor and notebook 00 above ran on it (with XLA=0: the pure-Go backend)
#
# Usage: check-image.sh [JUPYTERLAB=0|1] [HUB=0|1] [XLA=0|1]. A switch not given is read from
# /usr/local/share/cvlessons/image.env, which the build wrote; one given and different from what
# the build recorded is itself a failure (a build argument that did not reach the build).
set -uo pipefail
ROOT="${CVLESSONS_ROOT:-/home/student/cvlessons}"
VENV="${CVLESSONS_VENV:-/usr/local/lib/cvlessons/venv}"
RECORDED=/usr/local/share/cvlessons/image.env
PY=/usr/bin/python3
cd "$ROOT" || exit 1

failed=()
pass() { printf 'pass: %s\n' "$*"; }
# fail NAME DETAIL... prints a FAIL line and remembers NAME.
fail() {
	local name="$1"
	shift
	printf 'FAIL: %s: %s\n' "$name" "$*"
	failed+=("$name")
}
# show_log FILE prints the last lines of a log, indented, after a FAIL line.
show_log() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    | /'; }
# free_port prints a free TCP port on the loopback interface.
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# http_code URL [CURL ARGS...] prints the HTTP status of a GET (000 when nothing answered).
http_code() {
	local url="$1"
	shift
	curl -s -o /dev/null -m 20 -w '%{http_code}' "$@" "$url" || true
}
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# What to check: the arguments, else what the build recorded.
declare -A want=()
for a in "$@"; do
	case "$a" in
	JUPYTERLAB=[01] | HUB=[01] | XLA=[01]) want[${a%%=*}]="${a#*=}" ;;
	*)
		echo "usage: check-image.sh [JUPYTERLAB=0|1] [HUB=0|1] [XLA=0|1]" >&2
		exit 2
		;;
	esac
done
for a in JUPYTERLAB HUB XLA; do
	rec="$(sed -n "s/^$a=//p" "$RECORDED" 2>/dev/null)"
	if [[ -z "${want[$a]:-}" ]]; then
		want[$a]="${rec:-0}"
	elif [[ -f "$RECORDED" && "${rec:-0}" != "${want[$a]}" ]]; then
		fail "build argument $a" "checking for $a=${want[$a]}, but the image was built with $a=${rec:-0} ($RECORDED)"
	fi
done
lab=0
[[ "${want[JUPYTERLAB]}" != 1 && "${want[HUB]}" != 1 ]] || lab=1
echo "checking the image for JUPYTERLAB=${want[JUPYTERLAB]} HUB=${want[HUB]} XLA=${want[XLA]}"

# 1. The user.
if [[ "$(id -un)" == student && "$(id -u)" != 0 ]]; then
	pass "runs as the non-root user student (uid $(id -u))"
else
	fail user "runs as $(id -un) (uid $(id -u)), want student, not root"
fi

# 2. The backend: XLA with XLA=1 (go-xla finds the plugin in /usr/local/lib/go-xla), else pure Go.
if cvlessons backend --json >"$tmp/backend.json" 2>"$tmp/backend.err"; then
	read -r config installed version < <("$PY" -c '
import json, sys
b = json.load(open(sys.argv[1]))
p = b["xla_plugin"]
print(b["config"], str(p["installed"]).lower(), p.get("version") or "-")' "$tmp/backend.json")
	if [[ "${want[XLA]}" == 1 ]]; then
		if [[ "$config" == xla* && "$installed" == true ]]; then
			pass "XLA=1: cvlessons backend chooses $config; the XLA CPU plugin is installed ($version)"
		else
			fail backend "XLA=1: cvlessons backend chooses $config, XLA CPU plugin installed: $installed; want xla:cpu with the plugin installed"
			show_log "$tmp/backend.json" 20
		fi
	elif [[ "$config" == go ]]; then
		pass "cvlessons backend chooses the pure-Go backend"
	else
		fail backend "cvlessons backend chooses $config, want go (the image was not built with XLA=1)"
	fi
else
	fail backend "cvlessons backend --json failed: $(tail -n 1 "$tmp/backend.err")"
fi

# 3. doctor, which starts the chosen backend.
if cvlessons doctor >"$tmp/doctor.log" 2>&1; then
	pass "cvlessons doctor passes (it started the ${config:-chosen} backend)"
else
	fail doctor "cvlessons doctor failed:"
	show_log "$tmp/doctor.log" 25
fi

# 4. Notebook 00, executed headless on the image's default backend.
t=$SECONDS
if CVLESSONS_PRESET=quick scripts/run-notebooks.sh notebooks/00-welcome.ipynb >"$tmp/notebook.log" 2>&1; then
	pass "notebooks/00-welcome.ipynb executes on the ${config:-default} backend (quick preset, $((SECONDS - t)) s)"
else
	fail "notebook 00" "scripts/run-notebooks.sh notebooks/00-welcome.ipynb failed:"
	show_log "$tmp/notebook.log" 25
fi

# 5. The server of start.sh, on a free loopback port instead of 0.0.0.0:8888 (the check may share
# the host's network).
port="$(free_port)"
sed -e "s/--port=8888/--port=$port/" -e 's/--ip=0.0.0.0/--ip=127.0.0.1/' docker/start.sh >"$tmp/start.sh"
chmod +x "$tmp/start.sh"
token="check-$("$PY" -c 'import secrets; print(secrets.token_hex(8))')"
JUPYTER_TOKEN="$token" setsid "$tmp/start.sh" >"$tmp/server.log" 2>&1 &
server=$!
auth=(-H "Authorization: token $token")
for _ in $(seq 1 90); do
	[[ "$(http_code "http://127.0.0.1:$port/api/status" "${auth[@]}")" == 200 ]] && break
	kill -0 "$server" 2>/dev/null || break
	sleep 1
done
no="$(http_code "http://127.0.0.1:$port/api/contents")"
yes="$(http_code "http://127.0.0.1:$port/api/contents" "${auth[@]}")"
if [[ "$no" == 403 && "$yes" == 200 ]]; then
	pass "server: /api/contents answers 403 without the token, 200 with it"
else
	fail "server token" "/api/contents answers $no without the token (want 403), $yes with it (want 200):"
	show_log "$tmp/server.log"
fi
curl -s -m 20 "${auth[@]}" "http://127.0.0.1:$port/api/kernelspecs" >"$tmp/kernelspecs.json" || true
if "$PY" -c 'import json, sys; sys.exit("gonb" not in json.load(open(sys.argv[1]))["kernelspecs"])' "$tmp/kernelspecs.json" 2>/dev/null; then
	pass "server: /api/kernelspecs lists the GoNB kernel"
else
	fail kernelspecs "/api/kernelspecs does not list gonb: $(head -c 300 "$tmp/kernelspecs.json")"
fi
if ((lab)); then
	pin="$(sed -n 's/^jupyterlab==\([^ ]*\).*/\1/p' scripts/lab/requirements.txt)"
	have="$("$VENV/bin/jupyter-lab" --version 2>/dev/null)"
	page="$(curl -s -m 20 -w '\n%{http_code}' "${auth[@]}" "http://127.0.0.1:$port/lab")"
	code="${page##*$'\n'}"
	served="$(grep -o '"appVersion": *"[^"]*"' <<<"$page" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')"
	no="$(http_code "http://127.0.0.1:$port/lab")"
	if [[ "$have" == "$pin" && "$code" == 200 && "$served" == "$pin" && ("$no" == 302 || "$no" == 403) ]]; then
		pass "JUPYTERLAB: JupyterLab $served (pinned: $pin) in $VENV serves /lab: 200 with the token, $no without"
	else
		fail jupyterlab "jupyter-lab --version: ${have:-none}, /lab with the token: $code serving JupyterLab ${served:-unknown}, without: $no; want $pin, 200, $pin, 302 or 403"
		show_log "$tmp/server.log"
	fi
else
	api="$(curl -s -m 20 "${auth[@]}" "http://127.0.0.1:$port/api" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["version"])' 2>/dev/null)"
	code="$(http_code "http://127.0.0.1:$port/tree" "${auth[@]}")"
	if [[ "$api" == 6.* && "$code" == 200 ]]; then
		pass "the classic Notebook $api from Debian serves /tree (200 with the token)"
	else
		fail notebook "want the classic Notebook 6 serving /tree: version ${api:-unknown}, /tree answers $code"
		show_log "$tmp/server.log"
	fi
fi
kill -TERM -- "-$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true

# 6. The hub: versions, then scripts/hub.sh serving a hub with one student who logs in and gets
# their own JupyterLab server from jupyterhub-singleuser.
if [[ "${want[HUB]}" == 1 ]]; then
	pin="$(sed -n 's/^jupyterhub==\([^ ]*\).*/\1/p' scripts/lab/requirements.txt)"
	have="$("$VENV/bin/jupyterhub" --version 2>/dev/null)"
	proxy="$ROOT/scripts/hub/node_modules/.bin/configurable-http-proxy"
	proxy_pin="$(sed -n 's/^ *"configurable-http-proxy": "\([^"]*\)".*/\1/p' scripts/hub/package.json)"
	proxy_have="$("$proxy" --version 2>/dev/null)"
	single="$(command -v jupyterhub-singleuser || true)"
	if [[ "$have" == "$pin" && "$proxy_have" == "$proxy_pin" && -n "$single" ]]; then
		pass "HUB: jupyterhub --version $have (pinned: $pin), configurable-http-proxy $proxy_have (pinned: $proxy_pin), $single on PATH"
	else
		fail "hub versions" "jupyterhub --version: ${have:-none} (want $pin), configurable-http-proxy: ${proxy_have:-none} (want $proxy_pin), jupyterhub-singleuser on PATH: ${single:-no}"
	fi

	hub_dir="$tmp/hub"
	export CVLESSONS_HUB_DIR="$hub_dir"
	read -r student password < <(scripts/hub.sh add ada 2>/dev/null)
	hub_port="$(free_port)"
	t=$SECONDS
	CVLESSONS_PRESET=quick PORT="$hub_port" setsid scripts/hub.sh serve >"$tmp/hub.log" 2>&1 &
	hub=$!
	for _ in $(seq 1 240); do
		[[ "$(http_code "http://127.0.0.1:$hub_port/hub/health")" == 200 ]] && break
		kill -0 "$hub" 2>/dev/null || break
		sleep 1
	done
	code="$(http_code "http://127.0.0.1:$hub_port/hub/login")"
	if [[ "$code" == 200 ]]; then
		pass "HUB: scripts/hub.sh serve started JupyterHub in $((SECONDS - t)) s; /hub/login answers 200"
		# Log in as the student with the password hub.sh printed, and wait for their server.
		if "$VENV/bin/python3" - "http://127.0.0.1:$hub_port" "${student:-ada}" "${password:-}" >"$tmp/login.log" 2>&1 <<'PY'; then
import http.cookiejar, json, re, sys, time, urllib.parse, urllib.request

base, name, password = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
page = opener.open(base + "/hub/login", timeout=30).read().decode()
xsrf = re.search(r'name="_xsrf" value="([^"]*)"', page).group(1)
form = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf}).encode()
r = opener.open(base + "/hub/login?next=", data=form, timeout=60)
if "/hub/login" in r.geturl():
    sys.exit("the login as %s was refused (ended at %s)" % (name, r.geturl()))
deadline = time.time() + 300
while True:
    try:
        r = opener.open(base + "/user/%s/lab" % name, timeout=60)
        if r.status == 200 and urllib.parse.urlparse(r.geturl()).path == "/user/%s/lab" % name:
            break
        where = r.geturl()
    except Exception as e:  # the server is still starting
        where = repr(e)
    if time.time() > deadline:
        sys.exit("%s's server did not start within 300 s (last: %s)" % (name, where))
    time.sleep(3)
specs = json.load(opener.open(base + "/user/%s/api/kernelspecs" % name, timeout=30))
print("%s's JupyterLab at /user/%s/lab: kernels %s, default %s" % (name, name, sorted(specs["kernelspecs"]), specs["default"]))
if specs["default"] != "gonb":
    sys.exit("the default kernel is %s, want gonb" % specs["default"])
PY
			pass "HUB: $(tail -n 1 "$tmp/login.log") (jupyterhub-singleuser started in $((SECONDS - t)) s from the hub's start)"
		else
			fail "hub login" "logging in as ${student:-ada} and starting their server failed: $(tail -n 1 "$tmp/login.log")"
			show_log "$tmp/hub.log" 25
		fi
	else
		fail "hub start" "scripts/hub.sh serve: /hub/login answers $code after $((SECONDS - t)) s, want 200:"
		show_log "$tmp/hub.log" 25
	fi
	# Stop the hub (it stops the student's server), then anything of its folder left running.
	kill -TERM -- "-$hub" 2>/dev/null || true
	for _ in $(seq 1 60); do kill -0 -- "-$hub" 2>/dev/null || break; sleep 0.5; done
	kill -KILL -- "-$hub" 2>/dev/null || true
	for p in /proc/[0-9]*; do
		[[ "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" != *"$hub_dir/"* ]] || kill "${p#/proc/}" 2>/dev/null || true
	done
fi

if ((${#failed[@]})); then
	echo "check-image: ${#failed[@]} check(s) failed: ${failed[*]}"
	exit 1
fi
echo "check-image: all checks passed"
