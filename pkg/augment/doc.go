// Package augment implements torchvision-compatible image transforms (Resize, CenterCrop, RandomCrop,
// RandomResizedCrop, RandomHorizontalFlip, ColorJitter, Normalize, ToTensor, Compose) that also move
// bounding boxes, plus batch mixing for classification (CutMix, MixUp) and Mosaic for detection.
//
// # Conventions
//
// An [Image] holds float32 values in [0, 1] stored height x width x channels (HWC), the course's
// channels-last layout; a [Batch] stacks images as [N, height, width, channels] (NHWC) with soft
// labels [N, classes]. torchvision works channels-first (CHW); the values are the same, only the axis
// order differs.
//
// A [Box] is (X1, Y1, X2, Y2) in pixels, origin at the top-left corner, X2 and Y2 exclusive edges (no
// +1 convention): a box covering the whole W x H image is {0, 0, W, H}. Geometric transforms map boxes
// with the image, clip them to the new image and drop boxes left without area (the parallel Classes
// slice is kept in step).
//
// Semantics follow torchvision 0.14 (Debian's python3-torchvision 0.14.1) on float tensors:
//   - Resize with an int size matches the shorter side and sets the longer to int(size*long/short)
//     (truncated). Bilinear sampling uses align_corners=False. [BilinearAntialias] (the zero value)
//     is PyTorch's antialias=True path, which reproduces PIL's filter and so is what the PIL-based
//     tutorials (the note's ants/bees recipe) see; [Bilinear] is the plain tensor default of 0.14
//     (antialias=False), which aliases when shrinking.
//   - CenterCrop rounds its offsets with Python's round (half to even) and pads with zeros when the
//     crop is larger than the image.
//   - RandomResizedCrop draws up to 10 (area, log-ratio) pairs, then falls back to a central crop
//     clamped to the ratio range.
//   - ColorJitter applies brightness, contrast, saturation and hue in a random order with the tensor
//     formulas (grey = 0.2989 R + 0.587 G + 0.114 B; results clamped to [0, 1]). PIL images go
//     through ImageEnhance in uint8, which differs by rounding.
//
// Randomness comes only from the *rand.Rand (math/rand/v2) passed to Apply. Transforms are plain
// values without mutable state, so one transform may be shared by goroutines that each own their
// rand source; [SampleRand] derives a source per (seed, epoch, sample) so that results do not depend
// on how samples are spread over workers. Nothing modifies its input: every transform returns new
// images, or the input itself when it leaves it unchanged.
//
// # References
//
//   - torchvision 0.14 transforms: https://pytorch.org/vision/0.14/transforms.html
//   - S. Yun et al., "CutMix: Regularization Strategy to Train Strong Classifiers with Localizable
//     Features", ICCV 2019, arXiv:1905.04899 (and its reference code, clovaai/CutMix-PyTorch).
//   - H. Zhang et al., "mixup: Beyond Empirical Risk Minimization", ICLR 2018, arXiv:1710.09412.
//   - A. Bochkovskiy, C.-Y. Wang, H.-Y. M. Liao, "YOLOv4: Optimal Speed and Accuracy of Object
//     Detection", 2020, arXiv:2004.10934; placement and box filtering as in Ultralytics YOLOv5's
//     load_mosaic and box_candidates.
//   - G. Marsaglia, W. W. Tsang, "A Simple Method for Generating Gamma Variables", ACM TOMS 2000 (the
//     Beta sampler).
package augment
