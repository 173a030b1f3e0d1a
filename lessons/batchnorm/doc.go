// Package batchnorm is the course's BatchNorm lesson. It trains the same deep fully-connected
// network on Fashion-MNIST with and without batch normalization at a low and a high learning rate
// and counts the steps each needs to reach a target validation accuracy; it shows a layer's
// statistics on one batch before and after normalization, at initialization and in the trained
// network; and it compares training mode (the batch's own mean and variance) with evaluation mode
// (running averages) on the same input.
//
// What to watch for: at the high learning rate the network with BatchNorm reaches the target
// quickly while the plain one stalls (or diverges), so BatchNorm plus a higher rate gets there in
// fewer steps than the best plain run. At the same low rate the gain is small and not on every seed.
// In training mode an image's output depends on the other images in its batch; in evaluation mode
// it does not, because the running averages replace the batch's statistics.
//
// What the experiment does not show: the paper's scale (ImageNet, Inception, 14 times fewer steps),
// or why BatchNorm helps. The paper's explanation, reducing "internal covariate shift", is debated;
// Santurkar et al. (2018) argue it smooths the loss landscape instead. The runs are short and small,
// so their step counts vary from seed to seed (the test's comments list seeds 1-5).
//
// # Conventions
//
// The network is cnn.MLP (flattened 28x28 images, Config.Hidden ReLU layers, each optionally
// followed by BatchNorm before the ReLU), trained with SGD and momentum. BatchNorm here uses
// PyTorch's epsilon (1e-5) and momentum (0.1). "Steps to target" is the first step, checked every
// Config.EvalEvery steps, at which accuracy on the validation subset (drawn from the test split) is
// >= Config.Target; -1 means never within Config.MaxSteps, and a NaN loss is reported as diverged.
// Statistics are per feature (the "channel" of a dense layer) over the batch, with the population
// standard deviation, as BatchNorm computes them.
//
// # References
//
//   - S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing
//     Internal Covariate Shift", ICML 2015, arXiv:1502.03167. Abstract: the same accuracy on
//     ImageNet classification with 14 times fewer training steps; section 4.2.2: that was BN-x5
//     (BatchNorm with a 5 times higher learning rate, among other changes) reaching Inception's
//     accuracy. Section 3.1: training mode normalizes with the batch's statistics, inference with
//     population estimates (moving averages).
//   - S. Santurkar, D. Tsipras, A. Ilyas, A. Madry, "How Does Batch Normalization Help
//     Optimization?", NeurIPS 2018, arXiv:1805.11604.
//   - PyTorch 1.13 torch.nn.BatchNorm1d (train/eval behaviour, momentum and epsilon defaults).
package batchnorm
