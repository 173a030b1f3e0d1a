#!/usr/bin/python3
"""Writes the small torchvision checkpoints and PyTorch logits that pkg/cnn's parity tests load.

Run from this directory with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 gen_parity.py

The models are torchvision's own classes (torchvision.models.vgg.VGG with make_layers, and
torchvision.models.resnet.ResNet with BasicBlock/Bottleneck) with the layer counts of VGG-11,
VGG-11-BN, ResNet-18 and ResNet-50 but tiny widths, so that the state-dict keys are exactly
torchvision's while the files stay under 1 MB each. Every parameter and BatchNorm running statistic
is random (not torchvision's init, which leaves BatchNorm at mean 0 / variance 1 and would not test
the buffers). Outputs:

    vgg11_tiny.pth, vgg11_bn_tiny.pth, resnet18_tiny.pth, resnet50_tiny.pth   state dicts (torch.save)
    parity.pth   {"input112": [2,112,112,3], "input224": [1,224,224,3]  (NHWC, as the Go side feeds them),
                  "<model>/112": logits [2,10], "<model>/224": logits [1,10]}   (eval mode)
    formats.pth, wrapped.pth   reader test cases (strided views, dtypes, a wrapped state dict)
    formats_legacy.pth   formats.pth's tensors in PyTorch's legacy (pre-1.6) format
    img224.png, img_wide.png, predict.pth   images and reference logits for `cvlessons predict`
"""
import torch
import torch.nn as nn
from torchvision.models.resnet import ResNet, BasicBlock, Bottleneck
from torchvision.models.vgg import VGG, make_layers

NUM_CLASSES = 10
HIDDEN = 32  # width of classifier.0 and classifier.3 (4096 in torchvision's VGG)


def tiny_vgg(batch_norm):
    """VGG-11 (configuration "A") with widths divided by 16 and a 32-wide classifier."""
    cfg = [4, "M", 8, "M", 16, 16, "M", 32, 32, "M", 32, 32, "M"]
    model = VGG(make_layers(cfg, batch_norm=batch_norm), num_classes=NUM_CLASSES)
    # Same module indices as torchvision (classifier.0, .3, .6), smaller Linear layers.
    model.classifier[0] = nn.Linear(32 * 7 * 7, HIDDEN)
    model.classifier[3] = nn.Linear(HIDDEN, HIDDEN)
    model.classifier[6] = nn.Linear(HIDDEN, NUM_CLASSES)
    return model


class TinyResNet(ResNet):
    """torchvision's ResNet with stage widths (8, 16, 32, 64) instead of (64, 128, 256, 512).

    It reuses ResNet._make_layer, BasicBlock and Bottleneck, so module names match torchvision.
    """

    def __init__(self, block, layers, widths=(8, 16, 32, 64)):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = widths[0]
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, widths[0], layers[0])
        self.layer2 = self._make_layer(block, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(block, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(block, widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * block.expansion, NUM_CLASSES)


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
        # Keep residual sums O(1): the last BatchNorm of each residual branch gets a small scale.
        for module in model.modules():
            if isinstance(module, (BasicBlock, Bottleneck)):
                last = module.bn3 if isinstance(module, Bottleneck) else module.bn2
                last.weight.mul_(0.2)


def main():
    gen = torch.Generator().manual_seed(20261126)
    models = {
        "vgg11_tiny": tiny_vgg(batch_norm=False),
        "vgg11_bn_tiny": tiny_vgg(batch_norm=True),
        "resnet18_tiny": TinyResNet(BasicBlock, [2, 2, 2, 2]),
        "resnet50_tiny": TinyResNet(Bottleneck, [3, 4, 6, 3], widths=(4, 8, 16, 32)),
    }
    inputs = {
        "112": torch.rand((2, 3, 112, 112), generator=gen),
        "224": torch.rand((1, 3, 224, 224), generator=gen),
    }
    parity = {
        "input112": inputs["112"].permute(0, 2, 3, 1).contiguous(),
        "input224": inputs["224"].permute(0, 2, 3, 1).contiguous(),
    }
    for name, model in models.items():
        randomize(model, gen)
        model.eval()
        torch.save(model.state_dict(), f"{name}.pth")
        with torch.no_grad():
            for size, x in inputs.items():
                logits = model(x)
                parity[f"{name}/{size}"] = logits.contiguous()
                print(f"{name} input {size}: logits std {logits.std().item():.3f}, "
                      f"max |logit| {logits.abs().max().item():.3f}")
    torch.save(parity, "parity.pth")
    write_format_cases()
    write_predict_cases(models)


def write_predict_cases(models):
    """Two PNG photos-to-be and the logits torchvision's ImageNet evaluation pipeline gives for them.

    img224.png is already 224x224: `cvlessons predict` does not resize it, so its reference skips
    Resize too (torchvision would scale it to 256 and crop back). img_wide.png (320x240) goes through
    Resize(256) (PIL bilinear, antialiased) and CenterCrop(224), as in torchvision's reference scripts;
    "<model>/img_wide_float" applies that resize to the float tensor instead (antialias=True), which
    avoids PIL's rounding of the resized image to 8 bits.
    """
    from PIL import Image
    import torchvision.transforms as T

    gen = torch.Generator().manual_seed(7)
    normalize = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    refs = {}
    for name, (w, h) in {"img224": (224, 224), "img_wide": (320, 240)}.items():
        y = torch.linspace(0, 1, h).reshape(h, 1, 1)
        x = torch.linspace(0, 1, w).reshape(1, w, 1)
        phase = torch.tensor([0.0, 2.0, 4.0])
        smooth = 0.5 + 0.35 * torch.sin(6 * x + 4 * y + phase) * torch.cos(3 * y - 2 * x)
        pixels = (smooth + 0.1 * torch.rand((h, w, 3), generator=gen)).clamp(0, 1)
        img = Image.fromarray((pixels * 255).round().to(torch.uint8).numpy(), "RGB")
        img.save(f"{name}.png")
        if (w, h) == (224, 224):
            pipeline = T.Compose([T.ToTensor(), normalize])
        else:
            pipeline = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), normalize])
        batches = {name: pipeline(Image.open(f"{name}.png").convert("RGB")).unsqueeze(0)}
        if (w, h) != (224, 224):
            # The same resize on the float tensor (antialias=True), without PIL's rounding to 8 bits.
            tensor = T.ToTensor()(Image.open(f"{name}.png").convert("RGB"))
            floats = T.CenterCrop(224)(T.Resize(256, antialias=True)(tensor))
            batches[name + "_float"] = normalize(floats).unsqueeze(0)
        for key, batch in batches.items():
            for model_name in ("vgg11_tiny", "resnet18_tiny"):
                with torch.no_grad():
                    refs[f"{model_name}/{key}"] = models[model_name](batch)[0].contiguous()
    torch.save(refs, "predict.pth")


def write_format_cases():
    """Small checkpoints for the reader's unit tests; expected values follow from torch.arange."""
    base = torch.arange(10.0)
    formats = {
        "transposed": torch.arange(6.0).reshape(2, 3).t(),  # strides (1, 3): a non-contiguous view
        "offset": base[4:7],                                # storage offset 4 into a 10-value storage
        "half": torch.tensor([1.5, -2.0], dtype=torch.float16),
        "bfloat16": torch.tensor([0.5, 3.0], dtype=torch.bfloat16),
        "double": torch.tensor([[0.25]], dtype=torch.float64),
        "long": torch.tensor([7, -1], dtype=torch.int64),
        "scalar": torch.tensor(3.0),
    }
    torch.save(formats, "formats.pth")
    torch.save(formats, "formats_legacy.pth", _use_new_zipfile_serialization=False)
    torch.save({"epoch": 3, "state_dict": {"fc.weight": torch.ones(2, 3), "fc.bias": torch.zeros(2)}},
               "wrapped.pth")


if __name__ == "__main__":
    main()
