"""Cross-validated evaluation of every model on the same folds, and `evaluate_dataset`.

Run a spec from the shell (no Django, no database):

    python -m predictions.ml.evaluate SPEC.json [--out REPORT.json] [--models rnn,cnn,rf,lr,gbdt]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from predictions.ml.calibration import (
    candidates_for,
    choose_calibrator,
    choose_vote_pool,
    ece_bins,
    ece_from_bins,
    fit_vote_weights,
    vote,
)
from predictions.ml.features import SequenceData, sequence_data_from_frame, term_key
from predictions.ml.labels import LABELS, bin_target, map_target
from predictions.ml.models import ENSEMBLE, MODEL_NAMES, encode_labels, make_model

SCALAR_METRICS: tuple[str, ...] = (
    "accuracy",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "recall_kurang",
    "precision_kurang",
    "roc_auc_ovr",
    "brier",
    "ece",
    "ece_kurang",
)
RELIABILITY_BINS = 10
# Big schools (see docs/model-card.md, "Big schools"): from this many labelled samples a
# training run uses 3 folds instead of 5 and stops a model's cross-validation after 2 folds
# when its mean macro-F1 is more than PRUNE_MARGIN behind the best model's.
BIG_SAMPLES = 20_000
BIG_FOLDS = 3
PRUNE_AFTER_FOLDS = 2
PRUNE_MARGIN = 0.02
Progress = Callable[[float], None]


class SpecError(ValueError):
    """A dataset spec (or its CSV) that cannot be evaluated; the message is for people."""


# --------------------------------------------------------------------------- folds


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


# --------------------------------------------------------------------------- metrics


def fold_metrics(codes: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
    """Metrics of one test fold. ``codes``: true int labels (n,); ``proba``: (n, 3).

    Returns scalars (SCALAR_METRICS; roc_auc_ovr is NaN unless all classes are present;
    ``ece`` is the mean over classes of the one-vs-rest expected calibration error, 10 bins),
    ``ece_bins`` (per-class bin sums, pooled by `summarise`),
    ``recall_per_class`` {label: float}, ``confusion_matrix`` (3x3 int array, rows true),
    and ``reliability`` counts for P(kurang): ``count``, ``sum_pred``, ``sum_obs`` per bin.
    """
    labels = list(range(len(LABELS)))
    pred = np.argmax(proba, axis=1)
    prec, rec, f1, _ = precision_recall_fscore_support(
        codes, pred, labels=labels, average=None, zero_division=0
    )
    onehot = np.eye(len(LABELS))[codes]
    present = np.unique(codes)
    auc = math.nan
    if len(present) == len(LABELS):
        auc = float(roc_auc_score(codes, proba, multi_class="ovr", average="macro", labels=labels))
    p_risk = proba[:, 0]
    bins = np.minimum((p_risk * RELIABILITY_BINS).astype(int), RELIABILITY_BINS - 1)
    # Macro averages over the classes that occur in truth or prediction (sklearn's rule when
    # ``labels`` is not passed), so a class absent from a tiny fold does not count as 0.
    seen = np.union1d(present, np.unique(pred))
    calib = ece_bins(codes, proba)
    ece = ece_from_bins(calib)
    return {
        "accuracy": float(accuracy_score(codes, pred)),
        "macro_precision": float(prec[seen].mean()),
        "macro_recall": float(rec[seen].mean()),
        "macro_f1": float(f1[seen].mean()),
        "recall_kurang": float(rec[0]),
        # Of the students flagged kurang, how many were: undefined (NaN, left out of the
        # mean) in a fold where nobody was flagged. Teachers' answers are checked against it.
        "precision_kurang": float(prec[0]) if (pred == 0).any() else math.nan,
        "roc_auc_ovr": auc,
        "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()),
        "ece": float(ece.mean()),
        "ece_kurang": float(ece[0]),
        "ece_bins": calib,
        "recall_per_class": {label: float(rec[i]) for i, label in enumerate(LABELS)},
        "confusion_matrix": confusion_matrix(codes, pred, labels=labels),
        "reliability": {
            "count": np.bincount(bins, minlength=RELIABILITY_BINS),
            "sum_pred": np.bincount(bins, weights=p_risk, minlength=RELIABILITY_BINS),
            "sum_obs": np.bincount(bins, weights=(codes == 0), minlength=RELIABILITY_BINS),
        },
    }


def summarise(per_fold: Sequence[dict[str, Any]], fit_seconds: Sequence[float]) -> dict[str, Any]:
    """Fold metrics -> the report entry of one model: {"mean","std"} (population std over
    folds) per scalar, the summed confusion matrix, the pooled reliability curve, fit_seconds.
    """
    out: dict[str, Any] = {}
    for name in SCALAR_METRICS:
        out[name] = _mean_std([m[name] for m in per_fold])
    out["recall_per_class"] = {
        label: _mean_std([m["recall_per_class"][label] for m in per_fold]) for label in LABELS
    }
    out["ece_per_class"] = {
        label: _mean_std([ece_from_bins(m["ece_bins"])[i] for m in per_fold])
        for i, label in enumerate(LABELS)
    }
    # ECE over all test folds pooled (every sample once): less small-sample bias than the
    # per-fold mean, whose ~80-row folds put ~10 rows in a bin.
    pooled_bins = {
        key: np.sum([m["ece_bins"][key] for m in per_fold], axis=0)
        for key in ("count", "sum_pred", "sum_obs")
    }
    out["ece_pooled"] = {
        label: round(float(v), 4)
        for label, v in zip(LABELS, ece_from_bins(pooled_bins), strict=True)
    }
    out["confusion_matrix"] = np.sum([m["confusion_matrix"] for m in per_fold], axis=0).tolist()
    count = np.sum([m["reliability"]["count"] for m in per_fold], axis=0)
    sum_pred = np.sum([m["reliability"]["sum_pred"] for m in per_fold], axis=0)
    sum_obs = np.sum([m["reliability"]["sum_obs"] for m in per_fold], axis=0)
    keep = count > 0
    edges = np.linspace(0.0, 1.0, RELIABILITY_BINS + 1)
    out["reliability_kurang"] = {
        "bin_low": edges[:-1][keep].round(2).tolist(),
        "mean_predicted": (sum_pred[keep] / count[keep]).round(4).tolist(),
        "observed_rate": (sum_obs[keep] / count[keep]).round(4).tolist(),
        "count": count[keep].astype(int).tolist(),
    }
    out["fit_seconds"] = round(float(np.mean(fit_seconds)), 3) if len(fit_seconds) else 0.0
    out["folds"] = len(per_fold)
    return out


def _mean_std(values: Sequence[float]) -> dict[str, float | None]:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if not len(arr):
        return {"mean": None, "std": None}
    return {"mean": round(float(arr.mean()), 4), "std": round(float(arr.std()), 4)}


def select_champion(metrics: Mapping[str, Mapping[str, Any]]) -> str:
    """Name of the model with the highest mean macro-F1; a tie goes to higher recall_kurang.
    A model pruned after its first folds (entry has ``"pruned"``) is not a candidate."""
    if not metrics:
        raise ValueError("Tidak ada model untuk dipilih (no models).")
    complete = {n: m for n, m in metrics.items() if "pruned" not in m}
    metrics = complete or metrics

    def key(name: str) -> tuple[float, float]:
        m = metrics[name]
        return (m["macro_f1"]["mean"] or 0.0, m["recall_kurang"]["mean"] or 0.0)

    return max(metrics, key=key)


# --------------------------------------------------------------------------- evaluation


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


# --------------------------------------------------------------------------- dataset spec


def load_spec(spec_path: str | Path) -> tuple[dict[str, Any], SequenceData]:
    """Read a §6 dataset spec and its CSV -> (spec, SequenceData with y and groups).

    Rows whose target is missing or outside every bin/map are dropped. Raises SpecError
    with an Indonesian-first message on any problem.
    """
    path = Path(spec_path)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"Berkas spec tidak ditemukan: {path} (spec file not found).")
    except json.JSONDecodeError as exc:
        raise SpecError(f"Spec bukan JSON yang sah: {exc} (invalid JSON).")
    for key in ("csv", "target"):
        if key not in spec:
            raise SpecError(f"Spec tidak punya kunci '{key}' (missing key).")
    csv = spec["csv"] if isinstance(spec["csv"], dict) else {"path": spec["csv"]}
    csv_path = (path.parent / csv["path"]).resolve()
    try:
        frame = pd.read_csv(
            csv_path, sep=csv.get("sep", ","), encoding=csv.get("encoding", "utf-8")
        )
    except FileNotFoundError:
        raise SpecError(f"Berkas CSV tidak ditemukan: {csv_path} (CSV file not found).")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SpecError(f"CSV tidak dapat dibaca: {exc} (cannot read CSV).")

    target = spec["target"]
    column = target.get("column")
    if column not in frame.columns:
        raise SpecError(f"Kolom '{column}' tidak ada di CSV (column not found).")
    if ("bins" in target) == ("map" in target):
        raise SpecError("Target harus punya tepat satu dari 'bins' atau 'map'.")
    used = target.get("bins") or target.get("map")
    unknown = sorted(set(used if "bins" in target else used.values()) - set(LABELS))
    if unknown:
        raise SpecError(f"Kelas target {unknown} tidak dikenal; gunakan {list(LABELS)}.")
    try:
        if "bins" in target:
            y = bin_target(frame[column], target["bins"])
        else:
            y = map_target(frame[column], target["map"])
    except ValueError as exc:
        raise SpecError(str(exc))

    id_column = spec.get("id_column")
    if id_column is not None and id_column not in frame.columns:
        raise SpecError(f"Kolom '{id_column}' tidak ada di CSV (column not found).")
    keep = y.notna().to_numpy()
    if not keep.any():
        raise SpecError("Tidak ada baris dengan target yang sah (no usable target rows).")
    frame = frame.loc[keep].reset_index(drop=True)
    static = spec.get("static") or {}
    try:
        data = sequence_data_from_frame(
            frame,
            sequence=spec.get("sequence") or [],
            categorical=static.get("categorical") or [],
            numeric=static.get("numeric") or [],
            y=y.to_numpy()[keep],
            groups=None if id_column is None else frame[id_column].to_numpy(),
        )
    except ValueError as exc:
        raise SpecError(str(exc))
    return spec, data


def evaluate_dataset(
    spec_path: str | Path,
    *,
    models: Sequence[str] | None = None,
    progress: Progress | None = None,
    oof: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Evaluate models on a spec'd CSV; returns the CONTRACTS §6 report:
    {"name", "n", "class_counts", "models": {name: metrics}, "labels", "best"}.
    By default the five models and the ``ensemble`` (soft vote of the five). Each entry has
    ``brier`` and ``ece`` (before calibration) and ``calibrated`` (after, cross-fitted).
    ``oof``, when given a dict, receives the out-of-fold probabilities (`evaluate_models`).
    """
    spec, data = load_spec(spec_path)
    names = list(models) if models else [*MODEL_NAMES, ENSEMBLE]
    bad = [m for m in names if m not in (*MODEL_NAMES, ENSEMBLE)]
    if bad:
        raise SpecError(f"Model {bad} tidak dikenal; pilih dari {list(MODEL_NAMES)}.")
    cv = spec.get("cv") or {}
    folds, repeats, seed = (
        int(cv.get("folds", 5)),
        int(cv.get("repeats", 1)),
        int(cv.get("seed", 42)),
    )
    counts = pd.Series(data.y).value_counts()
    smallest = min(int(counts[label]) for label in LABELS if label in counts)
    if smallest < folds:
        raise SpecError(
            f"Kelas terkecil hanya punya {smallest} baris; kurang dari jumlah fold ({folds})."
        )
    metrics = evaluate_models(
        data,
        models=names,
        folds=folds,
        repeats=repeats,
        seed=seed,
        groups=data.groups,
        progress=progress,
        oof=oof,
    )
    return _json_safe(
        {
            "name": spec.get("name", Path(spec_path).stem),
            "n": len(data),
            "class_counts": {label: int(counts.get(label, 0)) for label in LABELS},
            "models": metrics,
            "labels": list(LABELS),
            "best": select_champion(metrics),
        }
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print the report JSON; exit 1 with the message on a bad spec."""
    parser = argparse.ArgumentParser(description="Evaluasi model pada CSV sesuai spec (§6).")
    parser.add_argument("spec")
    parser.add_argument("--out")
    parser.add_argument("--models", help="comma-separated, e.g. rnn,cnn,rf,lr,gbdt")
    args = parser.parse_args(argv)
    names = [m.strip() for m in args.models.split(",") if m.strip()] if args.models else None
    try:
        report = evaluate_dataset(args.spec, models=names)
    except SpecError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
