#!/usr/bin/python3
"""Reference side of the linear-model parity check (scripts/parity/linear.ts drives it).

    /usr/bin/python3 scripts/parity/linear.py DIR REPEATS

reads DIR/train.svm, DIR/val.svm, DIR/test.svm (svmlight, label 1 = anomaly, 1-based indices) and
DIR/meta.json ({"n_features": p}), fits scikit-learn's LogisticRegression(lbfgs) and LinearSVC
variants with their defaults (except max_iter=1000 for LogisticRegression and the variant's
class_weight / loss), and prints JSON to stdout: per variant the coefficients, intercept, scores
(decision_function) on val and test, iterations, and the best-of-REPEATS wall and CPU time (all
threads of the process) of fit + scoring val and test. Loading the files is not timed.
"""

import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_svmlight_file
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def main() -> None:
    folder, repeats = sys.argv[1], int(sys.argv[2])
    with open(f"{folder}/meta.json", encoding="utf8") as f:
        n_features = json.load(f)["n_features"]
    parts = {}
    for part in ("train", "val", "test"):
        x, y = load_svmlight_file(f"{folder}/{part}.svm", n_features=n_features, dtype=np.float64)
        parts[part] = (x.tocsr(), y.astype(np.int64))
    variants = {
        "lr": lambda: LogisticRegression(C=1.0, penalty="l2", solver="lbfgs", max_iter=1000),
        "lr_balanced": lambda: LogisticRegression(
            C=1.0, penalty="l2", solver="lbfgs", max_iter=1000, class_weight="balanced"
        ),
        "svm_squared_hinge": lambda: LinearSVC(C=1.0, loss="squared_hinge", random_state=0),
        "svm_hinge": lambda: LinearSVC(C=1.0, loss="hinge", random_state=0, max_iter=1000),
    }
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "variants": {}}
    x_tr, y_tr = parts["train"]
    for name, make in variants.items():
        best = float("inf")
        best_cpu = float("inf")
        model = None
        for _ in range(repeats):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t0 = time.perf_counter()
                c0 = time.process_time()
                model = make().fit(x_tr, y_tr)
                val = model.decision_function(parts["val"][0])
                test = model.decision_function(parts["test"][0])
                best = min(best, time.perf_counter() - t0)
                best_cpu = min(best_cpu, time.process_time() - c0)
        n_iter = np.asarray(model.n_iter_).ravel()
        out["variants"][name] = {
            "coef": model.coef_.ravel().tolist(),
            "intercept": float(np.ravel(model.intercept_)[0]),
            "val": val.tolist(),
            "test": test.tolist(),
            "n_iter": int(n_iter.max()),
            "seconds": best,
            "cpu_seconds": best_cpu,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
