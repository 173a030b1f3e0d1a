"""Start the Jupyter server that "make lab" serves, check that it serves the GoNB kernel, stop it.

Usage: PYTHON scripts/lab/check-lab.py --port PORT --page lab|tree -- COMMAND...

COMMAND starts the server (scripts/check-lab.sh builds it as lab.sh does) on 127.0.0.1:PORT with
the token in $JUPYTER_TOKEN. The checks, each printed "ok" or "FAIL" with the reason:

  1. the server answers GET /api/kernelspecs within STARTUP_TIMEOUT seconds;
  2. a request with a wrong token is refused (403);
  3. /api/kernelspecs lists the kernel "gonb";
  4. /PAGE (lab: JupyterLab, tree: the classic Notebook) is served to the token;
  5. a gonb kernel started through /api/kernels runs "fmt.Println(6*7)" and prints 42, over the
     kernel's WebSocket (needs the websocket-client module, which JupyterLab's venv has; skipped,
     saying so, without it).

The server runs in its own process group, which is killed at the end whatever happened. Exit status
0 when every check passed, 1 otherwise, 2 on a usage error.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

STARTUP_TIMEOUT = 60
KERNEL_TIMEOUT = 120


def request(base, path, token, method="GET", body=None):
    """Returns (status, body as text) of an HTTP request to the server."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "token " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def wait_for_server(base, token, server):
    """Polls /api/kernelspecs until the server answers; returns (seconds, problem or None)."""
    start = time.monotonic()
    last = "no answer"
    while time.monotonic() - start < STARTUP_TIMEOUT:
        if server.poll() is not None:
            return time.monotonic() - start, "the server exited with status %d before answering" % server.returncode
        try:
            status, _ = request(base, "/api/kernelspecs", token)
            if status == 200:
                return time.monotonic() - start, None
            last = "status %d" % status
        except OSError as e:
            last = str(e)
        time.sleep(0.5)
    return time.monotonic() - start, "no answer from %s/api/kernelspecs within %ds (last: %s)" % (base, STARTUP_TIMEOUT, last)


def run_go(base, port, token, kernel_id):
    """Runs fmt.Println(6*7) on the kernel over its WebSocket; returns (output, problem or None)."""
    import websocket  # websocket-client, in JupyterLab's venv

    ws = websocket.create_connection("ws://127.0.0.1:%d/api/kernels/%s/channels" % (port, kernel_id),
                                     header=["Authorization: token " + token], timeout=KERNEL_TIMEOUT)
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "check-lab", "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": "%%\nfmt.Println(6*7)", "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        # The reply comes on the shell channel, the output on iopub: the two are not ordered, so
        # wait for both the reply and iopub's "idle", which follows the cell's last output.
        out, deadline = [], time.monotonic() + KERNEL_TIMEOUT
        reply, idle = None, False
        while time.monotonic() < deadline and (reply is None or not idle):
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "stream":
                out.append(content.get("text", ""))
            elif kind == "error":
                return "".join(out), "the kernel raised %s: %s" % (content.get("ename"), content.get("evalue"))
            elif kind == "execute_reply":
                reply = content.get("status")
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        if reply is None or not idle:
            return "".join(out), "no execute_reply and idle status within %ds" % KERNEL_TIMEOUT
        if reply != "ok":
            return "".join(out), "execute_reply status %r" % reply
        return "".join(out), None
    finally:
        ws.close()


def check(base, port, token, page, server):
    """Runs the checks; returns the number that failed."""
    failed = 0

    def report(ok, what):
        nonlocal failed
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        failed += 0 if ok else 1

    took, problem = wait_for_server(base, token, server)
    report(problem is None, problem or "the server answers after %.1fs" % took)
    if problem:
        return failed

    status, _ = request(base, "/api/kernelspecs", "not-the-token")
    report(status == 403, "a wrong token is refused (status %d, want 403)" % status)

    status, body = request(base, "/api/kernelspecs", token)
    specs = json.loads(body).get("kernelspecs", {}) if status == 200 else {}
    gonb = specs.get("gonb")
    report(gonb is not None, "/api/kernelspecs lists gonb (%s); all: %s" % (
        gonb["spec"]["display_name"] if gonb else "missing", ", ".join(sorted(specs)) or "none"))

    status, body = request(base, "/" + page, token)
    marker = "JupyterLab" if page == "lab" else "Jupyter Notebook"
    report(status == 200 and marker in body, "/%s serves the %s page (status %d)" % (page, marker, status))

    if gonb is None:
        return failed
    try:
        import websocket  # noqa: F401
    except ImportError:
        print("skip running Go on the kernel: this Python has no websocket-client module", flush=True)
        return failed
    start = time.monotonic()
    status, body = request(base, "/api/kernels", token, method="POST", body={"name": "gonb"})
    if status != 201:
        report(False, "POST /api/kernels {\"name\": \"gonb\"}: status %d: %s" % (status, body[:200]))
        return failed
    kernel_id = json.loads(body)["id"]
    try:
        out, problem = run_go(base, port, token, kernel_id)
        report(problem is None and out.strip() == "42", "a gonb kernel ran fmt.Println(6*7) in %.1fs: output %r%s" % (
            time.monotonic() - start, out.strip(), ", " + problem if problem else ""))
    except Exception as e:  # the WebSocket failed: say how, and go on to stop the server
        report(False, "a gonb kernel did not run fmt.Println(6*7): %s: %s" % (type(e).__name__, e))
    finally:
        request(base, "/api/kernels/" + kernel_id, token, method="DELETE")
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--page", choices=["lab", "tree"], required=True)
    ap.add_argument("command", nargs="+", help="the command that starts the server")
    args = ap.parse_args()
    token = os.environ.get("JUPYTER_TOKEN", "")
    if not token:
        print("check-lab: JUPYTER_TOKEN is empty; the server must run with a token", file=sys.stderr)
        return 2
    log_path = os.environ.get("CHECK_LAB_LOG", os.devnull)
    with open(log_path, "w") as log:
        server = subprocess.Popen(args.command, stdout=log, stderr=log, start_new_session=True)
        try:
            failed = check("http://127.0.0.1:%d" % args.port, args.port, token, args.page, server)
        finally:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            except ProcessLookupError:
                pass
    print("check-lab: %s" % ("%d check(s) failed; the server's log: %s" % (failed, log_path) if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
