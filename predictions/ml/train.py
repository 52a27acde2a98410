"""Training run: cross-validate every model on the same folds, pick the champion, refit all.

result = train_and_select(data, models=("rnn", "cnn", "rf", "lr", "gbdt"), folds=5, seed=42)
result.champion            # e.g. "gbdt" or "ensemble" (the soft vote of the five)
result.models["gbdt"]      # fitted on all labelled samples -> registry.save_model(...)
result.metrics["gbdt"]     # same shape as a model entry of the evaluate_dataset report
result.calibration         # the champion's calibration map: method, before/after ECE, Brier

The champion's artifact is a `CalibratedModel`: its probabilities pass through a map chosen
(inner CV) and fitted on the champion's out-of-fold predictions. Big schools (at least
``BIG_SAMPLES`` labelled samples) get ``BIG_FOLDS`` folds and models pruned after
``PRUNE_AFTER_FOLDS`` folds when clearly behind (see docs/model-card.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from predictions.ml.calibration import (
    CalibratedModel,
    candidates_for,
    choose_calibrator,
    fit_vote_weights,
)
from predictions.ml.crossval import BIG_FOLDS, BIG_SAMPLES, PRUNE_AFTER_FOLDS, evaluate_models
from predictions.ml.data import SequenceData
from predictions.ml.labels import LABELS, validate_labels
from predictions.ml.metrics import select_champion
from predictions.ml.models import ENSEMBLE, MODEL_NAMES, SoftVoteEnsemble, encode_labels, make_model

MIN_SAMPLES = 50
MIN_PER_CLASS = 5
# Share of the progress bar spent on cross-validation; the rest goes to the final refits.
_CV_SHARE = 80.0

__all__ = [
    "InsufficientDataError",
    "TrainResult",
    "calibration_summary",
    "check_enough_data",
    "select_champion",
    "train_and_select",
]


class InsufficientDataError(ValueError):
    """Too few labelled samples to train and evaluate honestly (message in Indonesian)."""


@dataclass
class TrainResult:
    """Outcome of `train_and_select`.

    metrics: {model name: CV metrics (as in the evaluate_dataset report)};
    champion: best mean macro-F1 (tie -> higher recall_kurang);
    models: {model name: estimator refitted on all labelled samples};
    n_samples, class_counts: the labelled data used;
    oof: {model name: (n, 3) out-of-fold probabilities, in the order of ``data``};
    calibration: the champion's map ({"model", "method", "inner_brier", "before", "after"});
    plan: how the CV ran ({"folds_requested", "folds", "big_school_rule", "pruned"}).
    """

    metrics: dict[str, dict[str, Any]]
    champion: str
    models: dict[str, Any]
    n_samples: int
    class_counts: dict[str, int]
    oof: dict[str, np.ndarray] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)


_CALIBRATION_KEYS = ("brier", "ece", "ece_kurang", "ece_per_class", "ece_pooled", "macro_f1")


def calibration_summary(entry: dict[str, Any]) -> dict[str, Any]:
    """Before/after figures of one model entry (``entry["calibrated"]`` is the after)."""
    after = entry.get("calibrated") or {}
    return {
        "before": {k: entry[k] for k in _CALIBRATION_KEYS if k in entry},
        "after": {k: after[k] for k in _CALIBRATION_KEYS if k in after},
        "method_per_fold": after.get("method_per_fold", []),
    }


def check_enough_data(y: Sequence[str] | np.ndarray, *, folds: int = 5) -> dict[str, int]:
    """Return class counts, or raise InsufficientDataError when there are fewer than
    MIN_SAMPLES labelled samples or a class has fewer than max(MIN_PER_CLASS, folds)."""
    arr = validate_labels(y)
    counts = {label: int(np.sum(arr == label)) for label in LABELS}
    need = max(MIN_PER_CLASS, folds)
    short = {label: c for label, c in counts.items() if c < need}
    if len(arr) < MIN_SAMPLES or short:
        detail = ", ".join(f"{label}: {c}" for label, c in counts.items())
        raise InsufficientDataError(
            f"Data belum cukup untuk melatih model: butuh minimal {MIN_SAMPLES} sampel berlabel "
            f"(ada {len(arr)}) dan minimal {need} contoh untuk setiap kategori ({detail}). "
            f"Tambahkan nilai semester berikutnya lalu coba lagi. "
            f"(Not enough labelled data to train.)"
        )
    return counts


def train_and_select(
    data: SequenceData,
    y: Sequence[str] | np.ndarray | None = None,
    *,
    models: Sequence[str] | Mapping[str, Any] = MODEL_NAMES,
    folds: int = 5,
    seed: int = 42,
    groups: np.ndarray | None = None,
    progress: Callable[[float], None] | None = None,
    ensemble: bool = True,
    calibrate: bool = True,
    big_school_rule: bool = True,
) -> TrainResult:
    """Cross-validate ``models`` on the same (grouped, when ``groups`` or ``data.groups`` is
    set) stratified folds, select the champion, then refit every model on all samples.

    With ``ensemble`` (and at least two named models) the soft vote of the models is a
    candidate too, scored on the same folds; its weights are fitted on the members'
    out-of-fold predictions. With ``calibrate`` every returned model (the champion and the
    ensemble included) is wrapped in a `CalibratedModel` whose map was chosen and fitted on
    its own out-of-fold probabilities. With ``big_school_rule`` and at least BIG_SAMPLES
    samples, at most BIG_FOLDS folds are used and a model clearly behind after
    PRUNE_AFTER_FOLDS folds stops (it is neither refitted nor a candidate).

    ``y`` defaults to ``data.y``. ``progress(percent)`` is called with 0-100 as fits finish.
    Raises InsufficientDataError before any training when the data is too small.
    """
    labels = validate_labels(data.y if y is None else y)
    counts = check_enough_data(labels, folds=folds)
    groups = data.groups if groups is None else groups
    big = big_school_rule and len(labels) >= BIG_SAMPLES
    plan: dict[str, Any] = {
        "folds_requested": folds,
        "folds": min(folds, BIG_FOLDS) if big else folds,
        "big_school_rule": bool(big),
    }
    names = list(models) if not isinstance(models, Mapping) else None
    if names is not None:
        names = [n for n in names if n != ENSEMBLE]
        if ensemble and len(names) >= 2:
            names.append(ENSEMBLE)

    def cv_progress(pct: float) -> None:
        if progress is not None:
            progress(pct * _CV_SHARE / 100.0)

    oof: dict[str, np.ndarray] = {}
    metrics = evaluate_models(
        data,
        labels,
        models=names if names is not None else models,
        folds=plan["folds"],
        seed=seed,
        groups=groups,
        progress=cv_progress,
        oof=oof,
        calibrate=calibrate,
        prune_after=PRUNE_AFTER_FOLDS if big else None,
    )
    plan["pruned"] = {n: m["pruned"] for n, m in metrics.items() if "pruned" in m}
    to_fit = [n for n in metrics if n != ENSEMBLE and n not in plan["pruned"]]
    fitted: dict[str, Any] = {}
    for i, name in enumerate(to_fit):
        proto = clone(models[name]) if isinstance(models, Mapping) else make_model(name, seed=seed)
        fitted[name] = proto.fit(data, labels)
        if hasattr(fitted[name], "network_"):  # which network ran, e.g. cnn_tabular_mlp
            metrics[name]["network"] = fitted[name].network_
        if progress is not None:
            progress(_CV_SHARE + (100.0 - _CV_SHARE) * (i + 1) / len(to_fit))
    codes = encode_labels(labels)
    if ENSEMBLE in metrics:
        members = metrics[ENSEMBLE]["members"]
        weights = fit_vote_weights([oof[n] for n in members], codes)
        fitted[ENSEMBLE] = SoftVoteEnsemble.from_fitted(
            {n: fitted[n] for n in members},
            weights.tolist(),
            seed=seed,
            pool=metrics[ENSEMBLE].get("pool", "mean"),
        )
    champion = select_champion(metrics)
    calibration: dict[str, Any] = {}
    if calibrate:
        # Every stored model, the champion and the ensemble first among them, scores through
        # a map fitted on its own out-of-fold probabilities (the ensemble's members stay raw:
        # its weights were fitted on their raw out-of-fold probabilities).
        for name in [n for n in fitted if n in oof]:
            method, cal, scores = choose_calibrator(
                oof[name], codes, candidates=candidates_for(name), seed=seed
            )
            fitted[name] = CalibratedModel(base=fitted[name], calibrator=cal)
            metrics[name]["calibration_method"] = method
            if name == champion:
                calibration = {
                    "model": champion,
                    "method": method,
                    "inner_brier": {k: round(v, 4) for k, v in scores.items()},
                    **calibration_summary(metrics[champion]),
                }
    return TrainResult(
        metrics=metrics,
        champion=champion,
        models=fitted,
        n_samples=len(labels),
        class_counts=counts,
        oof=oof,
        calibration=calibration,
        plan=plan,
    )
