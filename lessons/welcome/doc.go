// Package welcome is the course's first lesson: a two-layer dense network learns to separate the
// two half-moons of a synthetic 2-D data set, trained with GoMLX on the backend the course chose.
//
// Goal: see the whole loop once (data, model, loss, optimizer, steps, a loss curve, accuracy on
// points the model never saw) before the computer-vision lessons make each piece bigger. What to
// watch for: the loss falls fast in the first steps and then flattens; the test accuracy, not the
// training loss, says whether the model learned the shape of the moons.
//
// # Conventions
//
// Points are float32 (x, y) pairs in row-major [n, 2]; labels are 0 (upper moon) and 1 (lower
// moon). The model outputs one logit per point; a point is classified 1 when the logit is > 0
// (probability > 0.5). Loss is binary cross-entropy on the logit (GoMLX's
// losses.BinaryCrossentropyLogits), averaged over the batch; each step uses every training point.
//
// # References
//
//   - The two-moons data set follows scikit-learn 1.2's sklearn.datasets.make_moons (two
//     half-circles of radius 1, the second shifted by (1, 0.5), Gaussian noise).
//   - Adam: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
package welcome
