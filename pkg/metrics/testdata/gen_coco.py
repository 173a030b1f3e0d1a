#!/usr/bin/python3
"""Writes coco/*.json fixtures and coco_golden.json: the 12 COCOeval.stats for each fixture.

Reference: pycocotools' COCOeval (bbox). Debian has no pycocotools package, so when
`import pycocotools` fails the script imports it from $PYCOCOTOOLS_SRC, a directory holding a
pycocotools/ package with upstream cocoeval.py and coco.py (cocodataset/cocoapi, PythonAPI) and a
mask.py whose iou() is a NumPy transcription of maskApi.c bbIou (the C extension is not needed
for boxes). Run from this directory:

    /usr/bin/python3 gen_coco.py                      # with pycocotools installed
    PYCOCOTOOLS_SRC=/path/to/src /usr/bin/python3 gen_coco.py

The Go tests in ../cocoeval_golden_test.go read the outputs; they never run Python.
"""
import contextlib
import io
import json
import os
import sys

import numpy as np

try:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    SOURCE = "pycocotools (installed)"
except ImportError:
    sys.path.insert(0, os.environ["PYCOCOTOOLS_SRC"])
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    SOURCE = "pycocotools cocoeval.py from $PYCOCOTOOLS_SRC with a NumPy bbIou"


def random_case(seed, n_images, n_cats, gt_id_start=1, max_gt=8, crowd_p=0.05, extra_dets=150):
    rng = np.random.default_rng(seed)
    images = [{"id": int(i), "width": 640, "height": 480} for i in rng.permutation(np.arange(1, n_images + 1) * 3)]
    cats = [{"id": int(c), "name": "c%d" % c} for c in range(1, n_cats + 1)]
    anns, dets = [], []
    aid = gt_id_start
    for im in images:
        for _ in range(int(rng.integers(0, max_gt + 1))):
            cat = int(rng.integers(1, n_cats))  # the last category never has ground truth
            w, h = np.exp(rng.uniform(np.log(4), np.log(300), 2)).round(1)
            x, y = rng.uniform(0, 600, 2).round(1)
            crowd = int(rng.random() < crowd_p)
            area = float(w * h) if rng.random() < 0.7 else float(round(w * h * rng.uniform(0.5, 1.0), 2))
            anns.append({"id": aid, "image_id": im["id"], "category_id": cat, "bbox": [float(x), float(y), float(w), float(h)],
                         "area": area, "iscrowd": crowd})
            aid += 1
            for _ in range(int(rng.integers(0, 3))):  # 0-2 detections per object: misses and duplicates
                jit = rng.normal(0, 0.15, 4) * [w, h, w, h]
                b = [float(round(v, 2)) for v in [x + jit[0], y + jit[1], max(w + jit[2], 1), max(h + jit[3], 1)]]
                c = cat if rng.random() < 0.9 else int(rng.integers(1, n_cats + 1))
                dets.append({"image_id": im["id"], "category_id": c, "bbox": b, "score": float(round(rng.random(), 2))})
        for _ in range(int(rng.integers(0, 6))):  # false positives anywhere
            w, h = np.exp(rng.uniform(np.log(4), np.log(300), 2)).round(1)
            x, y = rng.uniform(0, 600, 2).round(1)
            dets.append({"image_id": im["id"], "category_id": int(rng.integers(1, n_cats + 1)),
                         "bbox": [float(x), float(y), float(w), float(h)], "score": float(round(rng.random(), 2))})
    # one crowded image with more than 100 detections, to exercise maxDets
    im = images[0]["id"]
    for _ in range(extra_dets):
        x, y = rng.uniform(0, 600, 2).round(1)
        dets.append({"image_id": im, "category_id": 1, "bbox": [float(x), float(y), 40.0, 40.0], "score": float(round(rng.random(), 1))})
    rng.shuffle(dets)
    return {"images": images, "categories": cats, "annotations": anns}, dets


def evaluate(name, gt, dets):
    os.makedirs("coco", exist_ok=True)
    gt_path, dt_path = "coco/%s_gt.json" % name, "coco/%s_dt.json" % name
    with open(gt_path, "w") as f:
        json.dump(gt, f)
    with open(dt_path, "w") as f:
        json.dump(dets, f)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        cg = COCO(gt_path)
        cd = cg.loadRes(dt_path)
        e = COCOeval(cg, cd, "bbox")
        e.evaluate()
        e.accumulate()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        e.summarize()
    summary = "\n".join(l for l in text.getvalue().splitlines() if l.startswith(" Average"))
    return {"name": name, "gt": gt_path, "dt": dt_path, "stats": [float(s) for s in e.stats], "summary": summary + "\n"}


cases = []
for name, kw in [("random_a", dict(seed=1, n_images=40, n_cats=5)),
                 ("random_b", dict(seed=2, n_images=120, n_cats=4, crowd_p=0.15)),
                 ("random_c_id0", dict(seed=3, n_images=30, n_cats=3, gt_id_start=0)),
                 ("random_d_dense", dict(seed=4, n_images=15, n_cats=2, max_gt=40, extra_dets=300))]:
    gt, dets = random_case(**kw)
    cases.append(evaluate(name, gt, dets))

# The hand-worked cases of cocoeval_test.go, so that the derivations there are also checked here.
hand = json.load(open("coco_hand_cases.json"))
for c in hand:
    cases.append(evaluate(c["name"], c["gt"], c["dt"]))

with open("coco_golden.json", "w") as f:
    json.dump({"source": SOURCE, "numpy": np.__version__, "cases": cases}, f, indent=1)
print("wrote coco_golden.json:", len(cases), "cases;", SOURCE)
