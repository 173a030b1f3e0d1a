// Package exercise checks the course's notebook exercises: the student writes a small function in a
// notebook cell and passes it to a Check function, which runs it on a fixed set of cases and says
// either "all 50 cases pass" or which case failed first, with the call, the answer and the expected
// answer, like the in-notebook checks of Stanford's CS231n assignments, offline.
//
// Why: a notebook a student only reads teaches less than one where they write the key lines and get an
// immediate, precise answer. A check that names the failing input ("case 2: IoU({0 0 2 2}, {3 3 5 5})
// = 0.142857, want 0") lets them find the bug themselves, and a known mistake (no clamping, >= where
// the convention is >, precision and recall swapped) is named in a hint.
//
// Each exercise has a name, a reference answer (the course's tested code where it has one: [detect.IoU],
// [detect.NMS], [metrics.AP], [detect.YOLOGrid.Encode], [augment.RandomHorizontalFlip], scikit-learn-checked
// [metrics.ConfusionMatrix]; otherwise a short unexported function in the exercise's file), a list of
// cases (hand-picked ones first, for the conventions and edge cases, then random ones from a fixed seed,
// so every run and every student sees the same cases), and a Check function:
//
//	CheckBinaryCrossEntropy  notebook 00  binary cross-entropy of a logit and a 0/1 label
//	CheckGradientStep        notebook 00  one gradient-descent step, w − lr·grad
//	CheckStackWeights        notebook 01  weights of n 3x3 convolutions vs one (2n+1)x(2n+1)
//	CheckReceptiveField      notebook 01  a stack of convolutions and poolings
//	CheckConvOutput          notebook 02  a convolution's output size, ⌊(n + 2p − k)/s⌋ + 1
//	CheckResidual            notebook 02  y = relu(W2·relu(W1·x) + x)
//	CheckBatchNorm           notebook 03  training-mode batch normalization
//	CheckBatchNormEval       notebook 03  evaluation-mode batch normalization (running statistics)
//	CheckCrossEntropy        notebook 04  softmax cross-entropy of logits
//	CheckSoftmax             notebook 04  class probabilities of logits
//	CheckFlipBox             notebook 05  a box after a horizontal flip
//	CheckCutMixLabel         notebook 05  the mixed label of CutMix
//	CheckBinaryScores        notebook 06  confusion matrix, precision, recall, F1
//	CheckMacroF1             notebook 06  macro-averaged F1 of a multi-class confusion matrix
//	CheckIoU                 notebook 07  intersection over union of two boxes
//	CheckNMS                 notebook 07  greedy non-maximum suppression
//	CheckAP                  notebook 07  all-point average precision from a PR curve
//	CheckYOLOTarget          notebook 08  YOLO v1's training target for one box
//	CheckYOLOBox             notebook 08  a YOLO v1 cell's prediction decoded to a box
//
// # Conventions
//
// A check never fails the notebook cell: an unfinished exercise (a stub returning zero values) or a
// student function that panics gives a [Result] that prints as "not yet: case 1: ...", so a notebook
// with its exercises unsolved still runs headless in CI. Print the result: fmt.Println(CheckIoU(iou)).
//
// Cases are numbered from 1. The student's function gets fresh copies of each case's inputs, so one
// that modifies its arguments cannot change the expected answer. Floating-point answers are compared
// with a tolerance (stated in each Check's documentation), so float64 arithmetic passes where the
// reference uses float32. The conventions are the course's: boxes are [detect.Box] (pixels, no +1),
// NMS suppresses IoU > threshold, precision or recall with a zero denominator is 0 (scikit-learn's
// default), and so on; each Check's documentation states the ones it tests.
//
// Plain Go over slices: no exercise needs GoMLX.
//
// # References
//
//   - Stanford CS231n assignments (cs231n.github.io): in-notebook checks against reference values.
//   - The sources of each exercise's convention are cited in its Check's documentation.
package exercise
