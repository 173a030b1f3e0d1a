// Package batchnorm is the course's BatchNorm lesson. It trains the same deep fully-connected
// network on Fashion-MNIST with and without batch normalization at a low and a high learning rate
// and counts the steps each needs to reach a target validation accuracy; it shows a batch's
// statistics before and after normalization; and it compares training mode (the batch's own mean
// and variance) with evaluation mode (running averages) on the same input.
//
// What to watch for: with BatchNorm the network reaches the target in fewer steps and keeps
// training at a learning rate where the plain network stalls or diverges (the paper reached the
// same ImageNet accuracy in 14 times fewer steps). In training mode an image's output depends on
// the other images in its batch; in evaluation mode it does not.
//
// # Conventions
//
// The network is cnn.MLP (flattened 28x28 images, Config.Hidden ReLU layers, each optionally
// followed by BatchNorm before the ReLU), trained with SGD and momentum. BatchNorm here uses
// PyTorch's epsilon (1e-5) and momentum (0.1). "Steps to target" is the first step, checked every
// Config.EvalEvery steps, at which accuracy on the validation subset (drawn from the test split) is
// >= Config.Target; -1 means never within Config.MaxSteps, and a NaN loss is reported as diverged.
//
// # References
//
//   - S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing
//     Internal Covariate Shift", ICML 2015, arXiv:1502.03167 (14x fewer steps: section 4.2).
//   - PyTorch 1.13 torch.nn.BatchNorm1d (train/eval behaviour, momentum and epsilon defaults).
package batchnorm
