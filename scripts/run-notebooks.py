#!/usr/bin/python3
"""Execute the course's notebooks headless on the GoNB kernel and check their outputs.

Usage: /usr/bin/python3 scripts/run-notebooks.py [--check-only] [--timeout SECONDS] [NOTEBOOK...]

For each notebook (default: notebooks/*.ipynb, sorted) it checks the committed file first: valid
nbformat 4 JSON, kernel "gonb", top-level metadata "cvlessons": {"expect": [...], "min_images": N},
no outputs or execution counts (notebooks are committed clean). Then it executes the notebook in a
child process (so a timeout kills the kernel with it), writes the executed copy to
notebooks/.executed/NAME.ipynb, and fails the notebook when a cell raises, the whole notebook runs
past the timeout, a string of "expect" appears in no output, or fewer than "min_images" images
are shown. Exit status 1 when any notebook fails.

scripts/run-notebooks.sh sets the environment (PATH, CVLESSONS_ROOT, the preset) and calls this.
"""
import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
EXECUTED = os.path.join(NOTEBOOKS, ".executed")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


def check_committed(path):
    """Returns (metadata, problems) for the notebook file as committed."""
    problems = []
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError) as e:
        return None, ["not valid JSON: %s" % e]
    if nb.get("nbformat") != 4:
        problems.append("nbformat is %r, want 4" % nb.get("nbformat"))
    meta = nb.get("metadata", {})
    kernel = meta.get("kernelspec", {}).get("name")
    if kernel != "gonb":
        problems.append('kernelspec name is %r, want "gonb"' % kernel)
    cv = meta.get("cvlessons")
    if not isinstance(cv, dict):
        problems.append('metadata lacks "cvlessons": {"expect": [...], "min_images": N}')
        cv = {}
    expect = cv.get("expect")
    if not isinstance(expect, list) or not expect or not all(isinstance(s, str) and s for s in expect):
        problems.append('metadata.cvlessons.expect is %r, want a non-empty list of non-empty strings' % (expect,))
    min_images = cv.get("min_images")
    if not isinstance(min_images, int) or isinstance(min_images, bool) or min_images < 0:
        problems.append("metadata.cvlessons.min_images is %r, want an integer >= 0" % (min_images,))
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append("cell %d has outputs; commit notebooks without outputs (Cell > All Output > Clear)" % i)
        if cell.get("execution_count") is not None:
            problems.append("cell %d has execution_count %r; commit notebooks cleared" % (i, cell["execution_count"]))
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if not code or "go mod edit -require github.com/cvlessons/cvlessons" not in "".join(code[0].get("source", "")):
        problems.append("the first code cell is not the set-up cell (copy it from 00-welcome.ipynb)")
    return cv, problems


def collect(nb):
    """Returns (text of all outputs, number of images, error outputs)."""
    texts, images, errors = [], 0, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                texts.append(out.get("text", ""))
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                images += sum(1 for t in IMAGE_TYPES if t in data)
                for t in ("text/plain", "text/html", "text/markdown"):
                    texts.append(data.get(t, ""))
            elif kind == "error":
                errors.append("%s: %s" % (out.get("ename"), out.get("evalue")))
                texts.append("\n".join(out.get("traceback", [])))
    return "\n".join(texts), images, errors


def execute_one(path, out_path, cell_timeout):
    """Child process: executes one notebook and writes the executed copy, even on failure."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="gonb",
                            resources={"metadata": {"path": os.path.dirname(path)}})

    def record_kernel_pid(**_):
        # The kernel runs in its own session; the parent needs its PID to stop it on a timeout.
        pid = getattr(client.km.provisioner, "pid", None)
        if pid:
            with open(out_path + ".pid", "w") as f:
                f.write(str(pid))
    client.on_notebook_start = record_kernel_pid
    status = 0
    try:
        client.execute()
    except CellExecutionError as e:
        print(str(e)[-3000:], file=sys.stderr)
        status = 1
    finally:
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        tmp = out_path + ".tmp"
        nbformat.write(nb, tmp)
        os.replace(tmp, out_path)
    return status


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def kill_tree(pid):
    """Kills pid and all its descendants (found through /proc), children first."""
    if not pid:
        return
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    order, stack = [], [pid]
    while stack:
        p = stack.pop()
        order.append(p)
        stack.extend(children.get(p, []))
    for p in reversed(order):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def run_one(path, timeout):
    """Parent: runs the child for one notebook, then checks the executed copy. Returns problems."""
    name = os.path.basename(path)
    cv, problems = check_committed(path)
    if problems:
        return problems
    out_path = os.path.join(EXECUTED, name)
    for old in (out_path, out_path + ".pid"):
        if os.path.exists(old):
            os.remove(old)
    log_path = os.path.join(EXECUTED, name + ".log")
    os.makedirs(EXECUTED, exist_ok=True)
    with open(log_path, "w") as log:
        child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", path, out_path,
                                  str(timeout)], stdout=log, stderr=log, start_new_session=True)
        try:
            rc = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(read_pid(out_path + ".pid"))  # the kernel, gopls and the Go program it runs
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return ["timed out after %ds (set CVLESSONS_NOTEBOOK_TIMEOUT to change); partial output in %s" % (timeout, log_path)]
    if os.path.exists(out_path + ".pid"):
        os.remove(out_path + ".pid")
    if not os.path.exists(out_path):
        return ["the kernel did not run (exit %d); see %s" % (rc, log_path)]
    import nbformat
    text, images, errors = collect(nbformat.read(out_path, as_version=4))
    if rc != 0 or errors:
        problems.append("a cell failed: %s; see %s" % ("; ".join(errors) or "exit %d" % rc, log_path))
    for s in cv["expect"]:
        if s not in text:
            problems.append("no output contains %r (metadata.cvlessons.expect)" % s)
    if images < cv["min_images"]:
        problems.append("%d image(s) shown, want at least %d (metadata.cvlessons.min_images)" % (images, cv["min_images"]))
    return problems


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        sys.exit(execute_one(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check-only", action="store_true", help="check the committed files, execute nothing")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("CVLESSONS_NOTEBOOK_TIMEOUT", "900")),
                    help="seconds per notebook (default $CVLESSONS_NOTEBOOK_TIMEOUT or 900)")
    ap.add_argument("notebooks", nargs="*")
    args = ap.parse_args()
    paths = [os.path.abspath(p) for p in args.notebooks] or sorted(glob.glob(os.path.join(NOTEBOOKS, "*.ipynb")))
    if not paths:
        print("run-notebooks: no notebooks in %s" % NOTEBOOKS, file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        name = os.path.relpath(path, ROOT)
        start = time.monotonic()
        if args.check_only:
            problems = check_committed(path)[1]
        else:
            print("run-notebooks: %s: executing (preset %s, timeout %ds)" % (
                name, os.environ.get("CVLESSONS_PRESET", "full"), args.timeout), flush=True)
            problems = run_one(path, args.timeout)
        took = time.monotonic() - start
        if problems:
            failed += 1
            print("FAIL %s (%.1fs)" % (name, took))
            for p in problems:
                print("     " + p)
        else:
            print("ok   %s (%.1fs)" % (name, took))
        sys.stdout.flush()
    print("run-notebooks: %d of %d notebook(s) failed" % (failed, len(paths)) if failed else
          "run-notebooks: all %d notebook(s) passed" % len(paths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
