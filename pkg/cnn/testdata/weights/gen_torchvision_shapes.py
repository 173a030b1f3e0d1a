#!/usr/bin/python3
"""Writes torchvision_shapes.json: the state-dict keys and shapes of torchvision 0.14's full-size
VGG (11, 13, 16, 19, with and without BatchNorm) and ResNet (18, 34, 50) models, 1000 classes.

No weights are involved (the models are built with random initialization and only their shapes are
kept). Run from this directory with Debian's interpreter: /usr/bin/python3 gen_torchvision_shapes.py
"""
import json

import torchvision.models as models

ARCHS = ["vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
         "resnet18", "resnet34", "resnet50"]

shapes = {}
for arch in ARCHS:
    sd = getattr(models, arch)(weights=None).state_dict()
    shapes[arch] = [[k, list(v.shape)] for k, v in sd.items()]
with open("torchvision_shapes.json", "w") as f:
    json.dump(shapes, f, separators=(",", ":"))
