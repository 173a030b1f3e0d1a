#!/usr/bin/python3
"""Times pycocotools on the files written by `go run ./bench/cocoeval -dir DIR`.

    /usr/bin/python3 bench/cocoeval/pycocotools_time.py DIR
    PYCOCOTOOLS_SRC=/path /usr/bin/python3 bench/cocoeval/pycocotools_time.py DIR

Debian has no pycocotools package; without it the script imports a pycocotools/ package from
$PYCOCOTOOLS_SRC (upstream cocoeval.py and coco.py with a NumPy box IoU in place of the C
extension, as in pkg/metrics/testdata/gen_coco.py). Prints the wall and CPU time of load,
evaluate+accumulate+summarize, and the 12 stats.
"""
import contextlib
import io
import os
import sys
import time

try:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    SOURCE = "pycocotools (installed)"
except ImportError:
    sys.path.insert(0, os.environ["PYCOCOTOOLS_SRC"])
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    SOURCE = "pycocotools cocoeval.py from $PYCOCOTOOLS_SRC with a NumPy bbIou"

d = sys.argv[1]
t0, c0 = time.perf_counter(), time.process_time()
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(os.path.join(d, "gt.json"))
    dt = gt.loadRes(os.path.join(d, "dt.json"))
t1, c1 = time.perf_counter(), time.process_time()
with contextlib.redirect_stdout(io.StringIO()):
    e = COCOeval(gt, dt, "bbox")
    e.evaluate()
    e.accumulate()
out = io.StringIO()
with contextlib.redirect_stdout(out):
    e.summarize()
t2, c2 = time.perf_counter(), time.process_time()
print(out.getvalue(), end="")
print("stats", " ".join(repr(float(v)) for v in e.stats))
print("%s" % SOURCE)
print("wall: load %.2fs, evaluate+accumulate+summarize %.2fs, total %.2fs" % (t1 - t0, t2 - t1, t2 - t0))
print("cpu:  load %.2fs, evaluate+accumulate+summarize %.2fs, total %.2fs" % (c1 - c0, c2 - c1, c2 - c0))
