"""Cross-validated evaluation of every model on the same folds (with the soft-vote ensemble
and cross-fitted calibration), and the temporal check (train on earlier terms, test on the
latest)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from predictions.ml.calibration import (
    candidates_for,
    choose_calibrator,
    choose_vote_pool,
    fit_vote_weights,
    vote,
)
from predictions.ml.data import SequenceData
from predictions.ml.features import term_key
from predictions.ml.labels import LABELS
from predictions.ml.metrics import fold_metrics, summarise
from predictions.ml.models import ENSEMBLE, MODEL_NAMES, encode_labels, make_model

# Big schools (see docs/model-card.md, "Big schools"): from this many labelled samples a
# training run uses 3 folds instead of 5 and stops a model's cross-validation after 2 folds
# when its mean macro-F1 is more than PRUNE_MARGIN behind the best model's.
BIG_SAMPLES = 20_000
BIG_FOLDS = 3
PRUNE_AFTER_FOLDS = 2
PRUNE_MARGIN = 0.02
Progress = Callable[[float], None]


def fold_indices(
    codes: np.ndarray,
    *,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 42,
    groups: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) position arrays: stratified k-fold, repeated with seeds seed, seed+1, ...

    With ``groups`` it is StratifiedGroupKFold, so one group never sits in both train and test.
    """
    splits: list[tuple[np.ndarray, np.ndarray]] = []
    idx = np.zeros(len(codes))
    for r in range(repeats):
        if groups is None:
            cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + r)
            splits.extend(cv.split(idx, codes))
        else:
            cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed + r)
            splits.extend(cv.split(idx, codes, groups))
    return splits


def _prototypes(models: Sequence[str] | Mapping[str, Any], seed: int) -> dict[str, Any]:
    if isinstance(models, Mapping):
        return dict(models)
    return {name: make_model(name, seed=seed) for name in models}


def evaluate_models(
    data: SequenceData,
    y: Sequence[str] | np.ndarray | None = None,
    *,
    models: Sequence[str] | Mapping[str, Any] = MODEL_NAMES,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 42,
    groups: np.ndarray | None = None,
    progress: Progress | None = None,
    oof: dict[str, np.ndarray] | None = None,
    calibrate: bool = True,
    prune_after: int | None = None,
    prune_margin: float = PRUNE_MARGIN,
) -> dict[str, dict[str, Any]]:
    """Cross-validate every model on the SAME folds.

    ``models``: names (built with `make_model(name, seed=seed)`) or {name: unfitted estimator}
    (cloned per fold). The name ``"ensemble"`` adds the soft vote of the other models, scored
    on the same folds from their test-fold probabilities (no extra fits): for each test fold
    the vote weights are fitted on the other folds' out-of-fold predictions, never on the
    test fold. ``y`` defaults to ``data.y``; ``groups`` (n,) switches to grouped folds.

    Returns {name: `summarise` entry}. With ``calibrate`` each entry also gets
    ``"calibrated"``: the same metrics after a calibration map chosen and fitted on the other
    folds' out-of-fold predictions (cross-fitting: a test fold never tunes its own map), with
    ``method_per_fold``. With ``prune_after`` = k, after k folds a model whose mean macro-F1
    is more than ``prune_margin`` behind the best stops; its entry keeps its k folds and gets
    ``"pruned"`` (it cannot be champion nor an ensemble member).
    ``progress`` gets 0-100 after every fit. ``oof``, when given a dict, receives
    {name: (n, 3) out-of-fold probabilities} (averaged over repeats) of the models that ran
    every fold: every sample scored by a model that never saw it.
    """
    codes = encode_labels(data.y if y is None else y)
    splits = fold_indices(codes, folds=folds, repeats=repeats, seed=seed, groups=groups)
    with_ensemble = not isinstance(models, Mapping) and ENSEMBLE in models
    if with_ensemble:
        models = [m for m in models if m != ENSEMBLE]
    protos = _prototypes(models, seed)
    per_fold: dict[str, list] = {name: [] for name in protos}
    seconds: dict[str, list] = {name: [] for name in protos}
    fold_proba: dict[str, list] = {name: [] for name in protos}
    active, pruned = list(protos), {}
    total, done = len(protos) * len(splits), 0
    for k, (train, test) in enumerate(splits):
        train_data = data.subset(train)
        train_y = np.asarray(LABELS, dtype=object)[codes[train]]
        test_data = data.subset(test)
        for name in active:
            model = clone(protos[name])
            start = time.perf_counter()
            model.fit(train_data, train_y)
            seconds[name].append(time.perf_counter() - start)
            proba = np.asarray(model.predict_proba(test_data), dtype=np.float64)
            fold_proba[name].append(proba)
            per_fold[name].append(fold_metrics(codes[test], proba))
            done += 1
            if progress is not None:
                progress(100.0 * done / total)
        if prune_after and k + 1 == prune_after and len(active) > 1:
            means = {n: float(np.mean([m["macro_f1"] for m in per_fold[n]])) for n in active}
            best = max(means.values())
            for n in active:
                if means[n] < best - prune_margin:
                    pruned[n] = {"after_folds": k + 1, "behind_best": round(best - means[n], 4)}
            active = [n for n in active if n not in pruned]
            total = done + len(active) * (len(splits) - k - 1)

    results: dict[str, dict[str, Any]] = {}
    for name in protos:
        results[name] = summarise(per_fold[name], seconds[name])
        if name in pruned:
            results[name]["pruned"] = pruned[name]
    if with_ensemble and len(active) >= 2:
        fold_proba[ENSEMBLE], weights, pools = _ensemble_folds(
            [fold_proba[n] for n in active], codes, splits, folds
        )
        per_fold[ENSEMBLE] = [
            fold_metrics(codes[test], p)
            for (_, test), p in zip(splits, fold_proba[ENSEMBLE], strict=True)
        ]
        member_seconds = np.sum([seconds[n] for n in active], axis=0).tolist()
        results[ENSEMBLE] = summarise(per_fold[ENSEMBLE], member_seconds)
        results[ENSEMBLE]["members"] = list(active)
        results[ENSEMBLE]["weights"] = dict(
            zip(active, np.round(np.mean(weights, axis=0), 4).tolist(), strict=True)
        )
        results[ENSEMBLE]["pool_per_fold"] = pools
        results[ENSEMBLE]["pool"] = ensemble_pool(
            [_pool(fold_proba[n], splits, len(codes)) for n in active], codes, splits, folds
        )
        active.append(ENSEMBLE)
    for name in active:
        if calibrate:
            results[name]["calibrated"] = _calibrated_entry(
                name, fold_proba[name], codes, splits, folds, seconds.get(name, [])
            )
        if oof is not None:
            oof[name] = _pool(fold_proba[name], splits, len(codes))
    return results


def _pool(probas: Sequence[np.ndarray], splits, n: int) -> np.ndarray:
    pooled, scored = np.zeros((n, len(LABELS))), np.zeros(n)
    for (_, test), proba in zip(splits, probas, strict=True):
        pooled[test] += proba
        scored[test] += 1
    return pooled / np.maximum(scored, 1)[:, None]


def _other_folds(k: int, splits, folds: int) -> np.ndarray:
    """Positions of the test rows of the other folds of fold k's repeat."""
    r = k // folds
    same = range(r * folds, min((r + 1) * folds, len(splits)))
    return np.concatenate([splits[j][1] for j in same if j != k])


def _gather(probas: Sequence[np.ndarray], k: int, splits, folds: int) -> np.ndarray:
    r = k // folds
    same = range(r * folds, min((r + 1) * folds, len(splits)))
    return np.concatenate([probas[j] for j in same if j != k])


def _fold_of(k: int, splits, folds: int) -> np.ndarray:
    """Fold number of each row of `_other_folds` (k, splits, folds), in the same order."""
    r = k // folds
    same = range(r * folds, min((r + 1) * folds, len(splits)))
    return np.concatenate([np.full(len(splits[j][1]), j) for j in same if j != k])


def _ensemble_folds(member_probas, codes, splits, folds):
    """Per test fold: the pool (linear or logarithmic) chosen by leave-one-fold-out log loss
    and the vote weights fitted on the other folds' out-of-fold probabilities."""
    out, weights, pools = [], [], []
    for k in range(len(splits)):
        rows = _other_folds(k, splits, folds)
        others = [_gather(p, k, splits, folds) for p in member_probas]
        pool, _ = choose_vote_pool(others, codes[rows], _fold_of(k, splits, folds))
        w = fit_vote_weights(others, codes[rows])
        weights.append(w)
        pools.append(pool)
        out.append(vote([p[k] for p in member_probas], w, pool))
    return out, weights, pools


def ensemble_pool(member_oof, codes, splits, folds) -> str:
    """The pool for the final ensemble: leave-one-fold-out log loss over all out-of-fold rows
    (the first repeat's folds)."""
    fold_of = np.zeros(len(codes), dtype=int)
    for j, (_, test) in enumerate(splits[:folds]):
        fold_of[test] = j
    return choose_vote_pool(member_oof, codes, fold_of)[0]


def _calibrated_entry(name, probas, codes, splits, folds, fit_seconds) -> dict[str, Any]:
    """Cross-fitted calibration: fold k's probabilities pass through a map chosen (inner CV)
    and fitted on the other folds' out-of-fold probabilities; then the usual metrics."""
    per_fold, methods = [], []
    for k, (_, test) in enumerate(splits):
        rows = _other_folds(k, splits, folds)
        method, cal, _ = choose_calibrator(
            _gather(probas, k, splits, folds), codes[rows], candidates=candidates_for(name)
        )
        methods.append(method)
        per_fold.append(fold_metrics(codes[test], cal.transform(probas[k])))
    entry = summarise(per_fold, fit_seconds)
    entry["method_per_fold"] = methods
    return entry


def temporal_check(
    data: SequenceData,
    y: Sequence[str] | np.ndarray | None = None,
    *,
    models: Sequence[str] | Mapping[str, Any] = MODEL_NAMES,
    seed: int = 42,
) -> dict[str, Any]:
    """Train on samples of earlier terms, test on the samples of the latest term.

    Needs ``data.terms``. Returns {"test_term", "n_train", "n_test", "models": {name: entry}}
    where each entry is a one-split `summarise` (std 0).
    """
    if data.terms is None:
        raise ValueError("Data tidak punya semester (terms) untuk uji temporal.")
    codes = encode_labels(data.y if y is None else y)
    keys = np.array([term_key(t) for t in data.terms])
    latest = keys.max()
    train, test = np.flatnonzero(keys < latest), np.flatnonzero(keys == latest)
    if not len(train):
        raise ValueError("Butuh data dari minimal dua semester untuk uji temporal.")
    out: dict[str, Any] = {
        "test_term": str(data.terms[test[0]]),
        "n_train": len(train),
        "n_test": len(test),
        "models": {},
    }
    for name, proto in _prototypes(models, seed).items():
        model = clone(proto)
        start = time.perf_counter()
        model.fit(data.subset(train), np.asarray(LABELS, dtype=object)[codes[train]])
        seconds = time.perf_counter() - start
        metrics = fold_metrics(codes[test], model.predict_proba(data.subset(test)))
        out["models"][name] = summarise([metrics], [seconds])
    return out
