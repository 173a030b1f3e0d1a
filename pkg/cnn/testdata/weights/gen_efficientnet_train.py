#!/usr/bin/python3
"""Writes efficientnet_parity_train.pth: the tiny EfficientNet-Lite0 of gen_efficientnet.py in
training mode, which pkg/cnn's TestEfficientNetTrainingModeParity compares with.

In training mode every BatchNorm normalizes by the statistics of the batch and moves its running
averages 1% towards them (momentum 0.01, the converted TensorFlow 0.99). Dropout and drop connect
are set to 0, so the forward pass is deterministic. Run from this directory, after
gen_efficientnet.py, with Debian's interpreter and efficientnet_lite_pytorch on PYTHONPATH (see
gen_efficientnet.py):

    PYTHONPATH=/tmp/effl/py /usr/bin/python3 gen_efficientnet_train.py

Outputs {"tiny/48/train": logits [2, 10] of "input48" from efficientnet_parity.pth,
"_bn0/running_mean", "_bn0/running_var", "_bn1/running_mean", "_bn1/running_var": the stem's and
the head's BatchNorm averages after that one forward pass}.
"""
import contextlib
import io

import torch
from efficientnet_lite_pytorch import EfficientNet


def main():
    sd = torch.load("efficientnet_lite0_tiny.pth")
    x = torch.load("efficientnet_parity.pth")["input48"].permute(0, 3, 1, 2).contiguous()
    with contextlib.redirect_stdout(io.StringIO()):
        m = EfficientNet.from_name("efficientnet-lite0", width_coefficient=0.25, num_classes=10, image_size=48,
                                   dropout_rate=0.0, drop_connect_rate=0.0)
    m.load_state_dict(sd)
    m.train()
    with torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
        logits = m(x)
    out = {"tiny/48/train": logits.contiguous()}
    for name in ("_bn0", "_bn1"):
        bn = getattr(m, name)
        out[f"{name}/running_mean"] = bn.running_mean.clone()
        out[f"{name}/running_var"] = bn.running_var.clone()
    torch.save(out, "efficientnet_parity_train.pth")
    print(f"train-mode logits std {logits.std().item():.3f}, max |logit| {logits.abs().max().item():.3f}")


if __name__ == "__main__":
    main()
