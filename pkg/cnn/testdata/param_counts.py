"""Reference parameter counts for pkg/cnn's tests (PyTorch 1.13, torchvision 0.14).

Run: /usr/bin/python3 pkg/cnn/testdata/param_counts.py
"""
import torch
from torch import nn
import torchvision.models as M


def count(m):
    return sum(p.numel() for p in m.parameters())


class Conv(nn.Module):  # the study note's plain net, with its nn.view slip fixed
    def __init__(self):
        super().__init__()
        self.convblock = nn.Sequential(
            nn.Conv2d(3, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, 1, 1), nn.BatchNorm2d(32), nn.ReLU())
        self.fclayer = nn.Linear(32 * 32 * 32, 10)


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(), nn.Linear(128, 10))


def narrow_vgg11():
    layers, c = [], 1
    for w in [16, 'M', 32, 'M', 64, 64, 'M', 128, 128, 'M', 128, 128, 'M']:
        if w == 'M':
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU()]
            c = w
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


for name, m in [("vgg11", M.vgg11()), ("vgg13", M.vgg13()), ("vgg16", M.vgg16()), ("vgg19", M.vgg19()),
                ("vgg16_bn", M.vgg16_bn()), ("resnet18", M.resnet18()), ("resnet34", M.resnet34()),
                ("resnet50", M.resnet50()), ("conv", Conv()), ("small_cnn", small_cnn()),
                ("narrow_vgg11", narrow_vgg11())]:
    print(name, count(m))
x = torch.zeros(1, 3, 224, 224)
print("resnet18 logits", M.resnet18()(x).shape)
