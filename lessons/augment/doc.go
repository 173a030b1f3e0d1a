// Package augment is the data-augmentation lesson: it shows what each torchvision-style transform
// of pkg/augment does to a real photo, what CutMix, MixUp and Mosaic produce (with their mixed
// labels and remapped boxes), and measures how much random shifts help a small CNN that learns MNIST
// digits from only a few hundred images.
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
// (Adam), batch size and number of steps, trained once on the TrainSize original MNIST images and once
// on Views augmented copies of each (RandomCrop(28, padding 2): shifts of up to 2 pixels; no flip,
// since a mirrored digit is another symbol), drawn once before training with pkg/augment's per-sample
// random sources ("offline" augmentation: a fixed pool of views rather than fresh ones every epoch).
// Both are measured on the first ValSize images of the MNIST test split. What to watch: the baseline
// reaches 100% training accuracy quickly and its validation accuracy stalls (over-fitting); the
// augmented run generalises better.
//
// Fashion-MNIST was tried first and is a counter-example worth knowing: its garments are centred and
// aligned the same way, and with this same code (500 images, batch 32, Adam 0.001, 10 views, 1000
// test images; 2-core AMD EPYC, no GPU) augmentation lowered validation accuracy at equal steps:
// pad-2 crops + flips gave 79.7% against 82.3% without (800 steps), and RandomResizedCrop(28, scale
// 0.6-1) + flips 74.9% against 82.0% (500 steps). Augmentations must match the variation the test
// data has; the lesson therefore measures on digits, whose position in the frame varies.
//
// Mosaic uses four 96x96 digit-detection images (datasets.DigitDetection), each resized to half of a
// 192x192 canvas as YOLOv5 does, with YOLOv5's box filter (sides > 2 pixels, > 10% of the area left).
//
// # References
//
//   - The study note, section 6 (data augmentation), and its transfer-learning recipe (section 5).
//   - torchvision 0.14 transforms; S. Yun et al., CutMix, ICCV 2019; H. Zhang et al., mixup, ICLR
//     2018; A. Bochkovskiy et al., YOLOv4, 2020 (see pkg/augment for details).
//   - Y. LeCun, C. Cortes, C. Burges, the MNIST database.
package augment
