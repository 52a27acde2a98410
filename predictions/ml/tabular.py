"""scikit-learn side of the models: rf / lr / gbdt on the tabular view, plus the pieces every
model shares (label codes, class weights, the tabular preprocessor, ``_ClassifierMixin``).

Importing this module never imports Keras (tested in tests/predictions/ml/test_imports.py).
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    KBinsDiscretizer,
    OneHotEncoder,
    StandardScaler,
)
from threadpoolctl import threadpool_limits

from predictions.ml.data import SequenceData
from predictions.ml.labels import LABELS, validate_labels

TABULAR_MODELS: tuple[str, ...] = ("rf", "lr", "gbdt")
_MISSING = "__missing__"
# Scoring: below this many rows OpenMP/BLAS threads cost more than they give.
_SINGLE_THREAD_BELOW = 20_000
# Fitting lr / gbdt always runs OpenMP/BLAS on one thread: on busy shared cores their
# spin-waiting threads made a 40,000-row gbdt fit 176.9 s instead of 11.7 s, and even on
# quiet cores lr is faster on one thread (2.7 s vs 5.2 s); see docs/model-card.md.
FIT_THREADS = 1
# From this many training rows the models switch to their big-school settings (see
# docs/model-card.md, "Big schools").
BIG_ROWS = 20_000

# --------------------------------------------------------------------------- tabular view

TABULAR_STATS: tuple[str, ...] = ("last", "prev", "mean", "delta", "slope")


def tabular_frame(data: SequenceData) -> pd.DataFrame:
    """Flatten the sequence for the baselines: per feature f the columns f_last, f_prev,
    f_mean, f_delta (last - prev), f_slope (least squares over the real, non-missing steps),
    then ``history_length`` and the static columns. n rows; NaN where undefined.
    """
    seq = data.seq.astype(np.float64)
    n, t_steps, n_feat = seq.shape
    mask = data.mask
    last_idx = np.clip(data.lengths - 1, 0, None)
    rows = np.arange(n)
    cols: dict[str, np.ndarray] = {}
    if t_steps and n_feat:
        present = mask[:, :, None] & ~np.isnan(seq)
        vals = np.where(present, seq, np.nan)
        last = np.where((data.lengths > 0)[:, None], vals[rows, last_idx], np.nan)
        prev = np.where(
            (data.lengths > 1)[:, None], vals[rows, np.clip(last_idx - 1, 0, None)], np.nan
        )
        count = present.sum(axis=1)
        total = np.where(present, seq, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
            tpos = np.arange(t_steps, dtype=np.float64)[None, :, None]
            t_mean = np.where(present, tpos, 0.0).sum(axis=1) / np.maximum(count, 1)
            dt = np.where(present, tpos - t_mean[:, None, :], 0.0)
            dv = np.where(present, seq - mean[:, None, :], 0.0)
            var_t = (dt * dt).sum(axis=1)
            slope = np.where((count > 1) & (var_t > 0), (dt * dv).sum(axis=1) / var_t, np.nan)
        stats = {"last": last, "prev": prev, "mean": mean, "delta": last - prev, "slope": slope}
        for f, name in enumerate(data.feature_names):
            for stat in TABULAR_STATS:
                cols[f"{name}_{stat}"] = stats[stat][:, f]
    cols["history_length"] = data.lengths.astype(np.float64)
    out = pd.DataFrame(cols)
    for col in data.static.columns:
        out[col] = data.static[col].to_numpy()
    return out


def tabular_numeric_columns(data: SequenceData) -> list[str]:
    """Numeric columns of `tabular_frame` (everything but the static categoricals)."""
    seq_cols = [f"{name}_{stat}" for name in data.feature_names for stat in TABULAR_STATS]
    if not (data.n_steps and data.feature_names):
        seq_cols = []
    return [*seq_cols, "history_length", *data.static_numeric]


# --------------------------------------------------------------------------- shared pieces


def encode_labels(y: Any) -> np.ndarray:
    """Labels (LABELS strings) -> int codes 0..2 in LABELS order."""
    arr = validate_labels(y)
    lookup = {label: i for i, label in enumerate(LABELS)}
    return np.fromiter((lookup[v] for v in arr), dtype=np.int64, count=len(arr))


def balanced_sample_weight(codes: np.ndarray) -> np.ndarray:
    """Per-sample weights n / (k * count(class)), as sklearn's class_weight='balanced'."""
    counts = np.bincount(codes, minlength=len(LABELS)).astype(float)
    present = counts > 0
    weights = np.zeros(len(LABELS))
    weights[present] = len(codes) / (present.sum() * counts[present])
    return weights[codes]


def _categorical_as_text(frame: pd.DataFrame | np.ndarray) -> np.ndarray:
    # One-hot needs one type per column: missing becomes its own category, the rest text.
    table = pd.DataFrame(np.asarray(frame, dtype=object))
    return table.where(table.notna(), _MISSING).astype(str).to_numpy(dtype=object)


def _tabular_preprocessor(
    numeric: list[str], categorical: list[str], *, clip: float | None = None, bins: int = 0
):
    """Impute (median + missing indicators) and scale numerics; one-hot categoricals.

    ``clip``: clip scaled numerics to [-clip, clip]. ``bins`` > 0 also adds quantile-bin
    one-hots of every numeric (the "wide" bucketised features of wide & deep), so a linear
    layer can express thresholds such as "grade below 10", which trees find by themselves.
    """
    scaled: list[tuple[str, Any]] = [("scale", StandardScaler())]
    if clip is not None:
        # Outliers (e.g. 75 absences) should not blow up a neural net's activations.
        scaled.append(
            ("clip", FunctionTransformer(np.clip, kw_args={"a_min": -clip, "a_max": clip}))
        )
    encoded: Any = Pipeline(scaled)
    if bins:
        buckets = KBinsDiscretizer(
            n_bins=bins, encode="onehot-dense", strategy="quantile", subsample=None
        )
        encoded = FeatureUnion([("scaled", encoded), ("buckets", buckets)])
    parts: list[tuple[str, Any, list[str]]] = []
    if numeric:
        impute = SimpleImputer(strategy="median", add_indicator=True)
        parts.append(("num", Pipeline([("impute", impute), ("encode", encoded)]), numeric))
    if categorical:
        cat = Pipeline(
            [
                ("text", FunctionTransformer(_categorical_as_text)),
                ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
            ]
        )
        parts.append(("cat", cat, categorical))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)


def _threads(n_rows: int, *, fitting: bool = False) -> AbstractContextManager:
    if fitting:
        return threadpool_limits(limits=FIT_THREADS)
    return threadpool_limits(limits=1) if n_rows < _SINGLE_THREAD_BELOW else nullcontext()


def _usable_numeric(frame: pd.DataFrame, data: SequenceData) -> list[str]:
    # Columns never observed in training (e.g. f_prev with one step) carry nothing.
    return [c for c in tabular_numeric_columns(data) if frame[c].notna().any()]


def _expand(proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Place columns of ``proba`` (for int ``classes``) into a 3-column LABELS-order array."""
    out = np.zeros((proba.shape[0], len(LABELS)), dtype=np.float64)
    out[:, np.asarray(classes, dtype=int)] = proba
    return out


class _ClassifierMixin:
    classes_ = np.array(LABELS, dtype=object)

    def predict(self, data: SequenceData) -> np.ndarray:
        """Most probable label per sample: object array (n,) of LABELS strings."""
        return np.asarray(LABELS, dtype=object)[np.argmax(self.predict_proba(data), axis=1)]


# --------------------------------------------------------------------------- baselines


class TabularClassifier(_ClassifierMixin, BaseEstimator):
    """rf / lr / gbdt on `tabular_frame` (last, prev, mean, delta, slope per step feature,
    history length, static columns). Imputation, scaling and one-hot are fitted in ``fit``.
    """

    def __init__(self, kind: str = "gbdt", *, seed: int = 0, params: dict | None = None):
        self.kind = kind
        self.seed = seed
        self.params = params

    def _classifier(self, n_rows: int = 0) -> BaseEstimator:
        extra = dict(self.params or {})
        if self.kind == "rf":
            base = {
                "n_estimators": 300,
                "min_samples_leaf": 2,
                "class_weight": "balanced_subsample",
                "n_jobs": 1,
                "random_state": self.seed,
            }
            if n_rows >= BIG_ROWS:
                # Big schools: each tree sees a 20,000-row bootstrap and the forest uses
                # every core; the forest's vote is as good and the fit is minutes shorter.
                base.update(n_estimators=150, max_samples=BIG_ROWS, min_samples_leaf=5, n_jobs=-1)
            return RandomForestClassifier(**{**base, **extra})
        if self.kind == "lr":
            base = {"C": 1.0, "class_weight": "balanced", "max_iter": 2000}
            return LogisticRegression(**{**base, **extra})
        if self.kind == "gbdt":
            base = {
                "learning_rate": 0.05,
                "max_iter": 500,
                "max_leaf_nodes": 15,
                "min_samples_leaf": 20,
                "l2_regularization": 1.0,
                "early_stopping": True,  # on its own stratified validation_fraction split
                "validation_fraction": 0.15,
                "n_iter_no_change": 20,
                "class_weight": "balanced",
                "random_state": self.seed,
            }
            return HistGradientBoostingClassifier(**{**base, **extra})
        raise ValueError(f"Jenis baseline '{self.kind}' tidak dikenal.")

    def fit(self, data: SequenceData, y: Any = None) -> TabularClassifier:
        """Fit on ``data`` with labels ``y`` (default ``data.y``); returns self."""
        codes = encode_labels(data.y if y is None else y)
        frame = tabular_frame(data)
        self.numeric_ = _usable_numeric(frame, data)
        self.categorical_ = list(data.static_categorical)
        self.pipeline_ = Pipeline(
            [
                ("prep", _tabular_preprocessor(self.numeric_, self.categorical_)),
                ("clf", self._classifier(len(frame))),
            ]
        )
        with warnings.catch_warnings(), _threads(len(frame), fitting=True):
            warnings.simplefilter("ignore", category=UserWarning)
            self.pipeline_.fit(frame, codes)
        return self

    def predict_proba(self, data: SequenceData) -> np.ndarray:
        """(n, 3) probabilities in LABELS order."""
        frame = tabular_frame(data)
        with _threads(len(frame)):
            proba = self.pipeline_.predict_proba(frame[self.numeric_ + self.categorical_])
        return _expand(proba, self.pipeline_.classes_)
