#!/usr/bin/python3
"""Writes sklearn_golden.json: classification numbers from scikit-learn (Debian python3-sklearn 1.2.1).

Run from this directory with Debian's interpreter:  /usr/bin/python3 gen_sklearn.py
The Go tests in ../classification_golden_test.go read the output; they never run Python.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (classification_report, confusion_matrix, precision_recall_curve,
                             precision_recall_fscore_support, roc_curve)

warnings.simplefilter("ignore", UndefinedMetricWarning)
rng = np.random.default_rng(20241126)


def labels_case(name, y_true, y_pred, zero_division="warn", pos_label=None):
    """One classification case; labels are strings as the Go package takes them."""
    y_true = [str(v) for v in y_true]
    y_pred = [str(v) for v in y_pred]
    # scikit-learn sorts integer labels numerically: give it ints when every label is an int.
    def conv(ys):
        try:
            return [int(v) for v in y_true + y_pred] and [int(v) for v in ys]
        except ValueError:
            return ys
    t, p = conv(y_true), conv(y_pred)
    labels = sorted(set(t) | set(p))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        per = precision_recall_fscore_support(t, p, average=None, zero_division=zero_division)
        warned = any(issubclass(w.category, UndefinedMetricWarning) for w in caught)
    out = {
        "name": name, "y_true": y_true, "y_pred": y_pred, "zero_division": str(zero_division),
        "labels": [str(l) for l in labels],
        "confusion_matrix": confusion_matrix(t, p, labels=labels).tolist(),
        "precision": per[0].tolist(), "recall": per[1].tolist(), "f1": per[2].tolist(),
        "support": per[3].tolist(), "warned": warned,
        "report_text": classification_report(t, p, zero_division=zero_division),
        "report_text_4": classification_report(t, p, digits=4, zero_division=zero_division),
        "report_dict": classification_report(t, p, output_dict=True, zero_division=zero_division),
    }
    for avg in ("macro", "micro", "weighted"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = precision_recall_fscore_support(t, p, average=avg, zero_division=zero_division)
        out[avg] = [float(a[0]), float(a[1]), float(a[2])]
    if pos_label is not None:
        pl = conv([str(pos_label)])[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = precision_recall_fscore_support(t, p, average="binary", pos_label=pl, zero_division=zero_division)
        out["pos_label"] = str(pos_label)
        out["binary"] = [float(b[0]), float(b[1]), float(b[2])]
    return out


def curve_case(name, y_true, scores):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, th = precision_recall_curve(y_true, scores)
        fpr, tpr, rth = roc_curve(y_true, scores)
    nan = lambda a: [None if np.isnan(v) else float(v) for v in a]
    return {"name": name, "y_true": [bool(v) for v in y_true], "scores": [float(s) for s in scores],
            "pr_precision": nan(p), "pr_recall": nan(r), "pr_thresholds": nan(th),
            "roc_fpr": nan(fpr), "roc_tpr": nan(tpr), "roc_thresholds": nan(rth)}


cases = [
    labels_case("binary ints", [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0], pos_label=1),
    labels_case("binary pos 0", [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0], pos_label=0),
    labels_case("sklearn doc strings", ["cat", "dog", "pig", "cat", "dog", "pig"],
                ["cat", "pig", "dog", "cat", "cat", "dog"]),
    labels_case("numeric order 2 < 10", [2, 10, 10, 2, 3, 3, 10], [2, 10, 3, 2, 3, 10, 10]),
    labels_case("never predicted warn", [0, 1, 2, 2, 1, 0], [0, 0, 2, 2, 0, 0]),
    labels_case("never predicted zd0", [0, 1, 2, 2, 1, 0], [0, 0, 2, 2, 0, 0], zero_division=0),
    labels_case("never predicted zd1", [0, 1, 2, 2, 1, 0], [0, 0, 2, 2, 0, 0], zero_division=1),
    labels_case("predicted not present zd1", [0, 0, 1, 1], [0, 2, 1, 1], zero_division=1),
    labels_case("all correct", ["a", "b", "c", "a"], ["a", "b", "c", "a"]),
    labels_case("rare positive all negative", [1] + [0] * 999, [0] * 1000, pos_label=1),
    labels_case("one label", ["x", "x", "x"], ["x", "x", "x"], pos_label="x"),
    labels_case("rounding ties 1/8", [0] * 8 + [1] * 8, [0] + [1] * 7 + [1] * 8),
    labels_case("random 10 classes", list(rng.integers(0, 10, 500)), list(rng.integers(0, 10, 500))),
    labels_case("random 3 classes skewed", list(rng.choice(3, 300, p=[.8, .15, .05])),
                list(rng.choice(3, 300, p=[.6, .3, .1]))),
]

scores = rng.random(200)
y = rng.random(200) < scores
curves = [
    curve_case("sklearn doc", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
    curve_case("ties", [1, 0, 1, 1, 0, 0, 1, 0], [0.9, 0.9, 0.5, 0.5, 0.5, 0.2, 0.2, 0.1]),
    curve_case("all positive", [1, 1, 1], [0.3, 0.2, 0.1]),
    curve_case("all negative", [0, 0, 0], [0.3, 0.2, 0.1]),
    curve_case("random 200", [bool(v) for v in y], [round(float(s), 3) for s in scores]),
]

with open("sklearn_golden.json", "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "classification": cases, "curves": curves}, f, indent=1)
print("wrote sklearn_golden.json with scikit-learn", sklearn.__version__)
