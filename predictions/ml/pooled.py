"""A pooled district model (issue 26, item 3), the evaluation half: a school with too little
history could use a model trained on the other schools of the same deployment. Only features
that mean the same in every school are kept: scores relative to the school's own KKM,
attendance, absence counts, ratings, conduct points, and the major's field (not the major's
name, which each school spells its own way). Accuracy is measured by leaving each school out
in turn: trained on the others, tested on that school, never on its own data.

No Django here. Inputs: {school key: (SequenceData built with that school's KKM, its KKM)}."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from predictions.ml.crossval import evaluate_models
from predictions.ml.data import SequenceData
from predictions.ml.labels import LABELS
from predictions.ml.metrics import fold_metrics
from predictions.ml.models import make_model
from predictions.ml.tabular import encode_labels

# Per-term features kept for pooling; the score features are shifted by the school's KKM.
SCORE_FEATURES = ("avg", "avg_umum", "avg_kejuruan")
SHARED_FEATURES = (
    "avg", "avg_umum", "avg_kejuruan", "avg_change", "n_below_kkm", "attendance_rate",
    "sakit", "izin", "alpa", "motivation", "social_skills", "conduct_points",
)  # fmt: skip
SHARED_CATEGORICAL = ("gender", "major_field")
SHARED_NUMERIC = ("kip", "parent_education", "income_bracket", "distance_km")


def shared_view(data: SequenceData, *, kkm: float) -> SequenceData:
    """The sample's features that mean the same across schools: SHARED_FEATURES (a feature
    the school does not record becomes NaN), score features minus `kkm`, the static columns
    without the major's name."""
    n, steps = len(data), data.n_steps
    seq = np.full((n, steps, len(SHARED_FEATURES)), np.nan, dtype=np.float32)
    for j, name in enumerate(SHARED_FEATURES):
        if name in data.feature_names:
            seq[:, :, j] = data.seq[:, :, data.feature_names.index(name)]
            if name in SCORE_FEATURES:
                seq[:, :, j] -= kkm
    seq[~data.mask] = 0.0
    static = data.static.reindex(columns=[*SHARED_CATEGORICAL, *SHARED_NUMERIC])
    return SequenceData(
        seq=seq,
        lengths=data.lengths,
        static=static,
        feature_names=list(SHARED_FEATURES),
        static_categorical=list(SHARED_CATEGORICAL),
        static_numeric=list(SHARED_NUMERIC),
        y=data.y,
        groups=data.groups,
        terms=data.terms,
    )


def concat(parts: Sequence[SequenceData]) -> SequenceData:
    """Rows of several shared views in one SequenceData (sequences right-padded to the
    longest). Group ids are made unique per part (student ids repeat across databases)."""
    steps = max(p.n_steps for p in parts)
    seqs = []
    for p in parts:
        pad = np.zeros((len(p), steps - p.n_steps, p.seq.shape[2]), dtype=np.float32)
        seqs.append(np.concatenate([p.seq, pad], axis=1))
    groups = [np.array([f"{i}:{g}" for g in p.groups], dtype=object) for i, p in enumerate(parts)]
    first = parts[0]
    return SequenceData(
        seq=np.concatenate(seqs),
        lengths=np.concatenate([p.lengths for p in parts]),
        static=pd.concat([p.static for p in parts], ignore_index=True),
        feature_names=list(first.feature_names),
        static_categorical=list(first.static_categorical),
        static_numeric=list(first.static_numeric),
        y=np.concatenate([p.y for p in parts]),
        groups=np.concatenate(groups),
        terms=np.concatenate([p.terms for p in parts]),
    )


def leave_one_school_out(
    schools: Mapping[str, tuple[SequenceData, float]],
    *,
    model: str = "lr",
    folds: int = 5,
    seed: int = 42,
) -> dict[str, dict[str, Any]]:
    """For each school: the pooled model trained on every other school and tested on this one
    ({"pooled": fold_metrics scalars + confusion matrix}), beside the school's own model
    cross-validated on its own data ({"own": the `evaluate_models` entry}) and the sample
    counts. Needs at least two schools."""
    if len(schools) < 2:
        raise ValueError("Model bersama butuh sedikitnya dua sekolah.")
    views = {key: shared_view(data, kkm=kkm) for key, (data, kkm) in schools.items()}
    out: dict[str, dict[str, Any]] = {}
    for key, test in views.items():
        train = concat([v for k, v in views.items() if k != key])
        estimator = make_model(model, seed=seed).fit(train, train.y)
        proba = estimator.predict_proba(test)
        scored = fold_metrics(encode_labels(test.y), proba)
        own_data, _kkm = schools[key]
        own = evaluate_models(
            own_data, models=[model], folds=folds, seed=seed, groups=own_data.groups,
            calibrate=False,
        )[model]  # fmt: skip
        out[key] = {
            "n_test": len(test),
            "n_train": len(train),
            "kurang_test": int((test.y == "kurang").sum()),
            "pooled": {
                k: (v.tolist() if isinstance(v, np.ndarray) else v)
                for k, v in scored.items()
                if k in ("accuracy", "macro_f1", "recall_kurang", "confusion_matrix")
            },
            "own": {k: own[k] for k in ("accuracy", "macro_f1", "recall_kurang") if k in own},
        }
    return out


# --------------------------------------------------------------------------- the model itself


class PooledModel:
    """A model trained on other schools' shared views, ready for ONE school: it takes that
    school's ordinary samples (built with its own KKM, as scoring builds them), turns them
    into the shared view with `kkm` and asks the estimator. Explanations (occlusion) work on
    the school's own features, so their sentences speak in the school's own scores."""

    def __init__(self, estimator: Any, *, kkm: float):
        self.estimator = estimator
        self.kkm = kkm

    @property
    def classes_(self) -> Any:
        return getattr(self.estimator, "classes_", None)

    def predict_proba(self, data: SequenceData) -> np.ndarray:
        return self.estimator.predict_proba(shared_view(data, kkm=self.kkm))

    def predict(self, data: SequenceData) -> np.ndarray:
        return np.array(LABELS, dtype=object)[np.argmax(self.predict_proba(data), axis=1)]


def pooled_fit(
    sources: Mapping[str, tuple[SequenceData, float]], *, model: str = "lr", seed: int = 42
) -> tuple[Any, SequenceData]:
    """The estimator fitted on the shared views of every source school, and those rows."""
    train = concat([shared_view(data, kkm=kkm) for data, kkm in sources.values()])
    return make_model(model, seed=seed).fit(train, train.y), train


def _chunks(groups: np.ndarray, k: int) -> list[np.ndarray]:
    """Row indices in `k` parts, each student's rows in one part (deterministic)."""
    unique = np.unique(groups.astype(str))
    part = {g: i % k for i, g in enumerate(unique)}
    ids = np.array([part[str(g)] for g in groups])
    return [np.flatnonzero(ids == i) for i in range(k) if (ids == i).any()]


def _scored(codes: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
    """fold_metrics, with no recall of kurang where the part holds no kurang student."""
    scored = fold_metrics(codes, proba)
    if not (codes == 0).any():
        scored["recall_kurang"] = float("nan")
    return scored


def _summary(per_part: list[dict[str, Any]], confusion: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"folds": len(per_part), "confusion_matrix": confusion.tolist()}
    for key in ("accuracy", "macro_f1", "recall_kurang"):
        values = [float(p[key]) for p in per_part if p.get(key) == p.get(key)]
        if values:
            out[key] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
            }
    return out


def measure_on_school(model: Any, data: SequenceData, *, parts: int = 5) -> dict[str, Any]:
    """How `model` (never trained on `data`) does on a school's labelled samples `data`, in
    the shape of a cross-validation entry: {"accuracy"/"macro_f1"/"recall_kurang": {"mean",
    "std"}, "folds", "confusion_matrix"}. The samples are split into `parts` groups of
    students so that the spread is comparable with a school's own cross-validation."""
    codes = encode_labels(data.y)
    proba = np.asarray(model.predict_proba(data))
    per_part = [_scored(codes[idx], proba[idx]) for idx in _chunks(data.groups, parts)]
    return _summary(per_part, fold_metrics(codes, proba)["confusion_matrix"])


def measure_leave_one_out(
    sources: Mapping[str, tuple[SequenceData, float]], *, model: str = "lr", seed: int = 42
) -> dict[str, Any]:
    """For a school without labelled samples: each source school in turn tested with a model
    trained on the other sources (never on itself). The same shape as `measure_on_school`,
    one "fold" per source school. Needs at least two sources."""
    if len(sources) < 2:
        raise ValueError("Model bersama butuh sedikitnya dua sekolah sumber.")
    per_school, confusion = [], np.zeros((3, 3), dtype=int)
    for key, (data, kkm) in sources.items():
        others = {k: v for k, v in sources.items() if k != key}
        estimator, _train = pooled_fit(others, model=model, seed=seed)
        proba = estimator.predict_proba(shared_view(data, kkm=kkm))
        scored = _scored(encode_labels(data.y), proba)
        per_school.append(scored)
        confusion += np.asarray(scored["confusion_matrix"], dtype=int)
    return _summary(per_school, confusion)
