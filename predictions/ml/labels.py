"""Target categories: kurang / sedang / baik.

`kurang` is the at-risk class. Everything here is vectorised and NaN-aware: a missing
average (or a value outside every bin) becomes a missing label (``None`` / NaN), never a
silent guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

LABELS: tuple[str, str, str] = ("kurang", "sedang", "baik")
AT_RISK = "kurang"


def category_from_average(
    avg: float | Sequence[float] | np.ndarray | pd.Series,
    *,
    kkm: float = 75.0,
    baik: float = 85.0,
) -> str | None | np.ndarray | pd.Series:
    """Map a term average (0-100) to its category.

    ``avg < kkm`` -> 'kurang'; ``kkm <= avg < baik`` -> 'sedang'; ``avg >= baik`` -> 'baik'.
    NaN -> missing. A scalar gives a str (or None); an array gives an object array; a Series
    gives a Series with the same index (missing as NaN).
    """
    if kkm > baik:
        raise ValueError(f"KKM ({kkm}) tidak boleh lebih besar dari batas baik ({baik}).")
    is_series = isinstance(avg, pd.Series)
    values = np.asarray(avg, dtype=float)
    out = np.full(values.shape, None, dtype=object)
    out[values < kkm] = "kurang"
    out[(values >= kkm) & (values < baik)] = "sedang"
    out[values >= baik] = "baik"
    if is_series:
        return pd.Series(out, index=avg.index, name=avg.name).where(pd.notna(avg))
    if values.ndim == 0:
        return out.item()
    return out


def bin_target(series: pd.Series, bins: Mapping[str, Sequence[float | None]]) -> pd.Series:
    """Bin a numeric column into categories with half-open ``[low, high)`` intervals.

    ``bins`` maps each label to ``[low, high]``; ``None`` is unbounded. Values that fall in no
    bin (or are missing / non-numeric) become NaN. Overlapping bins are refused.
    """
    intervals = []
    for label, bounds in bins.items():
        if len(bounds) != 2:
            raise ValueError(
                f"Batas kelas '{label}' harus [bawah, atas] (bounds must be [low, high])."
            )
        low = -np.inf if bounds[0] is None else float(bounds[0])
        high = np.inf if bounds[1] is None else float(bounds[1])
        if low >= high:
            raise ValueError(f"Rentang kelas '{label}' kosong: {bounds} (empty bin).")
        intervals.append((low, high, label))
    intervals.sort()
    for (_, high, label), (low, _, other) in zip(intervals, intervals[1:], strict=False):
        if low < high:
            raise ValueError(
                f"Rentang kelas '{label}' dan '{other}' tumpang tindih (bins overlap)."
            )
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    out = np.full(values.shape, None, dtype=object)
    hit = np.zeros(values.shape, dtype=bool)
    for low, high, label in intervals:
        inside = (values >= low) & (values < high)
        out[inside] = label
        hit |= inside
    return pd.Series(out, index=series.index, name=series.name).where(hit)


def map_target(series: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map raw target values to categories (e.g. ``{"Dropout": "kurang"}``).

    Keys are compared as strings, so a CSV column read as numbers still maps ``{"0": ...}``.
    Unmapped or missing values become NaN.
    """
    keyed = {str(k): v for k, v in mapping.items()}
    as_text = series.map(lambda v: None if pd.isna(v) else _key(v))
    return as_text.map(keyed).rename(series.name)


def _key(value: object) -> str:
    # 1.0 read from a CSV should still match the key "1".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def validate_labels(y: Sequence[str] | np.ndarray) -> np.ndarray:
    """Return ``y`` as an object array, refusing anything outside LABELS."""
    arr = np.asarray(y, dtype=object)
    bad = sorted({str(v) for v in arr if v not in LABELS})
    if bad:
        raise ValueError(f"Label tidak dikenal: {bad}; harus salah satu dari {list(LABELS)}.")
    return arr
