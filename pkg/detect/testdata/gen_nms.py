"""Writes golden NMS / batched NMS / IoU results from torchvision to nms_golden.json.

Run from pkg/detect with Debian's Python (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 testdata/gen_nms.py

The Go test (nms_golden_test.go) reads the JSON and compares indices and IoU values exactly. Scores are
continuous random numbers, so no two are equal (torch's descending sort is not stable, ours is).
Thresholds are float32-representable so that torchvision's double comparison equals ours.
"""
import json
import math

import torch
import torchvision
from torchvision.ops import boxes as box_ops


def random_boxes(g, n, extent, min_size, max_size, integer=False):
    xy = torch.rand(n, 2, generator=g) * extent
    wh = min_size + torch.rand(n, 2, generator=g) * (max_size - min_size)
    if integer:
        xy, wh = xy.floor(), wh.floor()
    return torch.cat([xy, xy + wh], dim=1).to(torch.float32)


def f32(x):
    return float(torch.tensor(x, dtype=torch.float32))


def main():
    g = torch.Generator().manual_seed(20260101)
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__,
           "nms": [], "batched_nms": [], "box_iou": [], "nms_nan": None}
    nms_cases = [
        ("dense-200", 200, 100.0, 5.0, 40.0, False, [0.3, 0.5, f32(0.7)]),
        ("integer-300", 300, 20.0, 1.0, 7.0, True, [0.5, 0.0, f32(0.1)]),
        ("sparse-1200", 1200, 600.0, 5.0, 80.0, False, [0.5]),
        ("mixed-sizes-1000", 1000, 500.0, 1.0, 400.0, False, [0.5, f32(0.2)]),
    ]
    for name, n, extent, lo, hi, integer, thresholds in nms_cases:
        b = random_boxes(g, n, extent, lo, hi, integer)
        s = torch.rand(n, generator=g)
        for t in thresholds:
            keep = torchvision.ops.nms(b, s, t)
            out["nms"].append({"name": f"{name}/t={t:.4g}", "boxes": b.tolist(), "scores": s.tolist(),
                               "threshold": t, "keep": keep.tolist()})
    # batched_nms uses the coordinate-offset trick below 4000 box coordinates and a per-class loop
    # above; both cases are covered.
    for name, n, extent, lo, hi, ncls in [("batched-300", 300, 100.0, 5.0, 40.0, 4),
                                          ("batched-1200", 1200, 300.0, 5.0, 60.0, 7)]:
        b = random_boxes(g, n, extent, lo, hi)
        s = torch.rand(n, generator=g)
        c = torch.randint(0, ncls, (n,), generator=g)
        keep = torchvision.ops.batched_nms(b, s, c, 0.5)
        out["batched_nms"].append({"name": name, "boxes": b.tolist(), "scores": s.tolist(),
                                   "classes": c.tolist(), "threshold": 0.5, "keep": keep.tolist()})
    for name, na, nb, extent, lo, hi, integer in [("random-20x30", 20, 30, 50.0, 2.0, 30.0, False),
                                                   ("integer-15x15", 15, 15, 8.0, 1.0, 5.0, True)]:
        a = random_boxes(g, na, extent, lo, hi, integer)
        b = random_boxes(g, nb, extent, lo, hi, integer)
        out["box_iou"].append({"name": name, "a": a.tolist(), "b": b.tolist(),
                               "iou": box_ops.box_iou(a, b).flatten().tolist()})
    # NaN scores: torch's descending sort puts NaN first. JSON has no NaN, so null stands for it.
    b = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=torch.float32)
    s = torch.tensor([0.9, float("nan"), 0.3])
    keep = torchvision.ops.nms(b, s, 0.5)
    out["nms_nan"] = {"boxes": b.tolist(), "scores": [None if math.isnan(x) else x for x in s.tolist()],
                      "threshold": 0.5, "keep": keep.tolist()}
    with open("testdata/nms_golden.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
