"""Five models behind one interface: ``fit(data, y)``, ``predict_proba(data)``, ``predict``.

- ``rnn``  : Keras 3 GRU over the term sequence (masked history lengths) + static/tabular head.
- ``cnn``  : Keras 3 Conv1D over the same sequence + the same head; without a sequence, a
  deeper tabular network (never the same network as ``rnn``).
- ``rf``, ``lr``, ``gbdt``: scikit-learn on a tabular flattening (`tabular.tabular_frame`).
- ``ensemble``: weighted soft vote of fitted members.

The code lives in `predictions.ml.tabular` (scikit-learn, never imports Keras) and
`predictions.ml.deep` with `predictions.ml.networks` (Keras, imported lazily inside
functions); this module keeps the public names in one place. Probabilities always have 3
columns in LABELS order (kurang, sedang, baik), even if a class was absent from the training
data. All preprocessing is fitted inside ``fit``; any early stopping uses a validation split
carved from the training data given to ``fit``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from predictions.ml.calibration import vote
from predictions.ml.data import SequenceData
from predictions.ml.deep import DEEP_MODELS, KerasSequenceClassifier
from predictions.ml.networks import build_cnn, build_rnn
from predictions.ml.tabular import (
    TABULAR_MODELS,
    TabularClassifier,
    _ClassifierMixin,
    balanced_sample_weight,
    encode_labels,
)

MODEL_NAMES: tuple[str, ...] = ("rnn", "cnn", "rf", "lr", "gbdt")
ENSEMBLE = "ensemble"

__all__ = [
    "DEEP_MODELS",
    "ENSEMBLE",
    "MODEL_NAMES",
    "TABULAR_MODELS",
    "KerasSequenceClassifier",
    "SoftVoteEnsemble",
    "TabularClassifier",
    "balanced_sample_weight",
    "build_cnn",
    "build_rnn",
    "encode_labels",
    "make_model",
]


def make_model(name: str, *, seed: int = 0, **params: Any) -> BaseEstimator:
    """Return an unfitted model by name ('rnn', 'cnn', 'rf', 'lr', 'gbdt', 'ensemble').

    ``params`` go to the model's constructor (e.g. ``epochs=20`` for the deep models, or
    ``params={"n_estimators": 100}`` to override a baseline's sklearn estimator).
    """
    if name in DEEP_MODELS:
        return KerasSequenceClassifier(arch=name, seed=seed, **params)
    if name in TABULAR_MODELS:
        return TabularClassifier(kind=name, seed=seed, **params)
    if name == ENSEMBLE:
        return SoftVoteEnsemble(seed=seed, **params)
    raise ValueError(f"Model '{name}' tidak dikenal; pilih dari {[*MODEL_NAMES, ENSEMBLE]}.")


class SoftVoteEnsemble(_ClassifierMixin, BaseEstimator):
    """Weighted vote of the members' probabilities (default: all five, equal weights):
    ``pool`` "mean" (linear) or "log" (logarithmic), see `calibration.vote`.

    In a training run the members are the already refitted models and the weights were
    fitted on their out-of-fold predictions (`from_fitted`); ``fit`` fits fresh members.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        members: tuple[str, ...] = MODEL_NAMES,
        weights: Sequence[float] | None = None,
        pool: str = "mean",
    ):
        self.seed = seed
        self.members = members
        self.weights = weights
        self.pool = pool

    @classmethod
    def from_fitted(
        cls,
        models: Mapping[str, Any],
        weights: Sequence[float] | None = None,
        *,
        seed: int = 0,
        pool: str = "mean",
    ) -> SoftVoteEnsemble:
        ens = cls(seed=seed, members=tuple(models), weights=weights, pool=pool)
        ens.models_ = list(models.values())
        return ens

    def fit(self, data: SequenceData, y: Any = None) -> SoftVoteEnsemble:
        self.models_ = [make_model(name, seed=self.seed).fit(data, y) for name in self.members]
        return self

    def predict_proba(self, data: SequenceData) -> np.ndarray:
        probas = [np.asarray(m.predict_proba(data), np.float64) for m in self.models_]
        w = np.ones(len(probas)) if self.weights is None else np.asarray(self.weights, float)
        return vote(probas, w / w.sum(), getattr(self, "pool", "mean"))
