// Package metrics is the course's confusion-matrix lesson: accuracy, precision, recall and F1 on a
// Fashion-MNIST classifier, why accuracy misleads when positives are rare, and how precision and
// recall trade off as a decision threshold moves.
//
// Goal: read a confusion matrix (rows = true class, columns = predicted class) and the per-class
// scores computed from it. What to watch for: (1) a model that always answers "negative" scores
// 99.999% accuracy when 1 case in 100,000 is positive, yet finds none of them (recall 0);
// (2) the classes the network confuses (shirt, T-shirt/top, pullover, coat) sit off the diagonal
// together and have the lowest F1; (3) raising the threshold on "is it a shirt?" buys precision
// with recall, and F1, their harmonic mean, peaks in between.
//
// # Conventions
//
// Scores follow pkg/metrics, which agrees with scikit-learn 1.2: precision TP/(TP+FP), recall
// TP/(TP+FN), F1 = 2PR/(P+R); an undefined precision (nothing predicted positive) is 0 with a
// warning flag. The classifier is a dense network 784 -> Hidden (ReLU) -> 10 trained with Adam
// on cross-entropy over minibatches drawn with the configured seed; images are 28x28x1 float32
// in [0, 1]. The threshold sweep scores each test image by the softmax probability of the chosen
// class and predicts "positive" when the probability >= threshold; each sweep point keeps its 2x2
// confusion matrix, which Report.ThresholdView draws for the notebook's threshold slider.
//
// # References
//
//   - H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
//     Machine Learning Algorithms", arXiv:1708.07747, 2017.
//   - scikit-learn 1.2 classification_report and precision_recall_curve.
//   - The study note's section 7 (confusion-matrix metrics; a disease with 0.001% prevalence).
package metrics
