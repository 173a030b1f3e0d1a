#!/usr/bin/python3
"""The note's transfer-learning program in PyTorch, on EfficientNet-Lite0's ImageNet weights: the
reference the Go lesson's uncached frozen arm is compared with (docs/transfer.md).

The note trains VGG-16, which has no BatchNorm, so its net.train() only switches dropout on. On a
backbone with BatchNorm (EfficientNet-Lite0), net.train() also normalizes every frozen layer by the
statistics of the current batch, while net.eval() uses the stored ImageNet statistics. --bn picks:

    train  the note's program as written: net.train() for training, net.eval() for validation
    eval   the same, with every BatchNorm layer (and drop-connect) of the frozen backbone kept in
           inference mode while the head trains

Everything else is the note's: a new 2-way _fc, everything else frozen, SGD lr 0.001 momentum 0.9,
batch 32 (shuffled; the last partial batch kept), 3 epochs of which the first only evaluates,
RandomResizedCrop(224, scale 0.5-1) + flip for training, Resize(224) + CenterCrop(224) for
validation; EfficientNet-Lite's normalization (p - 127) / 128 as the Go lesson uses.

Run with Debian's interpreter (python3-torch, python3-torchvision) and efficientnet_lite_pytorch
0.1.0 (PyPI, Apache-2.0) on PYTHONPATH:

    pip download --no-deps -d /tmp/effl efficientnet_lite_pytorch==0.1.0
    unzip -d /tmp/effl/py /tmp/effl/efficientnet_lite_pytorch-0.1.0-py3-none-any.whl
    PYTHONPATH=/tmp/effl/py /usr/bin/python3 note_recipe_torch.py --weights W.pth --data DIR --bn train

It prints the note's epoch lines and, last, one line "final ACC" with the last validation accuracy.
"""
import argparse
import contextlib
import io

import torch
import torch.nn as nn
import torchvision
from torchvision import transforms
from efficientnet_lite_pytorch import EfficientNet


def frozen_backbone_in_eval_mode(net):
    """Keeps every module but the new head in inference mode (BatchNorm, drop-connect)."""
    net.train()
    for name, module in net.named_modules():
        if name not in ("", "_fc", "_dropout"):  # each block reads its own flag for drop-connect
            module.eval()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--data", required=True, help="hymenoptera_data: train/{ants,bees}, val/{ants,bees}")
    p.add_argument("--bn", choices=("train", "eval"), default="train")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    mean, std = (127 / 255,) * 3, (128 / 255,) * 3
    tf = {
        "train": transforms.Compose([transforms.RandomResizedCrop(224, scale=(0.5, 1.0)),
                                     transforms.RandomHorizontalFlip(), transforms.ToTensor(),
                                     transforms.Normalize(mean, std)]),
        "val": transforms.Compose([transforms.Resize(224), transforms.CenterCrop(224), transforms.ToTensor(),
                                   transforms.Normalize(mean, std)]),
    }
    loaders = {ph: torch.utils.data.DataLoader(torchvision.datasets.ImageFolder(f"{a.data}/{ph}", tf[ph]),
                                               batch_size=32, shuffle=(ph == "train"))
               for ph in ("train", "val")}

    with contextlib.redirect_stdout(io.StringIO()):  # the model code prints while it builds
        net = EfficientNet.from_name("efficientnet-lite0", image_size=224)
    net.load_state_dict(torch.load(a.weights, map_location="cpu"))
    net._fc = nn.Linear(net._fc.in_features, 2)
    for name, param in net.named_parameters():
        param.requires_grad = name.startswith("_fc.")
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD([q for q in net.parameters() if q.requires_grad], lr=0.001, momentum=0.9)

    acc = 0.0
    for epoch in range(a.epochs):
        print(f"Epoch {epoch + 1}/{a.epochs}\n-------------")
        for phase in ("train", "val"):
            if epoch == 0 and phase == "train":
                continue
            if phase == "val":
                net.eval()
            elif a.bn == "train":
                net.train()
            else:
                frozen_backbone_in_eval_mode(net)
            total_loss, corrects = 0.0, 0
            for inputs, labels in loaders[phase]:
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"), contextlib.redirect_stdout(io.StringIO()):
                    outputs = net(inputs)
                    loss = criterion(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                total_loss += loss.item() * inputs.size(0)
                corrects += int((outputs.argmax(1) == labels).sum())
            n = len(loaders[phase].dataset)
            acc = corrects / n
            print(f"{phase} Loss: {total_loss / n:.4f} Acc: {acc:.4f}")
    print(f"final {acc:.4f}")


if __name__ == "__main__":
    main()
