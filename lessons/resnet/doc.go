// Package resnet is the course's ResNet lesson: the degradation problem and the skip connection.
// It trains CIFAR-style networks (the ResNet paper's 6n+2 layers, section 4.2) on Fashion-MNIST at a
// shallow and a deep depth, each as a plain net and as its residual twin (same layers, plus f(x) + x
// shortcuts), and compares their training-loss curves; it also measures each layer's gradient norm
// at initialization and after training.
//
// What to watch for: the deep plain net trains worse than the shallow plain net (its training loss,
// not only its test error, is higher, so this is not over-fitting), while the deep residual net
// trains at least as well as the shallow one. The plain nets here already use BatchNorm, and their
// gradients do not vanish at initialization; the ResNet paper argues exactly that the degradation is
// "unlikely to be caused by vanishing gradients" and is an optimization difficulty. The "gradient
// highway" view (an identity path carries the signal and its gradient unchanged) comes from the
// follow-up paper on identity mappings. The study note attributes degradation to vanishing gradients;
// the lesson shows both views and the measurements.
//
// # Conventions
//
// Images are Fashion-MNIST centred in 32x32 (the quick preset averages them down to 16x16). The networks are cnn.NewCIFARResNet at a reduced width
// (Config.Widths) with zero-padding (option A) shortcuts, so plain and residual twins have exactly
// the same parameters. The final training loss is the cross-entropy after training on the first
// Config.TrainEvalN training images, in evaluation mode. Gradient norms are L2 norms of the loss gradient per convolution (and the final
// linear layer), on one batch in training mode.
//
// # References
//
//   - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
//     arXiv:1512.03385: Figure 1 (20- vs 56-layer plain nets on CIFAR-10), section 4.1 (the
//     vanishing-gradient argument), section 4.2 (6n+2 CIFAR nets, option A). ResNet won ILSVRC 2015
//     classification with 3.57% top-5 error (an ensemble).
//   - K. He, X. Zhang, S. Ren, J. Sun, "Identity Mappings in Deep Residual Networks", ECCV 2016,
//     arXiv:1603.05027.
package resnet
