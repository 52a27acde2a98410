"""`SequenceData`: the one input type of every model (a per-term feature sequence per
sample plus static per-student columns). No Django, no Keras."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class SequenceData:
    """The one input type of every model.

    Attributes:
        seq: float32 array (n, T, F). Steps oldest first; step j of sample i is real when
            ``j < lengths[i]``; padding (right side) is 0. Real steps may hold NaN (missing).
        lengths: int array (n,), number of real steps per sample (0..T).
        static: DataFrame with n rows (index 0..n-1), columns ``static_categorical`` +
            ``static_numeric``; NaN allowed.
        feature_names: the F per-step feature names.
        static_categorical / static_numeric: the static column names by kind.
        y: object array (n,) of labels (LABELS) or None for scoring data.
        groups: array (n,) of student ids (for grouped folds); may be None.
        terms: object array (n,) with the sample's last term ('YYYY-S'), or None.
    """

    seq: np.ndarray
    lengths: np.ndarray
    static: pd.DataFrame
    feature_names: list[str]
    static_categorical: list[str] = field(default_factory=list)
    static_numeric: list[str] = field(default_factory=list)
    y: np.ndarray | None = None
    groups: np.ndarray | None = None
    terms: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.seq = np.asarray(self.seq, dtype=np.float32)
        if self.seq.ndim != 3:
            raise ValueError(f"seq harus 3 dimensi (n, T, F), bukan {self.seq.shape}.")
        self.lengths = np.asarray(self.lengths, dtype=np.int64)
        n = self.seq.shape[0]
        if len(self.lengths) != n or len(self.static) != n:
            raise ValueError("seq, lengths dan static harus punya jumlah baris yang sama.")
        if self.seq.shape[2] != len(self.feature_names):
            raise ValueError("Jumlah fitur seq tidak sama dengan feature_names.")
        self.static = self.static.reset_index(drop=True)

    def __len__(self) -> int:
        return int(self.seq.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.seq.shape[1])

    @property
    def mask(self) -> np.ndarray:
        """Boolean (n, T): True where the step is real."""
        return np.arange(self.n_steps)[None, :] < self.lengths[:, None]

    def subset(self, idx: np.ndarray | Sequence[int]) -> SequenceData:
        """Rows ``idx`` (positions) as a new SequenceData (arrays copied)."""
        idx = np.asarray(idx)
        return SequenceData(
            seq=self.seq[idx],
            lengths=self.lengths[idx],
            static=self.static.iloc[idx].reset_index(drop=True),
            feature_names=list(self.feature_names),
            static_categorical=list(self.static_categorical),
            static_numeric=list(self.static_numeric),
            y=None if self.y is None else self.y[idx],
            groups=None if self.groups is None else self.groups[idx],
            terms=None if self.terms is None else self.terms[idx],
        )

    def replace(self, **changes: object) -> SequenceData:
        """A copy with some attributes replaced (used by explanations)."""
        values = {
            "seq": self.seq,
            "lengths": self.lengths,
            "static": self.static,
            "feature_names": self.feature_names,
            "static_categorical": self.static_categorical,
            "static_numeric": self.static_numeric,
            "y": self.y,
            "groups": self.groups,
            "terms": self.terms,
        }
        values.update(changes)
        return SequenceData(**values)  # type: ignore[arg-type]
