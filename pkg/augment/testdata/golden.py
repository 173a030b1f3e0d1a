#!/usr/bin/python3
"""Writes golden.json and the *.png inputs for pkg/augment's parity tests.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14):

    cd pkg/augment/testdata && /usr/bin/python3 golden.py

Images are small float32 tensors; the Go tests read them as HWC. Every case records torchvision's
output for the deterministic functional ops the Go package mirrors.
"""
import json
import math

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

assert torchvision.__version__.startswith("0.14"), torchvision.__version__


def levels(gen, shape):
    """Values k/255, as decoded 8-bit images have, so that channel ties occur."""
    return (torch.randint(0, 256, shape, generator=gen).float() / 255.0)


def hwc(t):
    """CHW tensor -> dict with HWC pixels."""
    c, h, w = t.shape
    return {"h": h, "w": w, "c": c, "pix": [round(float(v), 7) for v in t.permute(1, 2, 0).reshape(-1)]}


gen = torch.Generator().manual_seed(20190505)
a = levels(gen, (3, 7, 9))
# Pixels that exercise the HSV branches: grey (all equal), ties on the max, pure colours.
a[:, 0, 0] = torch.tensor([0.5, 0.5, 0.5])
a[:, 0, 1] = torch.tensor([0.8, 0.8, 0.2])
a[:, 0, 2] = torch.tensor([0.2, 0.8, 0.8])
a[:, 0, 3] = torch.tensor([1.0, 0.0, 0.0])
a[:, 0, 4] = torch.tensor([0.0, 0.0, 1.0])
a[:, 0, 5] = torch.tensor([0.9, 0.1, 0.9])
a[:, 0, 6] = torch.tensor([0.0, 0.0, 0.0])
b = levels(gen, (3, 10, 6))
g = levels(gen, (1, 5, 8))
inputs = {"A": a, "B": b, "G": g}

cases = []


def add(op, name, args, out):
    cases.append({"op": op, "input": name, "args": args, "out": hwc(out)})


for name in ["A", "B", "G"]:
    x = inputs[name]
    for aa in [True, False]:
        for size in [[4], [3, 4], [11, 13], [2, 2], [7, 5]]:
            out = F.resize(x, size, interpolation=T.InterpolationMode.BILINEAR, antialias=aa)
            add("resize", name, {"size": size, "antialias": aa}, out)
        out = F.resized_crop(x, 1, 2, 4, 3, [6, 5], interpolation=T.InterpolationMode.BILINEAR, antialias=aa)
        add("resized_crop", name, {"top": 1, "left": 2, "height": 4, "width": 3, "size": [6, 5], "antialias": aa}, out)
    for size in [[4, 4], [5, 6], [3, 3], [6, 2], [12, 11], [3, 12], [1, 1]]:
        add("center_crop", name, {"size": size}, F.center_crop(x, size))
    add("hflip", name, {}, F.hflip(x))
    for f in [0.0, 0.5, 1.0, 1.7]:
        add("brightness", name, {"factor": f}, F.adjust_brightness(x, f))
        add("contrast", name, {"factor": f}, F.adjust_contrast(x, f))
        add("saturation", name, {"factor": f}, F.adjust_saturation(x, f))
    for f in [-0.5, -0.25, 0.0, 0.1, 0.37, 0.5]:
        add("hue", name, {"factor": f}, F.adjust_hue(x, f))
    c = x.shape[0]
    mean, std = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]) if c == 3 else ([0.5], [0.25])
    add("normalize", name, {"mean": mean, "std": std}, F.normalize(x, mean, std))

# ToTensor on PNG files written by PIL and decoded by Go's image/png.
rng = np.random.default_rng(7)
pngs = {
    "rgb.png": Image.fromarray(rng.integers(0, 256, (5, 4, 3), dtype=np.uint8), "RGB"),
    "gray.png": Image.fromarray(rng.integers(0, 256, (3, 6), dtype=np.uint8), "L"),
    "rgba.png": Image.fromarray(rng.integers(0, 256, (4, 3, 4), dtype=np.uint8), "RGBA"),
}
to_tensor = []
for fname, im in pngs.items():
    im.save(fname)
    t = T.ToTensor()(Image.open(fname))
    if t.shape[0] == 4:
        t = t[:3]  # the Go ToTensor drops alpha, like PIL's convert("RGB")
    to_tensor.append({"file": fname, "out": hwc(t)})

# RandomResizedCrop.get_params cases where every attempt must fail, so the central fallback is taken.
fallback = []
for h, w, scale, ratio in [(10, 10, (1.0, 1.0), (2.0, 2.0)), (4, 20, (1.0, 1.0), (3 / 4, 4 / 3)),
                           (20, 4, (1.0, 1.0), (3 / 4, 4 / 3)), (9, 7, (1.0, 1.0), (0.5, 0.6))]:
    i, j, hh, ww = T.RandomResizedCrop.get_params(torch.zeros(1, h, w), list(scale), list(ratio))
    fallback.append({"height": h, "width": w, "scale": scale, "ratio": ratio, "top": i, "left": j, "h": hh, "w": ww})

doc = {
    "generator": "pkg/augment/testdata/golden.py",
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "inputs": {k: hwc(v) for k, v in inputs.items()},
    "cases": cases,
    "to_tensor": to_tensor,
    "rrc_fallback": fallback,
}
with open("golden.json", "w") as f:
    json.dump(doc, f, indent=None, separators=(",", ":"))
print(f"wrote golden.json: {len(cases)} cases, {len(to_tensor)} ToTensor files, {len(fallback)} fallbacks")
