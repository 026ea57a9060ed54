#!/usr/bin/python3
"""Reference side of the event-level parity check (scripts/parity/events.ts drives it).

    /usr/bin/python3 scripts/parity/events.py DIR REPEATS EXPANDED_TIMEOUT [SEEDS]

DIR holds one folder per distinct matrix set as registry.py reads them, but with event rows: each
part's distinct (message, label) rows in train.svm, val.svm, test.svm, and beside them
train.weights, val.weights, test.weights (one count per row, text: how many events the row stands
for). variants.json maps each variant to {"folder": ..., "weighted": bool, "reseed": bool}: weighted
variants fit the distinct training rows with `sample_weight=` their counts, the others (LOF,
OneClassSVM: our side fits them unweighted) fit the distinct rows unweighted. Estimators and
settings are registry.py's (normal training rows only for the novelty detectors, rarity and OOV;
rarity counts each row's presences by its weight).

Per variant it prints the distinct val/test rows' scores and the best wall/CPU seconds of fit +
scoring the distinct val and test rows over REPEATS runs. With EXPANDED_TIMEOUT > 0 the weighted
variants are also fitted on the EXPANDED rows (each distinct row repeated `weight` times, as the
pipeline we replace holds one row per log line) and score the expanded val and test rows, in a
child process that gets EXPANDED_TIMEOUT seconds per fit (loading and building the expanded rows
count towards the first fit's timeout, not the timing); "expanded" then holds the distinct rows'
scores read off the expanded ones and the best times of the runs that finished, or {"timeout":
seconds} when none did. Loading and selecting the normal rows are not timed.

SEEDS (comma-separated integers, optional): the variants marked "reseed" are also fitted once per
model seed, untimed, on the distinct rows ("seeds": their val/test scores per seed) and, with
EXPANDED_TIMEOUT > 0 and weighted, on the expanded rows ("expanded_seeds": the same, or
{"timeout": seconds} / {"error": exit code} when a fit did not finish: a mean over the seeds that
did would not be one over SEEDS).
"""

import json
import multiprocessing
import os
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_svmlight_file

from registry import oov, rarity, score, variants


def fit_and_score(how, make, normal_only, x, y, w, xs):
    """Fits on rows x (labels y, row weights w or None) and scores each matrix of xs."""
    if how == "rarity":
        return rarity(x, xs, weights=w)
    if how == "oov":
        return oov(x, xs)
    model = make()
    extra = {} if w is None else {"sample_weight": w}
    model.fit(x, None if normal_only or how == "min_distance" else y, **extra)
    return [score(model, how, m) for m in xs]


def training_rows(part, normal_only):
    """The distinct training rows a variant fits: all, or the normal ones, with their labels and counts."""
    x, y, w = part
    if not normal_only:
        return x, y, w
    keep = y == 0
    return x[keep], y[keep], w[keep]


def expand(x, w):
    """Row i of x repeated w[i] times, adjacent (the pipeline's one row per event)."""
    return x[np.repeat(np.arange(x.shape[0]), w.astype(np.int64))]


def best_of(repeats, run):
    """Best wall and CPU seconds of `repeats` runs of `run()`, and the last run's result."""
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        out = run()
        best_wall = min(best_wall, time.perf_counter() - wall0)
        best_cpu = min(best_cpu, time.process_time() - cpu0)
    return best_wall, best_cpu, out


def expanded_child(conn, folder, fs, name, seeds):
    """Fits and scores the expanded rows once per model seed in `seeds`, sending each run's scores and times."""
    # The parent's stdout carries its JSON answer: anything a library prints here goes to stderr.
    os.dup2(2, 1)
    warnings.simplefilter("ignore")
    _, parts = load(folder, fs)
    normal_only, _, how = variants(seeds[0])[name]
    x, y, w = training_rows(parts["train"], normal_only)
    fit_x, fit_y = expand(x, w), np.repeat(y, w.astype(np.int64))
    xs = [expand(parts[p][0], parts[p][2]) for p in ("val", "test")]
    # Each distinct row's first copy: its expanded score is the distinct row's.
    starts = [np.concatenate(([0], np.cumsum(parts[p][2].astype(np.int64))[:-1])) for p in ("val", "test")]
    for seed in seeds:
        make = variants(seed)[name][1]
        wall0, cpu0 = time.perf_counter(), time.process_time()
        sva, ste = fit_and_score(how, make, normal_only, fit_x, fit_y, None, xs)
        conn.send({
            "val": np.asarray(sva, dtype=float)[starts[0]].tolist(),
            "test": np.asarray(ste, dtype=float)[starts[1]].tolist(),
            "wall": time.perf_counter() - wall0,
            "cpu": time.process_time() - cpu0,
            "rows": int(fit_x.shape[0]),
        })
    conn.close()


def expanded_runs(folder, fs, name, seeds, timeout):
    """The expanded fits of `seeds` in order, each given `timeout` seconds, as far as they finished,
    and why the rest did not: None, {"timeout": timeout} or {"error": exit code}."""
    # A fresh interpreter, not a fork: a fork of a process whose BLAS / OpenMP threads have run can
    # deadlock on a lock one of them held.
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=expanded_child, args=(sender, folder, fs, name, seeds))
    child.start()
    sender.close()
    runs = []
    while len(runs) < len(seeds):
        if not receiver.poll(timeout):
            break
        try:
            runs.append(receiver.recv())
        except EOFError:  # the child died before its next run
            break
    if child.is_alive():
        child.terminate()
    child.join()
    if len(runs) == len(seeds):
        return runs, None
    killed = child.exitcode is None or child.exitcode < 0
    return runs, {"timeout": timeout} if killed else {"error": child.exitcode}


def expanded(folder, fs, name, seed, repeats, timeout):
    """The timed expanded fit: the last finished run's scores with the best times of the runs that
    finished, or why none did."""
    runs, why = expanded_runs(folder, fs, name, [seed] * repeats, timeout)
    if not runs:
        return why
    return {**runs[-1], "wall": min(r["wall"] for r in runs), "cpu": min(r["cpu"] for r in runs), "runs": len(runs)}


def expanded_seeds(folder, fs, name, seeds, timeout):
    """The expanded fits once per model seed (untimed: their scores only), or why one did not finish."""
    runs, why = expanded_runs(folder, fs, name, seeds, timeout)
    return why or [{"val": r["val"], "test": r["test"]} for r in runs]


def load(folder, fs):
    with open(f"{folder}/{fs}/meta.json", encoding="utf8") as f:
        meta = json.load(f)
    parts = {}
    for part in ("train", "val", "test"):
        x, y = load_svmlight_file(f"{folder}/{fs}/{part}.svm", n_features=meta["n_features"])
        w = np.loadtxt(f"{folder}/{fs}/{part}.weights", dtype=np.float64, ndmin=1)
        parts[part] = (x.tocsr(), y, w)
    return meta["seed"], parts


def scores(pair):
    sva, ste = pair
    return {"val": np.asarray(sva, dtype=float).tolist(), "test": np.asarray(ste, dtype=float).tolist()}


def main() -> None:
    folder, repeats, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    seeds = [int(s) for s in sys.argv[4].split(",")] if len(sys.argv) > 4 and sys.argv[4] else []
    with open(f"{folder}/variants.json", encoding="utf8") as f:
        chosen = json.load(f)
    data = {}
    for fs in sorted({v["folder"] for v in chosen.values()}):
        seed, data[fs] = load(folder, fs)
    out = {}
    warnings.simplefilter("ignore")
    for name, (normal_only, make, how) in variants(seed).items():
        if name not in chosen:
            continue
        if make is not None and make() is None:
            continue
        fs, weighted = chosen[name]["folder"], chosen[name]["weighted"]
        parts = data[fs]
        x, y, w = training_rows(parts["train"], normal_only)
        fit_w = w if weighted else None
        scored = [parts["val"][0], parts["test"][0]]
        wall, cpu, pair = best_of(repeats, lambda: fit_and_score(how, make, normal_only, x, y, fit_w, scored))
        expand_too = weighted and timeout > 0
        out[name] = {
            **scores(pair),
            "wall": wall,
            "cpu": cpu,
            "expanded": expanded(folder, fs, name, seed, repeats, timeout) if expand_too else None,
        }
        if chosen[name].get("reseed") and seeds:
            out[name]["seeds"] = [
                scores(fit_and_score(how, variants(s)[name][1], normal_only, x, y, fit_w, scored)) for s in seeds
            ]
            out[name]["expanded_seeds"] = expanded_seeds(folder, fs, name, seeds, timeout) if expand_too else None
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
