"""Keras side of the models: the scikit-learn-style `KerasSequenceClassifier` (``rnn``,
``cnn``) that preprocesses, trains with early stopping and pickles the networks of
`networks.py`.

Keras is imported lazily (inside functions): importing this module does not load a Keras
backend; fitting or unpickling a deep model does. Runs on any Keras 3 backend
(TensorFlow, JAX: ``KERAS_BACKEND=jax``).
"""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedShuffleSplit

from predictions.ml import tabular as _tabular
from predictions.ml.data import SequenceData
from predictions.ml.labels import LABELS
from predictions.ml.networks import _keras, build_cnn, build_rnn
from predictions.ml.tabular import (
    _ClassifierMixin,
    _tabular_preprocessor,
    _usable_numeric,
    balanced_sample_weight,
    encode_labels,
    tabular_frame,
)

DEEP_MODELS: tuple[str, ...] = ("rnn", "cnn")
_MAX_STEPS_PER_EPOCH = 50


class _SequenceScaler:
    """Standardise step features on the real training steps; NaN -> 0 plus a missing
    indicator (for features that had missing values); a presence channel of 1 on real steps.
    Output is right-aligned to ``n_steps``: the latest term is the last step, older terms
    beyond ``n_steps`` are dropped, and padding steps are all zeros."""

    def fit(self, data: SequenceData) -> _SequenceScaler:
        real = data.seq[data.mask] if data.n_steps else np.zeros((0, data.seq.shape[2]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            self.mean_ = (
                np.nan_to_num(np.nanmean(real, axis=0)) if len(real) else np.zeros(real.shape[1])
            )
            std = np.nanstd(real, axis=0) if len(real) else np.ones(real.shape[1])
        self.std_ = np.where(np.isfinite(std) & (std > 1e-9), std, 1.0)
        self.indicator_ = (
            np.flatnonzero(np.isnan(real).any(axis=0)) if len(real) else np.array([], int)
        )
        self.n_steps_ = data.n_steps
        return self

    @property
    def n_channels(self) -> int:
        return len(self.mean_) + len(self.indicator_) + 1

    def transform(self, data: SequenceData) -> np.ndarray:
        n, t_out = len(data), self.n_steps_
        out = np.zeros((n, t_out, self.n_channels), dtype=np.float32)
        if t_out == 0 or n == 0:
            return out
        lengths = np.minimum(data.lengths, t_out)
        # Source step for output slot j: the sample's last real step sits in slot t_out - 1.
        slot = np.arange(t_out)[None, :]
        src = data.lengths[:, None] - t_out + slot
        valid = slot >= (t_out - lengths)[:, None]
        src = np.where(valid, src, 0)
        raw = data.seq[np.arange(n)[:, None], src] if data.n_steps else np.zeros((n, t_out, 0))
        z = (raw - self.mean_) / self.std_
        missing = np.isnan(raw)
        f = len(self.mean_)
        out[:, :, :f] = np.where(missing, 0.0, z)
        out[:, :, f : f + len(self.indicator_)] = missing[:, :, self.indicator_]
        out[:, :, -1] = 1.0
        out[~valid] = 0.0
        return out


class KerasSequenceClassifier(_ClassifierMixin, BaseEstimator):
    """Wide & deep Keras 3 model ('rnn' GRU or 'cnn' Conv1D) on a SequenceData.

    Inputs: the term sequence (standardised, missing indicators, presence channel,
    right-aligned to the training length) and the tabular view (the baselines' features:
    imputed, scaled, clipped, plus ``bins`` quantile buckets per numeric column). The
    tabular view feeds both the deep head and a linear (wide) path with its own L2
    (``wide_l2``). ``n_seeds`` towers with seeds' own initialisations are trained together
    (class-balanced loss) with early stopping on one stratified validation split of the
    training data (``validation_fraction``, ``patience``) and averaged. On the same split a
    prior correction p * prior**a (a in ``prior_exponents``) is chosen by macro-F1.
    ``refit_full`` retrains on all rows for the chosen number of epochs (slower).
    """

    def __init__(
        self,
        arch: str = "rnn",
        *,
        seed: int = 0,
        units: int = 32,
        hidden: int = 32,
        dropout: float = 0.3,
        l2: float = 1e-3,
        wide_l2: float = 1e-2,
        learning_rate: float = 3e-3,
        epochs: int = 100,
        batch_size: int = 64,
        patience: int = 15,
        validation_fraction: float = 0.15,
        n_seeds: int = 3,
        prior_exponents: tuple[float, ...] = (0.0, 0.5, 1.0),
        bins: int = 16,
        refit_full: bool = False,
    ):
        self.arch = arch
        self.seed = seed
        self.units = units
        self.hidden = hidden
        self.dropout = dropout
        self.l2 = l2
        self.wide_l2 = wide_l2
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.n_seeds = n_seeds
        self.prior_exponents = prior_exponents
        self.bins = bins
        self.refit_full = refit_full

    # -- preprocessing
    def _inputs(self, data: SequenceData) -> list[np.ndarray]:
        frame = tabular_frame(data)
        static = self.static_prep_.transform(frame[self.numeric_ + self.categorical_])
        static = np.asarray(static, dtype=np.float32)
        if self.seq_scaler_.n_steps_ == 0:
            return [static]
        return [self.seq_scaler_.transform(data), static]

    def fit(self, data: SequenceData, y: Any = None) -> KerasSequenceClassifier:
        """Fit on ``data`` with labels ``y`` (default ``data.y``); returns self."""
        keras = _keras()
        codes = encode_labels(data.y if y is None else y)
        frame = tabular_frame(data)
        self.numeric_ = _usable_numeric(frame, data)
        self.categorical_ = list(data.static_categorical)
        self.static_prep_ = _tabular_preprocessor(
            self.numeric_, self.categorical_, clip=5.0, bins=self.bins
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            self.static_prep_.fit(frame[self.numeric_ + self.categorical_])
        self.seq_scaler_ = _SequenceScaler().fit(data)
        inputs = self._inputs(data)
        weights = balanced_sample_weight(codes)
        train_idx, val_idx = _validation_split(codes, self.validation_fraction, self.seed)

        if self.arch not in DEEP_MODELS:
            raise ValueError(f"Arsitektur '{self.arch}' tidak dikenal.")
        # Big schools: one tower (a seed ensemble adds little on many rows), patience 5 on
        # the (then large and smooth) validation slice, at most 40 epochs.
        big = len(codes) >= _tabular.BIG_ROWS
        n_seeds = 1 if big else self.n_seeds
        patience = min(self.patience, 5) if big else self.patience
        max_epochs = min(self.epochs, 40) if big else self.epochs
        self.epochs_run_, self.samples_trained_ = 0, 0

        def train(rows: np.ndarray, val: np.ndarray | None, epochs: int, seed: int) -> int:
            keras.utils.set_random_seed(seed)
            builder = build_rnn if self.arch == "rnn" else build_cnn
            self.model_ = builder(
                self.seq_scaler_.n_steps_,
                self.seq_scaler_.n_channels,
                inputs[-1].shape[1],
                units=self.units,
                hidden=self.hidden,
                dropout=self.dropout,
                l2=self.l2,
                wide_l2=self.wide_l2,
                n_towers=n_seeds,
            )
            self.model_.compile(
                optimizer=keras.optimizers.Adam(self.learning_rate),
                loss=["sparse_categorical_crossentropy"] * n_seeds,
            )
            best, ran, rows_per_epoch = _train_with_early_stopping(
                self.model_,
                inputs,
                codes,
                weights,
                rows,
                val,
                epochs=epochs,
                batch_size=self.batch_size,
                patience=patience,
                n_outputs=n_seeds,
                rng=np.random.default_rng(seed),
            )
            # For throughput figures (benchmarks/gpu_train.py): samples pushed through training.
            self.epochs_run_ = getattr(self, "epochs_run_", 0) + ran
            self.samples_trained_ = getattr(self, "samples_trained_", 0) + ran * rows_per_epoch
            return best

        self.best_epoch_ = train(train_idx, val_idx, max_epochs, self.seed)
        self.network_ = str(self.model_.name)  # which network ran (e.g. cnn_tabular_mlp)
        # Class weights make the net over-predict rare classes. Put part of the training
        # prior back (p * prior**a), with a chosen on the validation split of THIS training
        # data by macro-F1 (ties -> the smaller a, which keeps more recall for 'kurang').
        self.class_prior_ = np.bincount(codes, minlength=len(LABELS)) / len(codes)
        val_proba = self._raw_proba([x[val_idx] for x in inputs])
        scores = [
            f1_score(codes[val_idx], self._with_prior(val_proba, a).argmax(axis=1), average="macro")
            for a in self.prior_exponents
        ]
        self.prior_exponent_ = float(self.prior_exponents[int(np.argmax(scores))])
        if self.refit_full:
            # The validation rows chose the epoch count; now let them help fit the weights.
            train(np.arange(len(codes)), None, self.best_epoch_, self.seed + 1)
        return self

    def _with_prior(self, proba: np.ndarray, exponent: float) -> np.ndarray:
        adjusted = proba * np.power(np.maximum(self.class_prior_, 1e-6), exponent)
        return adjusted / adjusted.sum(axis=1, keepdims=True)

    def _raw_proba(self, inputs: list[np.ndarray], batch_size: int = 8192) -> np.ndarray:
        n = len(inputs[0])
        out = np.zeros((n, len(LABELS)))
        for start in range(0, n, batch_size):
            chunk = [x[start : start + batch_size] for x in inputs]
            out[start : start + batch_size] = _mean_output(
                self.model_.predict_on_batch(_one(chunk))
            )
        return out / out.sum(axis=1, keepdims=True)

    def predict_proba(self, data: SequenceData, *, batch_size: int = 8192) -> np.ndarray:
        """(n, 3) probabilities in LABELS order (mean over the seed towers, prior-adjusted)."""
        raw = self._raw_proba(self._inputs(data), batch_size)
        return self._with_prior(raw, self.prior_exponent_)

    # -- pickling: Keras models travel as .keras archives (bytes) inside the estimator.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if "model_" in state:
            state["model_"] = _keras_to_bytes(state["model_"])
        return state

    def __setstate__(self, state: dict) -> None:
        if "model_" in state:
            state = {**state, "model_": _keras_from_bytes(state["model_"])}
        self.__dict__.update(state)


def _one(inputs: list[np.ndarray]) -> list[np.ndarray] | np.ndarray:
    return inputs[0] if len(inputs) == 1 else inputs


def _mean_output(pred: Any) -> np.ndarray:
    if isinstance(pred, list | tuple):
        return np.mean([np.asarray(p, dtype=np.float64) for p in pred], axis=0)
    return np.asarray(pred, dtype=np.float64)


def _train_with_early_stopping(
    model,
    inputs: list[np.ndarray],
    codes: np.ndarray,
    weights: np.ndarray,
    train_idx: np.ndarray,
    val_idx: np.ndarray | None,
    *,
    epochs: int,
    batch_size: int,
    patience: int,
    n_outputs: int,
    rng: np.random.Generator,
) -> tuple[int, int, int]:
    """Mini-batch training with early stopping on the (class-weighted) cross-entropy of the
    averaged towers on ``val_idx``; the best epoch's weights are restored. Returns (that epoch,
    epochs run, samples per epoch).

    A plain loop of ``train_on_batch`` rather than ``fit``: on small data Keras' per-epoch
    machinery costs far more than the maths. Every batch has the same size (the last one is
    topped up from a fresh permutation), so the compiled step is traced once.
    """
    # Big schools: grow the batch so an epoch is at most _MAX_STEPS_PER_EPOCH steps (no-op
    # below ~3,000 training rows), keeping a 50,000-student fit within minutes on a CPU.
    bs = min(max(batch_size, -(-len(train_idx) // _MAX_STEPS_PER_EPOCH)), len(train_idx))
    steps = -(-len(train_idx) // bs)
    best_loss, best_epoch, best_weights, wait = np.inf, 0, model.get_weights(), 0
    for epoch in range(1, epochs + 1):
        order = np.concatenate([rng.permutation(train_idx), rng.permutation(train_idx)])
        for s in range(steps):
            b = order[s * bs : (s + 1) * bs]
            y_b, w_b = codes[b], weights[b]
            model.train_on_batch(
                _one([x[b] for x in inputs]),
                [y_b] * n_outputs if n_outputs > 1 else y_b,
                sample_weight=[w_b] * n_outputs if n_outputs > 1 else w_b,
            )
        if val_idx is None:  # fixed number of epochs, keep the last weights
            best_epoch, best_weights = epoch, None
            continue
        proba = _mean_output(model.predict_on_batch(_one([x[val_idx] for x in inputs])))
        y_val, w_val = codes[val_idx], weights[val_idx]
        p_true = np.clip(proba[np.arange(len(y_val)), y_val], 1e-7, 1.0)
        loss = float(np.sum(-np.log(p_true) * w_val) / np.sum(w_val))
        if loss < best_loss - 1e-4:
            best_loss, best_epoch, best_weights, wait = loss, epoch, model.get_weights(), 0
        else:
            wait += 1
            if wait >= patience:
                break
    if best_weights is not None:
        model.set_weights(best_weights)
    return best_epoch, epoch, steps * bs


def _validation_split(
    codes: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (train, validation) positions from the training data only."""
    idx = np.arange(len(codes))
    n_val = max(int(round(fraction * len(codes))), len(LABELS))
    counts = np.bincount(codes, minlength=len(LABELS))
    stratify = codes if counts[counts > 0].min() >= 2 and n_val < len(codes) else None
    if stratify is None:
        rng = np.random.default_rng(seed)
        perm = rng.permutation(idx)
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])
    split = StratifiedShuffleSplit(n_splits=1, test_size=n_val, random_state=seed)
    train, val = next(split.split(idx, stratify))
    return train, val


def _keras_to_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        with open(path, "rb") as fh:
            return fh.read()


def _keras_from_bytes(blob: bytes):
    keras = _keras()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        with open(path, "wb") as fh:
            fh.write(blob)
        return keras.saving.load_model(path, compile=False)
