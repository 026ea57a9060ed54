#!/usr/bin/python3
"""Reference side of the registry parity check (scripts/parity/registry.ts drives it).

    /usr/bin/python3 scripts/parity/registry.py DIR REPEATS [SEEDS]

DIR holds one folder per feature set (words, trigrams, numeric) with train.svm, val.svm, test.svm
(svmlight, label 1 = anomaly) and meta.json ({"n_features": p, "seed": s}). For each variant it
fits the scikit-learn estimator the variant stands for (normal training rows only for the
novelty detectors), scores val and test (higher = more anomalous), and prints JSON: scores and
the best wall/CPU seconds of fit + scoring over REPEATS runs. Rarity and OOV have no scikit-learn estimator: a numpy
reference of the same definition stands in. Loading is not timed.

SEEDS (comma-separated integers, optional): the randomised variants (RANDOMISED) are also fitted
once per seed (untimed) and their val/test scores returned under "seeds", so the caller can compare
distributions over seeds, not one draw. For event_lsvm_words the seed only picks liblinear's row
order, which matters because on these raw counts neither side converges within max_iter.
"""

import json
import sys
import time
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_svmlight_file
from sklearn.ensemble import GradientBoostingClassifier, IsolationForest, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM, LinearSVC
from sklearn.tree import DecisionTreeClassifier


def rarity(xtr, xs):
    n = xtr.shape[0]
    df = np.asarray((xtr > 0).sum(axis=0)).ravel()
    p = np.where(df > 0, df / n, 1.0 / (n + 1))
    w = np.where(p < 0.01, (-np.log(p)) ** 3, 0.0)
    out = []
    for x in xs:
        present = (x > 0).astype(np.float64)
        distinct = np.asarray(present.sum(axis=1)).ravel()
        total = present @ w
        out.append(np.where(distinct > 0, total / np.maximum(distinct, 1), 0.0))
    return out


def oov(xtr_normal, xs):
    seen = np.asarray((xtr_normal > 0).sum(axis=0)).ravel() > 0
    return [np.asarray(((x > 0).astype(np.float64) @ (~seen).astype(np.float64))).ravel() for x in xs]


RANDOMISED = ("isolation_forest", "event_lsvm_words", "event_rf_words", "event_kmeans_words")


def variants(seed):
    return {
        "isolation_forest": ("words", True, lambda: IsolationForest(n_estimators=100, max_samples=256, random_state=seed), "neg_score_samples"),
        "event_lr_words": ("words", False, lambda: LogisticRegression(max_iter=1000), "decision_function"),
        "event_lsvm_words": ("words", False, lambda: LinearSVC(random_state=seed), "decision_function"),
        "event_dt_trigrams": ("trigrams", False, lambda: DecisionTreeClassifier(random_state=seed), "proba"),
        "event_rf_words": ("words", False, lambda: RandomForestClassifier(n_estimators=100, random_state=seed), "proba"),
        "event_xgb_words": ("words", False, lambda: GradientBoostingClassifier(n_estimators=100, max_depth=3, learning_rate=0.1, random_state=seed), "proba"),
        "event_lof_words": ("words", True, lambda: LocalOutlierFactor(n_neighbors=20, novelty=True), "neg_score_samples"),
        "event_oneclass_svm_words": ("words", True, lambda: OneClassSVM(nu=0.5, gamma="scale"), "neg_decision_function"),
        "event_kmeans_words": ("words", False, lambda: KMeans(n_clusters=8, n_init=3, random_state=seed), "min_distance"),
        "event_rarity_words": ("words", False, None, "rarity"),
        "event_oov_words": ("words", True, None, "oov"),
        "sequence_lr_numeric": ("numeric", False, lambda: LogisticRegression(max_iter=1000), "decision_function"),
        "sequence_lr_words": ("words", False, lambda: LogisticRegression(max_iter=1000), "decision_function"),
        "sequence_shap_lr_words": ("words", False, lambda: LogisticRegression(max_iter=1000), "decision_function"),
    }


def score(model, how, x):
    if how == "decision_function":
        return model.decision_function(x)
    if how == "neg_decision_function":
        return -model.decision_function(x)
    if how == "proba":
        return model.predict_proba(x)[:, 1]
    if how == "neg_score_samples":
        return -model.score_samples(x)
    if how == "min_distance":
        return model.transform(x).min(axis=1)
    raise ValueError(how)


def main() -> None:
    folder, repeats = sys.argv[1], int(sys.argv[2])
    seeds = [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 and sys.argv[3] else []
    data = {}
    for fs in ("words", "trigrams", "numeric"):
        with open(f"{folder}/{fs}/meta.json", encoding="utf8") as f:
            meta = json.load(f)
        parts = {}
        for part in ("train", "val", "test"):
            x, y = load_svmlight_file(f"{folder}/{fs}/{part}.svm", n_features=meta["n_features"])
            parts[part] = (x.tocsr(), y)
        data[fs] = parts
    seed = meta["seed"]
    out = {}
    warnings.simplefilter("ignore")
    for name, (fs, normal_only, make, how) in variants(seed).items():
        (xtr, ytr), (xva, _), (xte, _) = data[fs]["train"], data[fs]["val"], data[fs]["test"]
        fit_x = xtr[ytr == 0] if normal_only else xtr
        best_wall, best_cpu = float("inf"), float("inf")
        for _ in range(repeats):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            if how == "rarity":
                sva, ste = rarity(fit_x, [xva, xte])
            elif how == "oov":
                sva, ste = oov(fit_x, [xva, xte])
            else:
                model = make()
                model.fit(fit_x, None if normal_only or how == "min_distance" else ytr)
                sva = score(model, how, xva)
                ste = score(model, how, xte)
            best_wall = min(best_wall, time.perf_counter() - wall0)
            best_cpu = min(best_cpu, time.process_time() - cpu0)
        out[name] = {
            "val": np.asarray(sva, dtype=float).tolist(),
            "test": np.asarray(ste, dtype=float).tolist(),
            "wall": best_wall,
            "cpu": best_cpu,
        }
        if name in RANDOMISED and seeds:
            per_seed = []
            for s in seeds:
                model = variants(s)[name][2]()
                model.fit(fit_x, None if normal_only or how == "min_distance" else ytr)
                per_seed.append({"val": np.asarray(score(model, how, xva), dtype=float).tolist(),
                                 "test": np.asarray(score(model, how, xte), dtype=float).tolist()})
            out[name]["seeds"] = per_seed
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
