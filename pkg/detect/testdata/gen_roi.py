"""Writes golden RoI pooling and box-coding results from torchvision to roi_golden.json.

Run from pkg/detect with Debian's Python (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 testdata/gen_roi.py

roi_pool: torchvision.ops.roi_pool on random NCHW feature maps; the JSON stores them HWC, the layout
of detect.RoIPool. box coding: torchvision.models.detection._utils.BoxCoder with weights (1, 1, 1, 1),
R-CNN's parametrization, as detect.BoxDelta / detect.ApplyDelta compute it. roi_align:
torchvision.ops.roi_align with sampling_ratio 2 and aligned=False, from its own generator so that the
older cases keep their values.
"""
import json

import torch
import torchvision
from torchvision.models.detection._utils import BoxCoder


def pooling_cases(g, specs, pool, beyond):
    """Random feature maps and regions for each (name, c, h, w, scale, oh, ow) of specs, pooled by
    pool(features, rois, (oh, ow), scale). Region 0 reaches beyond(scale) pixels past the image on every
    side, region 1 is a point."""
    cases = []
    for name, c, h, w, scale, oh, ow in specs:
        feat = torch.randn(1, c, h, w, generator=g)
        img_w, img_h = w / scale, h / scale
        n = 12
        xy = torch.rand(n, 2, generator=g) * torch.tensor([img_w, img_h])
        wh = torch.rand(n, 2, generator=g) * torch.tensor([img_w, img_h]) * 0.7
        rois = torch.cat([xy, xy + wh], dim=1)
        m = beyond(scale)
        rois[0] = torch.tensor([-m, -m, img_w + m, img_h + m])  # beyond the map
        rois[1] = torch.tensor([3.0, 3.0, 3.0, 3.0])  # a point
        idx = torch.zeros(n, 1)
        pooled = pool(feat, torch.cat([idx, rois], dim=1), (oh, ow), scale)
        cases.append({
            "name": name, "height": h, "width": w, "channels": c, "scale": scale, "out_h": oh, "out_w": ow,
            "features": feat[0].permute(1, 2, 0).flatten().tolist(),
            "rois": rois.tolist(),
            "pooled": pooled.permute(0, 2, 3, 1).reshape(n, -1).tolist(),
        })
    return cases


def main():
    g = torch.Generator().manual_seed(20260102)
    out = {"torchvision": torchvision.__version__}
    out["roi_pool"] = pooling_cases(g, [("scale-1", 3, 12, 16, 1.0, 3, 4),
                                        ("scale-half", 2, 10, 10, 0.5, 2, 2),
                                        ("scale-sixteenth", 4, 7, 9, 1.0 / 16, 7, 7)],
                                    torchvision.ops.roi_pool, lambda scale: 5.0)
    coder = BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
    xy = torch.rand(20, 2, generator=g) * 100
    props = torch.cat([xy, xy + 5 + torch.rand(20, 2, generator=g) * 50], dim=1)
    gts = props + torch.randn(20, 4, generator=g) * 3
    deltas = coder.encode_single(gts, props)
    decoded = coder.decode_single(deltas, props)
    out["box_coder"] = {"proposals": props.tolist(), "targets": gts.tolist(), "deltas": deltas.tolist(),
                        "decoded": decoded.tolist()}
    # sampling ratio 2, aligned=False, from a generator of its own so that the cases above keep their values
    align = lambda f, r, size, scale: torchvision.ops.roi_align(f, r, size, scale, 2, False)
    out["roi_align"] = pooling_cases(torch.Generator().manual_seed(20261207),
                                     [("align-scale-1", 3, 12, 16, 1.0, 3, 4),
                                      ("align-scale-quarter", 2, 24, 24, 0.25, 7, 7)],
                                     align, lambda scale: 5.0 / scale)
    with open("testdata/roi_golden.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
