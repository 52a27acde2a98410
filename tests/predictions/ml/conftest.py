"""Fixtures for the ML tests: tiny synthetic data with a planted signal, fixed seeds."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import pytest

from predictions.ml.data import SequenceData
from predictions.ml.features import build_training_samples
from predictions.ml.labels import category_from_average
from tests.predictions.ml.synthetic import make_school_frames


def planted_sequence_data(n: int = 300, *, n_steps: int = 3, seed: int = 0) -> SequenceData:
    """Label = category of (last-step feature 'score' + small noise); the rest is noise.

    Histories have 1..n_steps real steps and a little missing data, like real schools.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, n_steps + 1, n)
    seq = np.zeros((n, n_steps, 2), dtype=np.float32)
    score = rng.uniform(60, 100, size=(n, n_steps))
    noise = rng.normal(0, 1, size=(n, n_steps))
    for i in range(n):
        seq[i, : lengths[i], 0] = score[i, : lengths[i]]
        seq[i, : lengths[i], 1] = noise[i, : lengths[i]]
    last = score[np.arange(n), lengths - 1]
    seq[rng.random((n, n_steps)) < 0.03] = np.nan
    seq[np.arange(n), lengths - 1, 0] = last  # keep the signal itself observed
    seq[np.arange(n_steps)[None, :] >= lengths[:, None]] = 0.0
    y = category_from_average(last + rng.normal(0, 1.0, n))
    static = pd.DataFrame(
        {
            "major": rng.choice(["TKJ", "AKL", None], n),
            "distance_km": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2, 3, n)),
        }
    )
    return SequenceData(
        seq=seq,
        lengths=lengths,
        static=static,
        feature_names=["score", "noise"],
        static_categorical=["major"],
        static_numeric=["distance_km"],
        y=y,
        groups=np.arange(n),
    )


@pytest.fixture(scope="session")
def planted() -> SequenceData:
    return planted_sequence_data()


@pytest.fixture(scope="session")
def school_frames() -> dict[str, pd.DataFrame]:
    return make_school_frames(120, 4, seed=3)


@pytest.fixture(scope="session")
def school_data(school_frames) -> SequenceData:
    f = school_frames
    return build_training_samples(f["grades"], f["attendance"], f["ratings"], f["students"])
