"""Reading the metrics JSON that the training engine stores on a ModelVersion.

Older versions may miss any key: every reader here returns None (shown as "belum tersedia")
instead of raising."""

from __future__ import annotations

from typing import Any

from smk_dashboard.core.categories import LABELS

ALGORITHM_NAMES = {
    "rnn": "RNN (GRU)",
    "cnn": "CNN 1D",
    "rf": "Random Forest",
    "lr": "Regresi logistik",
    "gbdt": "Gradient boosting",
    "ensemble": "Ensemble",
}
# What the study this project follows reported. Context only: never shown as our numbers.
STUDY_CLAIMS = {"rnn": 0.89, "cnn": 0.87, "rf": 0.75, "lr": 0.75}
# (key, Indonesian label, higher is better)
METRIC_ROWS = [
    ("accuracy", "Akurasi", True),
    ("macro_f1", "F1 makro", True),
    ("macro_precision", "Presisi makro", True),
    ("macro_recall", "Recall makro", True),
    ("recall_kurang", "Recall 'perlu perhatian'", True),
    ("roc_auc_ovr", "ROC AUC (satu-lawan-semua)", True),
    ("brier", "Skor Brier (lebih kecil lebih baik)", False),
]


def dig(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def mean_std(entry: Any) -> tuple[float, float | None] | None:
    """A {"mean": m, "std": s} entry (or a bare number) as (mean, std)."""
    if isinstance(entry, int | float) and not isinstance(entry, bool):
        return float(entry), None
    mean = dig(entry, "mean")
    if not isinstance(mean, int | float):
        return None
    std = dig(entry, "std")
    return float(mean), float(std) if isinstance(std, int | float) else None


def cv_accuracy(metrics: Any) -> tuple[float, float | None] | None:
    """The measured cross-validated accuracy of the active algorithm, if recorded."""
    return mean_std(dig(metrics, "cv", "accuracy"))


def confusion_matrix(entry: Any) -> list[list[int]] | None:
    cm = dig(entry, "confusion_matrix")
    if (
        isinstance(cm, list)
        and len(cm) == len(LABELS)
        and all(isinstance(r, list) and len(r) == len(LABELS) for r in cm)
    ):
        return [[int(v) for v in row] for row in cm]
    return None


def all_models(metrics: Any) -> dict[str, dict]:
    models = dig(metrics, "all_models")
    if isinstance(models, dict) and models:
        return {k: v for k, v in models.items() if isinstance(v, dict)}
    return {}
