// Package bench measures the course's training throughput on the reference networks, for
// `cvlessons bench train` and bench/compare.sh, which runs PyTorch (bench/torch_reference.py) on the
// same nets side by side.
//
// # Conventions
//
// Each run trains on random images (fixed seed) with SGD, learning rate 0.01 and momentum 0.9, the
// batch size given, and reports images per second over the steps after the first epoch of two
// warm-up steps (which include graph compilation), and the process's peak resident memory
// (VmHWM from /proc/self/status) in MiB.
//
// Sizes are checked before anything is allocated, and errors name them by the flags of `cvlessons
// bench` (--batch, --steps, --epochs): steps in [1, MaxSteps], epochs in [1, MaxEpochs], and a
// batch of at most the 60,000 training images (MNIST, Fashion) whose planned memory (the data, the
// batch's host copies and, unless an accelerator holds them, cnn.ActivationBytes per image; computed
// without overflow) is at most MemoryLimit. Nothing is clamped.
//
// # References
//
//   - The three nets are specified in issue 3 and built by pkg/cnn: SmallCNN ("mnist-cnn"), CIFAR
//     ResNet-20 with projection shortcuts ("resnet20", He et al. 2016, section 4.2) and NarrowVGG11
//     ("vgg11-narrow").
package bench
