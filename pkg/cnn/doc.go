// Package cnn builds the course's convolutional networks (VGG, ResNet, EfficientNet-Lite0, the study
// note's Conv and ResConv mini-nets, a small MNIST CNN) from ordinary GoMLX layers and trains them
// with a small, explicit training harness.
//
// # Conventions
//
// Images are float32 in [0, 1], shaped [batch, height, width, channels] (NHWC, GoMLX's default). A
// model is a [ModelFn]: it takes the images and returns logits [batch, classes]; labels are class
// indices. Models run on any GoMLX backend (the pure-Go one from pkg/backend, or XLA).
//
// Variable scopes mirror torchvision's module paths, so that a torchvision state dict maps onto a
// model name by name. GoMLX layers add one sub-scope of their own ("conv", "batch_normalization",
// "dense"), which the mapping must insert:
//
//	torchvision                      GoMLX variable (scope/name)                  layout
//	features.0.weight  (Conv2d)      /features/0/conv/weights                     [kh, kw, in, out] (torch: [out, in, kh, kw])
//	features.0.bias                  /features/0/conv/biases                      [out]
//	features.1.weight  (BatchNorm)   /features/1/batch_normalization/scale        [c]
//	features.1.bias                  /features/1/batch_normalization/offset       [c]
//	features.1.running_mean          /features/1/batch_normalization/mean         [c]
//	features.1.running_var           /features/1/batch_normalization/variance     [c]
//	classifier.0.weight (Linear)     /classifier/0/dense/weights                  [in, out] (torch: [out, in])
//	classifier.0.bias                /classifier/0/dense/biases                   [out]
//
// VGG: "features/<i>" is the i-th module of torchvision's features Sequential (convolutions and,
// with BatchNorm, the BatchNorm2d at their torchvision indices; ReLU and MaxPool have no variables);
// "classifier/0", "classifier/3", "classifier/6" are the three Linear layers. Because GoMLX flattens
// NHWC feature maps in (h, w, c) order while torchvision flattens NCHW in (c, h, w) order, the rows of
// classifier/0's weights must be permuted from (c, h, w) to (h, w, c) when importing.
//
// ResNet: "conv1", "bn1", "layer<k>/<j>/conv1|bn1|conv2|bn2|conv3|bn3",
// "layer<k>/<j>/downsample/0" (1x1 projection convolution) and "layer<k>/<j>/downsample/1" (its
// BatchNorm), and "fc". ResNet convolutions have no bias, as in torchvision. BatchNorm uses PyTorch's
// epsilon 1e-5 and momentum (GoMLX's 0.9 equals PyTorch's momentum=0.1); its "avg_weight" variable
// has no torchvision counterpart (ImportStateDict sets it to at least 1e6: see pretrainedBatchCount).
//
// Convolutions pad like torchvision (3x3 with padding 1, 7x7 stride 2 with padding 3, 1x1 with
// none): stride-1 convolutions use GoMLX's PadSame, which is symmetric for odd kernels; strided ones
// pad explicitly on both sides, so imported weights see exactly the same pixels.
//
// The training harness ([Train]) runs a plain loop: shuffled mini-batches (a seeded *rand.Rand),
// the optimizer update built into the training graph, host-side learning-rate schedules, per-epoch
// train/validation loss and accuracy, and an error as soon as the loss is NaN or infinite. It
// checks every hyperparameter before the first step ([TrainConfig.Check]: finite, positive where
// it must be, representable in float32), and every variable at the end of each epoch, so that a
// diverged run stops with [ErrDiverged] instead of saving NaN or infinite weights over the last
// good checkpoint. Checkpoints ([SaveCheckpoint]) are written to a temporary file and renamed,
// carry a SHA-256 of their content, and never hold a NaN or an infinity. These checks only read
// values: training with a given seed stays bit-identical.
//
// # References
//
//   - K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition",
//     ICLR 2015, arXiv:1409.1556 (configurations A, B, D, E; Table 1).
//   - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
//     arXiv:1512.03385 (ImageNet ResNets, Table 1; CIFAR 6n+2 nets, section 4.2; shortcut options A/B).
//   - S. Ioffe, C. Szegedy, "Batch Normalization", ICML 2015, arXiv:1502.03167.
//   - torchvision 0.14 models/vgg.py and models/resnet.py (module names and paddings).
//   - M. Tan, Q. V. Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks",
//     ICML 2019, arXiv:1905.11946; EfficientNet-Lite from tensorflow/tpu
//     models/official/efficientnet/lite; module names and "SAME" padding of efficientnet_lite_pytorch
//     0.1.0 (see EfficientNetLite).
//   - PyTorch 1.13 torch.optim.SGD (momentum: v = mu*v + g; w -= lr*v) and torch.optim.Adam.
package cnn
