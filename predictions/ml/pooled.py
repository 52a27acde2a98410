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
