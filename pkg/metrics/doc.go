// Package metrics computes classification and detection scores that agree with scikit-learn 1.2 and
// pycocotools 2.0 to the last printed digit: confusion matrices, precision, recall, F1, curves, AP and
// the twelve COCO summary numbers.
//
// # Conventions
//
// Classification:
//   - Labels are strings. The sorted label order (used for matrix rows and columns and report rows)
//     is numeric when every label parses as a base-10 integer, otherwise byte-wise lexicographic;
//     this is the order scikit-learn's unique_labels gives for integer or string arrays.
//   - Confusion-matrix rows are true labels, columns are predicted labels (scikit-learn's layout).
//     The matrix is dense; more than [MaxLabels] labels is an error, returned before allocating.
//   - Precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN). A zero denominator gives the
//     value chosen by [ZeroDivision]: 0 with a warning flag (the default, scikit-learn's "warn"), 0,
//     1, or NaN; NaN values are left out of macro and weighted averages (scikit-learn 1.3 semantics).
//   - Curves sort scores in decreasing order and merge tied scores into one point, as scikit-learn's
//     _binary_clf_curve does; [ROCCurve] drops collinear points (drop_intermediate=True) and its first
//     threshold is the largest score plus 1 (scikit-learn 1.2; 1.3 and later use +Inf).
//
// Detection:
//   - Boxes are COCO [x, y, width, height] in pixels, origin top-left, float64, with no "+1 pixel"
//     convention (the PASCAL VOC devkit added 1 to widths and heights; COCO and this package do not).
//   - IoU of a detection d with a ground truth g is area(d∩g)/area(d∪g); for a crowd ground truth
//     the union is area(d) alone, as pycocotools' bbIou computes it. Non-overlapping boxes give 0.
//   - A detection matches a ground truth when IoU >= threshold (never >). Detections are processed in
//     decreasing score order; tied scores keep their input order (a stable sort, as pycocotools'
//     np.argsort(-scores, kind='mergesort')). Each detection takes the still-unmatched, non-ignored
//     ground truth with the largest IoU (on equal IoU the later one in file order); if none is left it
//     may take an ignored (crowd or out-of-area-range) one, which can be matched any number of times,
//     and a detection matched to an ignored ground truth counts as neither true nor false positive.
//   - COCO area ranges are all [0, 1e10], small [0, 32²], medium [32², 96²], large [96², 1e10], both
//     ends inclusive; a ground truth's area is its "area" field (its box area when the field is
//     missing), a detection's area is width×height.
//   - Categories with no non-ignored ground truth in a setting are left out of the mean (pycocotools
//     marks them -1); a summary number with nothing to average is -1.
//   - Input pycocotools would misread or drop without a word is an error: a null file or entry, an
//     annotation or detection for an unlisted image or category, a negative area or box side.
//
// # References
//
//   - scikit-learn 1.2 sklearn.metrics: confusion_matrix, precision_recall_fscore_support,
//     classification_report, precision_recall_curve, roc_curve.
//   - pycocotools 2.0 (cocodataset/cocoapi), PythonAPI/pycocotools/cocoeval.py and maskApi.c bbIou.
//   - M. Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 2010: 11-point
//     interpolated AP (VOC2007) and the area under the interpolated curve (VOC2010 and later).
//   - T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014: 101-point AP, IoU
//     thresholds 0.50:0.05:0.95, maxDets 1/10/100.
package metrics
