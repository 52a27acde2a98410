"""Training run: cross-validate every model on the same folds, pick the champion, refit all.

result = train_and_select(data, models=("rnn", "cnn", "rf", "lr", "gbdt"), folds=5, seed=42)
result.champion            # e.g. "gbdt"
result.models["gbdt"]      # fitted on all labelled samples -> registry.save_model(...)
result.metrics["gbdt"]     # same shape as a model entry of the evaluate_dataset report
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from predictions.ml.evaluate import evaluate_models, select_champion
from predictions.ml.features import SequenceData
from predictions.ml.labels import LABELS, validate_labels
from predictions.ml.models import MODEL_NAMES, make_model

MIN_SAMPLES = 50
MIN_PER_CLASS = 5
# Share of the progress bar spent on cross-validation; the rest goes to the final refits.
_CV_SHARE = 80.0

__all__ = [
    "InsufficientDataError",
    "TrainResult",
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
    oof: {model name: (n, 3) out-of-fold probabilities, in the order of ``data``}.
    """

    metrics: dict[str, dict[str, Any]]
    champion: str
    models: dict[str, Any]
    n_samples: int
    class_counts: dict[str, int]
    oof: dict[str, np.ndarray] = field(default_factory=dict)


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
) -> TrainResult:
    """Cross-validate ``models`` on the same (grouped, when ``groups`` or ``data.groups`` is
    set) stratified folds, select the champion, then refit every model on all samples.

    ``y`` defaults to ``data.y``. ``progress(percent)`` is called with 0-100 as fits finish.
    Raises InsufficientDataError before any training when the data is too small.
    """
    labels = validate_labels(data.y if y is None else y)
    counts = check_enough_data(labels, folds=folds)
    groups = data.groups if groups is None else groups

    def cv_progress(pct: float) -> None:
        if progress is not None:
            progress(pct * _CV_SHARE / 100.0)

    oof: dict[str, np.ndarray] = {}
    metrics = evaluate_models(
        data,
        labels,
        models=models,
        folds=folds,
        seed=seed,
        groups=groups,
        progress=cv_progress,
        oof=oof,
    )
    names = list(metrics)
    fitted: dict[str, Any] = {}
    for i, name in enumerate(names):
        proto = clone(models[name]) if isinstance(models, Mapping) else make_model(name, seed=seed)
        fitted[name] = proto.fit(data, labels)
        if progress is not None:
            progress(_CV_SHARE + (100.0 - _CV_SHARE) * (i + 1) / len(names))
    return TrainResult(
        metrics=metrics,
        champion=select_champion(metrics),
        models=fitted,
        n_samples=len(labels),
        class_counts=counts,
        oof=oof,
    )
