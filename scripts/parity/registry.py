#!/usr/bin/python3
"""Reference side of the registry parity check (scripts/parity/registry.ts drives it).

    /usr/bin/python3 scripts/parity/registry.py DIR REPEATS [SEEDS]

DIR holds one folder per distinct matrix set (a feature set with a variant's vectorizer options)
with train.svm, val.svm, test.svm (svmlight, label 1 = anomaly) and meta.json ({"n_features": p,
"seed": s}), and variants.json mapping each variant to its folder (variants absent from it are skipped). For each variant it fits the
estimator the variant stands for with the settings of the pipeline we replace (normal training
rows only for the novelty detectors, rarity and OOV), scores val and test (higher = more
anomalous), and prints JSON: scores and the best wall/CPU seconds of fit + scoring over REPEATS
runs. Rarity and OOV have no library estimator: numpy references of the pipeline's definitions
stand in. event_xgb_words is xgboost's XGBClassifier when xgboost imports, else it is skipped.
Loading is not timed.

SEEDS (comma-separated integers, optional): the randomised variants (RANDOMISED) are also fitted
once per seed (untimed) and their val/test scores returned under "seeds", so the caller can compare
distributions over seeds, not one draw.
"""

import json
import sys
import time
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_svmlight_file
from sklearn.ensemble import IsolationForest, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM, LinearSVC
from sklearn.tree import DecisionTreeClassifier

try:
    from xgboost import XGBClassifier
except ImportError:  # the caller reports the variant as missing
    XGBClassifier = None


def rarity(xtr_normal, xs, common=0.01, weights=None):
    """LogLead's RarityModel: presence counts over the normal training rows, share of all presences.

    With `weights` (distinct rows and their counts) each row's presences count `weights[i]` times,
    as its copies' would.
    """
    if weights is None:
        counts = np.asarray((xtr_normal > 0).sum(axis=0)).ravel().astype(float)
    else:
        counts = np.asarray((xtr_normal > 0).astype(np.float64).T @ np.asarray(weights, dtype=np.float64)).ravel()
    total = counts.sum()
    share = np.where(counts > 0, counts / total, 1.0 / (total + 1))
    w = np.where(share <= common, (-np.log(share)) ** 3, 0.0)
    out = []
    for x in xs:
        present = (x > 0).astype(np.float64)
        distinct = np.asarray(present.sum(axis=1)).ravel()
        total_w = present @ w
        out.append(np.where(distinct > 0, total_w / np.maximum(distinct, 1), 0.0))
    return out


def oov(_xtr_normal, xs):
    """LogLead's OOV_detector: the length column (the last) minus the in-vocabulary token counts."""
    out = []
    for x in xs:
        x = x.tocsc()
        length = np.asarray(x[:, -1].todense()).ravel()
        inside = np.asarray(x[:, :-1].sum(axis=1)).ravel()
        out.append(length - inside)
    return out


RANDOMISED = (
    "isolation_forest",
    "event_lsvm_words",
    "event_dt_trigrams",
    "event_rf_words",
    "event_xgb_words",
    "event_kmeans_words",
)

LR = dict(max_iter=4000, tol=3e-4)


def xgb(seed):
    if XGBClassifier is None:
        return None
    return XGBClassifier(
        tree_method="hist", max_depth=8, min_child_weight=5, subsample=0.7, colsample_bytree=0.6,
        n_estimators=120, max_leaves=256, learning_rate=0.1, random_state=seed, n_jobs=1,
    )


def variants(seed):
    """name -> (normal rows only, estimator factory or None, how to score)."""
    return {
        "isolation_forest": (True, lambda: IsolationForest(n_estimators=200, max_samples="auto", contamination=0.1, random_state=seed), "neg_score_samples"),
        "event_lr_words": (False, lambda: LogisticRegression(**LR), "decision_function"),
        "event_lsvm_words": (False, lambda: LinearSVC(penalty="l1", dual=False, tol=0.1, C=1, max_iter=4000, random_state=seed), "decision_function"),
        "event_dt_trigrams": (False, lambda: DecisionTreeClassifier(max_depth=8, min_samples_leaf=10, min_samples_split=20, max_leaf_nodes=256, max_features=0.3, random_state=seed), "proba"),
        "event_rf_words": (False, lambda: RandomForestClassifier(n_estimators=150, max_depth=12, min_samples_leaf=10, min_samples_split=20, max_features=0.3, bootstrap=True, random_state=seed), "proba"),
        "event_xgb_words": (False, lambda: xgb(seed), "proba"),
        "event_lof_words": (True, lambda: LocalOutlierFactor(n_neighbors=20, novelty=True), "neg_score_samples"),
        "event_oneclass_svm_words": (True, lambda: OneClassSVM(max_iter=1000), "neg_decision_function"),
        # n_init='auto' is one run with k-means++.
        "event_kmeans_words": (False, lambda: KMeans(n_clusters=2, n_init=1, random_state=seed), "min_distance"),
        "event_rarity_words": (True, None, "rarity"),
        "event_oov_words": (True, None, "oov"),
        "sequence_lr_numeric": (False, lambda: LogisticRegression(**LR), "decision_function"),
        "sequence_lr_words": (False, lambda: LogisticRegression(**LR), "decision_function"),
        "sequence_shap_lr_words": (False, lambda: LogisticRegression(**LR), "decision_function"),
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
    with open(f"{folder}/variants.json", encoding="utf8") as f:
        folder_of = json.load(f)
    data = {}
    for fs in sorted(set(folder_of.values())):
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
    for name, (normal_only, make, how) in variants(seed).items():
        if name not in folder_of:
            continue
        fs = folder_of[name]
        (xtr, ytr), (xva, _), (xte, _) = data[fs]["train"], data[fs]["val"], data[fs]["test"]
        fit_x = xtr[ytr == 0] if normal_only else xtr
        if make is not None and make() is None:
            continue
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
                model = variants(s)[name][1]()
                model.fit(fit_x, None if normal_only or how == "min_distance" else ytr)
                per_seed.append({"val": np.asarray(score(model, how, xva), dtype=float).tolist(),
                                 "test": np.asarray(score(model, how, xte), dtype=float).tolist()})
            out[name]["seeds"] = per_seed
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
