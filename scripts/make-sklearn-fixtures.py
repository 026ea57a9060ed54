#!/usr/bin/python3
"""Writes test/eval/fixtures/sklearn-metrics.json: reference values for splits/eval.

Run with Debian's python (apt-get install python3-sklearn python3-scipy):

    /usr/bin/python3 scripts/make-sklearn-fixtures.py

It then formats the file with the repository's biome (npx biome format --write), so the committed
fixture is byte-for-byte what the script produces and `biome check` stays clean.

Every case is drawn from a seeded numpy Generator, so rerunning gives the same file (for the same
numpy / scikit-learn / scipy versions, recorded in the output).

Where the reference comes from:
- f1, precision, recall, accuracy: sklearn.metrics *_score(y, scores >= threshold, zero_division=0)
- auc_roc: sklearn.metrics.roc_auc_score; auc_pr: sklearn.metrics.average_precision_score
- fpr_at_alpha: sklearn.metrics.roc_curve(drop_intermediate=False), FPR at the first threshold
  (highest first) whose TPR >= alpha
- max-F1 threshold: sklearn f1_score at every distinct score, best F1, ties -> higher threshold
- contamination threshold: np.quantile(scores, 1 - contamination) (numpy's default, type 7)
- precision_at_k (no sklearn equivalent): our tie-averaged definition, computed per item with
  numpy as a different formula from the TypeScript one (item weight = share of its tie group
  that fits in the top k)
- psi: numpy quantile cut points + np.searchsorted binning, the definition in splits/eval/drift.ts
- wilcoxon: scipy.stats.wilcoxon on the non-zero differences, method='exact' when there are
  <= 50 of them and no tied |differences|, else method='approx' with correction=True

Where our definition says "undefined" the fixture holds null (read as NaN): recall, auc_pr and
fpr_at_alpha with no positives (sklearn: 0, -0.0, nan), auc_roc with one class (sklearn raises).
"""

import json
import pathlib
import subprocess
import warnings

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "eval" / "fixtures" / "sklearn-metrics.json"
ALPHA = 0.9
CONTAMINATION = 0.1


def num(x):
    """A JSON number, or null for NaN (our 'undefined')."""
    x = float(x)
    return None if np.isnan(x) else x


def max_f1_threshold(scores, labels):
    if labels.sum() == 0:
        return float("inf"), 0.0
    best, best_t = -1.0, None
    # Highest threshold first; only a clearly larger F1 moves the choice, so equal F1 values (which
    # sklearn's p·r/(p+r) may round 1 ulp apart) keep the higher threshold, as the rule says.
    for t in np.unique(scores)[::-1]:
        f = f1_score(labels, scores >= t, zero_division=0)
        if f > best + 1e-12:
            best, best_t = f, float(t)
    return best_t, best


def precision_at_k(scores, labels, k):
    k = min(k, len(scores))
    if k == 0:
        return float("nan")
    above = np.array([(scores > s).sum() for s in scores])
    size = np.array([(scores == s).sum() for s in scores])
    weight = np.clip((k - above) / size, 0.0, 1.0)
    return float((weight * labels).sum() / k)


def fpr_at_alpha(scores, labels, alpha):
    if labels.sum() == 0 or labels.sum() == len(labels):
        return float("nan")
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    return float(fpr[np.argmax(tpr >= alpha)])


def metric_case(name, scores, labels, threshold=None):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.uint8)
    t_best, f1_best = max_f1_threshold(scores, labels)
    t = t_best if threshold is None else threshold
    pred = scores >= t
    pos, n = int(labels.sum()), len(labels)
    one_class = pos == 0 or pos == n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {
            "f1": f1_score(labels, pred, zero_division=0),
            "precision": precision_score(labels, pred, zero_division=0),
            "recall": float("nan") if pos == 0 else recall_score(labels, pred, zero_division=0),
            "accuracy": accuracy_score(labels, pred),
            "auc_roc": float("nan") if one_class else roc_auc_score(labels, scores),
            "auc_pr": float("nan") if pos == 0 else average_precision_score(labels, scores),
            "precision_at_k": precision_at_k(scores, labels, pos),
            "fpr_at_alpha": fpr_at_alpha(scores, labels, ALPHA),
            "tp": int((pred & (labels == 1)).sum()),
            "fp": int((pred & (labels == 0)).sum()),
            "tn": int((~pred & (labels == 0)).sum()),
            "fn": int((~pred & (labels == 1)).sum()),
            "threshold": t,
        }
    return {
        "name": name,
        "scores": scores.tolist(),
        "labels": labels.tolist(),
        "threshold": num(t) if np.isfinite(t) else None,
        "alpha": ALPHA,
        "contamination": CONTAMINATION,
        "expected": {key: num(v) for key, v in expected.items()},
        "maxF1": {"threshold": num(t_best) if np.isfinite(t_best) else None, "f1": f1_best},
        "contaminationThreshold": float(np.quantile(scores, 1 - CONTAMINATION)),
    }


def metric_cases():
    rng = np.random.default_rng(20240611)
    cases = []
    # Small, balanced, continuous scores.
    y = rng.integers(0, 2, 20)
    cases.append(metric_case("n20-balanced", rng.normal(0, 1, 20) + y, y))
    # Imbalanced (about 10 % anomalies), separated but overlapping.
    y = (rng.random(200) < 0.1).astype(np.uint8)
    cases.append(metric_case("n200-imbalanced", rng.normal(0, 1, 200) + 1.5 * y, y))
    # Heavy ties: scores on a coarse grid, plus a threshold that is itself a tied score.
    y = (rng.random(500) < 0.3).astype(np.uint8)
    s = np.round(rng.normal(0, 1, 500) + y, 1)
    cases.append(metric_case("n500-ties-grid", s, y, threshold=float(np.sort(s)[400])))
    # Large and rare: 3 % anomalies.
    y = (rng.random(2000) < 0.03).astype(np.uint8)
    cases.append(metric_case("n2000-rare", rng.exponential(1, 2000) + 2 * y * rng.random(2000), y))
    # Large, balanced, only 21 distinct integer scores.
    y = rng.integers(0, 2, 2000)
    cases.append(metric_case("n2000-integer-ties", rng.integers(0, 15, 2000) + 6 * y, y))
    # One class only: no anomalies, then only anomalies.
    cases.append(metric_case("n50-no-positives", rng.random(50), np.zeros(50, dtype=np.uint8), threshold=0.5))
    cases.append(metric_case("n30-all-positives", rng.random(30), np.ones(30, dtype=np.uint8), threshold=0.5))
    # All scores equal, mixed labels.
    cases.append(metric_case("n100-all-equal", np.full(100, 0.25), (rng.random(100) < 0.2).astype(np.uint8)))
    # A threshold above every score: nothing predicted, precision and f1 by zero_division=0.
    y = rng.integers(0, 2, 60)
    cases.append(metric_case("n60-predict-nothing", rng.random(60) + y, y, threshold=5.0))
    return cases


def wilcoxon_case(name, a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = a - b
    nz = d[d != 0]
    ties = len(np.unique(np.abs(nz))) < len(nz)
    exact = len(nz) <= 50 and not ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exact:
            res = scipy.stats.wilcoxon(nz, method="exact")
        else:
            res = scipy.stats.wilcoxon(nz, correction=True, method="approx")
    return {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "expected": {
            "statistic": float(res.statistic),
            "pValue": float(res.pvalue),
            "n": int(len(nz)),
            "method": "exact" if exact else "normal",
        },
    }


def wilcoxon_cases():
    rng = np.random.default_rng(7)
    cases = []
    a = rng.random(10)
    cases.append(wilcoxon_case("n10-exact", a, a - 0.05 + 0.1 * rng.random(10)))
    a = rng.random(20)
    cases.append(wilcoxon_case("n20-exact-shifted", a + 0.08, a + 0.1 * rng.random(20)))
    a = rng.random(40)
    cases.append(wilcoxon_case("n40-exact", a, a + 0.02 * rng.normal(size=40)))
    a = np.round(rng.random(15), 2)
    cases.append(wilcoxon_case("n15-ties-normal", a, np.round(a + rng.integers(-3, 5, 15) / 100, 2)))
    a = rng.random(60)
    cases.append(wilcoxon_case("n60-normal", a, a - 0.01 + 0.05 * rng.normal(size=60)))
    a = rng.integers(0, 10, 30).astype(np.float64)
    cases.append(wilcoxon_case("n30-zeros-and-ties", a, a + rng.integers(-2, 4, 30)))
    a = np.arange(8, dtype=np.float64)
    cases.append(wilcoxon_case("n8-two-zeros-exact", a, a + np.array([0, 0.5, -1.25, 2, 0, 3.5, 4.75, -6])))
    return cases


def psi_value(expected, actual, bins=10, epsilon=1e-4):
    cuts = []
    for i in range(1, bins):
        q = float(np.quantile(expected, i / bins))
        if not cuts or q > cuts[-1]:
            cuts.append(q)
    e = np.bincount(np.searchsorted(cuts, expected, side="left"), minlength=len(cuts) + 1) / len(expected)
    a = np.bincount(np.searchsorted(cuts, actual, side="left"), minlength=len(cuts) + 1) / len(actual)
    e, a = np.maximum(e, epsilon), np.maximum(a, epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_cases():
    rng = np.random.default_rng(11)
    cases = []
    for name, exp, act in [
        ("same-distribution", rng.normal(0, 1, 1000), rng.normal(0, 1, 800)),
        ("shifted", rng.normal(0, 1, 1000), rng.normal(0.5, 1.2, 700)),
        ("tied-expected", np.round(rng.exponential(1, 500)), rng.exponential(1.5, 300)),
    ]:
        cases.append({"name": name, "expected": exp.tolist(), "actual": act.tolist(), "psi": psi_value(exp, act)})
    return cases


def main():
    fixture = {
        "generator": "scripts/make-sklearn-fixtures.py",
        "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "scipy": scipy.__version__},
        "metrics": metric_cases(),
        "wilcoxon": wilcoxon_cases(),
        "psi": psi_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, allow_nan=False) + "\n")
    root = OUT.parent.parent.parent.parent
    subprocess.run(["npx", "biome", "format", "--write", str(OUT.relative_to(root))], cwd=root, check=True)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
