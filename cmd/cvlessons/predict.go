package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cvlessons/cvlessons/datasets"
	"github.com/cvlessons/cvlessons/pkg/augment"
	"github.com/cvlessons/cvlessons/pkg/backend"
	"github.com/cvlessons/cvlessons/pkg/cnn"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

var cmdPredict = &command{
	name:  "predict",
	usage: "predict --arch NAME --weights FILE.pth [--num-classes N] [--logits] IMAGE...",
	short: "classify images with torchvision weights",
	long: `Predict classifies images with a torchvision checkpoint, read in Go (no Python): it prints the
five most probable classes of each image, with ImageNet class names when the model has 1000
outputs, or with --logits one JSON array of raw logits per image, one per line.

	--arch NAME       vgg11, vgg13, vgg16, vgg19 (each also with _bn), resnet18, resnet34, resnet50,
	                  efficientnet-lite0 (efficientnet_lite_pytorch's state dict)
	--weights FILE    a state dict saved by torch.save (torchvision's published .pth files)
	--num-classes N   expected number of outputs (default: whatever the checkpoint has)
	--logits          print raw logits as JSON instead of the top 5

The architecture fixes the layer pattern and the checkpoint the widths, so every key and shape
must match (PyTorch's load_state_dict(strict=True)); a mismatch is an error naming the key.

Preprocessing is torchvision's ImageNet evaluation transform: resize the shorter side to 256
(bilinear, antialiased like PIL), crop the centre 224x224, divide by 255 and normalize with the
ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). An image that is already
224x224 is used as it is (torchvision would scale it to 256 and crop back). Grey images are
converted to RGB. Images are JPEG, PNG or GIF. For efficientnet-lite0 the normalization is
TensorFlow EfficientNet-Lite's, (p - 127) / 128 for pixel values p in [0, 255], which its
converted weights expect.

The ImageNet weights are not shipped: "cvlessons data fetch vgg16-imagenet" (or
resnet18-imagenet, efficientnet-lite0-imagenet) downloads them, once, when online;
"cvlessons data list" shows where they are.`,
	run: runPredict,
}

func runPredict(env *environment, args []string) error {
	fs := newFlagSet("predict")
	arch := fs.String("arch", "", "architecture")
	weights := fs.String("weights", "", "checkpoint .pth")
	numClasses := fs.Int("num-classes", 0, "expected number of classes")
	rawLogits := fs.Bool("logits", false, "print logits as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *arch == "":
		return usagef("predict: --arch is required (%s)", strings.Join(cnn.Archs, ", "))
	case *weights == "":
		return usagef("predict: --weights is required")
	case fs.NArg() == 0:
		return usagef("predict: no images given")
	case !slices.Contains(cnn.Archs, *arch):
		return usagef("predict: unknown --arch %q, want one of %s", *arch, strings.Join(cnn.Archs, ", "))
	case *numClasses < 0:
		return usagef("predict: --num-classes %d, want a positive number", *numClasses)
	}

	sd, err := cnn.ReadStateDict(*weights)
	if err != nil {
		return err
	}
	arched, err := cnn.ArchFromStateDict(*arch, sd)
	if err != nil {
		return err
	}
	var model cnn.ModelFn
	var classes int
	switch m := arched.(type) {
	case *cnn.VGG:
		model, classes = m.Logits, m.NumClasses
	case *cnn.ResNet:
		model, classes = m.Logits, m.NumClasses
	case *cnn.EfficientNetLite:
		model, classes = m.Logits, m.NumClasses
	}
	if *numClasses > 0 && *numClasses != classes {
		return fmt.Errorf("predict: --num-classes %d, but %s has %d outputs", *numClasses, *weights, classes)
	}

	b, err := backend.NewLogged(nil)
	if err != nil {
		return err
	}
	ctx := context.New()
	if _, err := cnn.ImportModel(b, ctx, model, cnn.ImageNetSize, sd, cnn.ImportOptions{Strict: true}); err != nil {
		return fmt.Errorf("predict: %s: %w", *weights, err)
	}
	exec, err := context.NewExec(b, ctx.Checked(false), func(ctx *context.Context, images *graph.Node) *graph.Node {
		ctx.SetTraining(images.Graph(), false)
		return model(ctx, images)
	})
	if err != nil {
		return fmt.Errorf("predict: building the model: %w", err)
	}
	defer exec.Finalize()

	var names []string
	if classes == 1000 {
		names = cnn.ImageNetClasses()
	}
	for _, path := range fs.Args() {
		img, err := preprocessImageNet(path)
		if err != nil {
			return err
		}
		if _, ok := arched.(*cnn.EfficientNetLite); ok {
			cnn.RenormalizeImageNet(img, cnn.EfficientNetLiteMean, cnn.EfficientNetLiteStd)
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(img.Pix, 1, img.Height, img.Width, img.Channels))
		if err != nil {
			return fmt.Errorf("predict: %s: %w", path, err)
		}
		logits := tensors.MustCopyFlatData[float32](out[0])
		if *rawLogits {
			line, err := json.Marshal(logits)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "%s\n", line)
			continue
		}
		fmt.Fprintf(env.stdout, "%s\n", path)
		for i, p := range cnn.TopK(logits, 5, names) {
			fmt.Fprintf(env.stdout, "  %d. %s\n", i+1, p)
		}
	}
	return nil
}

// preprocessImageNet decodes an image file and applies torchvision's ImageNet evaluation
// transform (cnn.PreprocessImageNet), refusing before allocating an image whose decoded size or
// resized size is over the limits (datasets.MaxImagePixels, cnn.MaxResizedPixels).
func preprocessImageNet(path string) (*augment.Image, error) {
	rgb, err := datasets.DecodeImageFile(path)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	img, err := cnn.PreprocessImageNet(rgb)
	if err != nil {
		return nil, fmt.Errorf("predict: %s: %w", path, err)
	}
	return img, nil
}
