// Package augment is the data-augmentation lesson: it shows what each torchvision-style transform
// of pkg/augment does to a real photo, what CutMix, MixUp and Mosaic produce (with their mixed
// labels and remapped boxes), and measures how much random crops and flips help a small CNN that
// learns Fashion-MNIST from only a few hundred images.
//
// # Conventions
//
// The photo figures use the first training photos of hymenoptera_data (ants and bees, the note's
// transfer-learning set) resized so that the shorter side is 256 pixels, then cropped to 160; when the
// set is missing they use Fashion-MNIST images and Report.Photos says so. The transform rows are the
// note's training crop (RandomResizedCrop, scale 0.5-1), a horizontal flip with p = 0.5, ColorJitter
// (0.4, 0.4, 0.4, 0.1) and the note's crop + flip pipeline (normalisation left out so colours show).
//
// The experiment is a controlled comparison: the same network (Model), initial weights, optimiser
// (Adam), batch size and number of steps, trained once on the TrainSize original images and once on
// Views augmented copies of each (RandomResizedCrop(28, scale 0.6-1) + horizontal flip, drawn once
// before training with pkg/augment's per-sample random sources: "offline" augmentation, a fixed pool
// of views rather than fresh ones every epoch). Both are measured on the first ValSize images of the
// Fashion-MNIST test split. What to watch: the baseline reaches 100% training accuracy quickly and its
// validation accuracy stalls (over-fitting); the augmented run fits its training data less perfectly
// and generalises better.
//
// Mosaic uses four 96x96 digit-detection images (datasets.DigitDetection), each resized to half of a
// 192x192 canvas as YOLOv5 does, with YOLOv5's box filter (sides > 2 pixels, > 10% of the area left).
//
// # References
//
//   - The study note, section 6 (data augmentation), and its transfer-learning recipe (section 5).
//   - torchvision 0.14 transforms; S. Yun et al., CutMix, ICCV 2019; H. Zhang et al., mixup, ICLR
//     2018; A. Bochkovskiy et al., YOLOv4, 2020 (see pkg/augment for details).
//   - H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST", 2017, arXiv:1708.07747.
package augment
