// Package vgg is the course's VGG lesson: depth as the variable under study, with every
// convolution 3x3. It trains VGG networks of several depths on Fashion-MNIST (in the full preset the
// paper's configurations A, B, D, E, i.e. VGG-11, 13, 16, 19, narrowed and with BatchNorm; in the
// quick preset a smaller ladder deepened by the same rule, 1 to 3 convolutions per stage) and
// measures test accuracy against depth; it counts the weights of stacked 3x3 convolutions against one 5x5 or 7x7 (18C^2 vs
// 25C^2, 27C^2 vs 49C^2), and tabulates how the receptive field grows through VGG-16.
//
// What to watch for: the stacked 3x3 layers see as far as a big kernel with fewer weights and more
// non-linearities; depth buys accuracy up to a point, and each extra layer costs time.
//
// # Conventions
//
// Fashion-MNIST's 28x28 images are centred in 32x32 so that VGG's five 2x2 poolings fit (32 -> 1).
// Networks are torchvision's vgg*_bn layouts with the channel widths multiplied by Config.Width and a
// smaller classifier, or, with Config.StageWidths, stages of equally many 3x3 convolutions. BatchNorm is used because deep VGGs without it do not train from scratch with
// a plain initialization (the paper initialized its deeper nets from the trained configuration A).
// Accuracy is measured on the test split (or a fixed subset of it) in evaluation mode.
//
// # References
//
//   - K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
//     Recognition", ICLR 2015, arXiv:1409.1556: Table 1 (configurations), section 2.3 (stacked 3x3).
//     VGG was second in ILSVRC-2014 classification (7.3% top-5 error; GoogLeNet won with 6.7%) and
//     won the localization task.
//   - H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST", arXiv:1708.07747.
//   - A. Zhang et al., Dive into Deep Learning, section 8.2 (VGG on Fashion-MNIST).
package vgg
