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

from predictions.ml.features import SequenceData, sequence_data_from_frame, term_key
from predictions.ml.labels import LABELS, bin_target, map_target
from predictions.ml.models import MODEL_NAMES, encode_labels, make_model

SCALAR_METRICS: tuple[str, ...] = (
    "accuracy",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "recall_kurang",
    "roc_auc_ovr",
    "brier",
)
RELIABILITY_BINS = 10
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

    Returns scalars (SCALAR_METRICS; roc_auc_ovr is NaN unless all classes are present),
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
    return {
        "accuracy": float(accuracy_score(codes, pred)),
        "macro_precision": float(prec[seen].mean()),
        "macro_recall": float(rec[seen].mean()),
        "macro_f1": float(f1[seen].mean()),
        "recall_kurang": float(rec[0]),
        "roc_auc_ovr": auc,
        "brier": float(((proba - onehot) ** 2).sum(axis=1).mean()),
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
    """Name of the model with the highest mean macro-F1; a tie goes to higher recall_kurang."""
    if not metrics:
        raise ValueError("Tidak ada model untuk dipilih (no models).")

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
) -> dict[str, dict[str, Any]]:
    """Cross-validate every model on the SAME folds.

    ``models``: names (built with `make_model(name, seed=seed)`) or {name: unfitted estimator}
    (cloned per fold). ``y`` defaults to ``data.y``; ``groups`` (n,) switches to grouped folds.
    Returns {name: `summarise` entry}. ``progress`` gets 0-100 after every fit.
    ``oof``, when given a dict, receives {name: (n, 3) out-of-fold probabilities} (averaged
    over repeats): every sample scored by a model that never saw it (fairness views use it).
    """
    codes = encode_labels(data.y if y is None else y)
    splits = fold_indices(codes, folds=folds, repeats=repeats, seed=seed, groups=groups)
    protos = _prototypes(models, seed)
    total, done = len(protos) * len(splits), 0
    results: dict[str, dict[str, Any]] = {}
    for name, proto in protos.items():
        per_fold, seconds = [], []
        pooled, scored = np.zeros((len(codes), len(LABELS))), np.zeros(len(codes))
        for train, test in splits:
            model = clone(proto)
            start = time.perf_counter()
            model.fit(data.subset(train), np.asarray(LABELS, dtype=object)[codes[train]])
            seconds.append(time.perf_counter() - start)
            proba = model.predict_proba(data.subset(test))
            pooled[test] += proba
            scored[test] += 1
            per_fold.append(fold_metrics(codes[test], proba))
            done += 1
            if progress is not None:
                progress(100.0 * done / total)
        results[name] = summarise(per_fold, seconds)
        if oof is not None:
            oof[name] = pooled / np.maximum(scored, 1)[:, None]
    return results


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
) -> dict[str, Any]:
    """Evaluate models on a spec'd CSV; returns the CONTRACTS §6 report:
    {"name", "n", "class_counts", "models": {name: metrics}, "labels", "best"}.
    """
    spec, data = load_spec(spec_path)
    names = list(models) if models else list(MODEL_NAMES)
    bad = [m for m in names if m not in (*MODEL_NAMES, "ensemble")]
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
