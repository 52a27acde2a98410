"""Metrics of one test fold and their summary over folds: the numbers every model is
judged by (macro-F1, recall and precision of "kurang", ROC AUC, Brier, ECE, reliability),
and the champion rule."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from predictions.ml.calibration import ece_bins, ece_from_bins
from predictions.ml.labels import LABELS

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
