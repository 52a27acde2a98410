"""Batched scoring and teacher-readable reasons (model-agnostic occlusion).

For each feature GROUP (e.g. the kejuruan average, alpa, attendance) every student's latest
term values are replaced by a reference (the training median, or the student's own previous
term for grade trends) and the model is asked again, for all students in one batch per
group. The drop in P(kurang) is measured on the log-odds scale (``weight``; positive = this
group raised the risk), because a student at P = 0.999 still has a reason even if one
group alone only moves P to 0.99; the plain probability drop is reported as ``delta_p``.
The top groups get an Indonesian sentence built from the student's real values.

No TensorFlow import here: a deep model brings Keras with it when it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from predictions.ml.data import SequenceData

Describe = Callable[[dict[str, Any]], str]


# Displayed probabilities stay inside [PROBA_FLOOR, 1 - 2 * PROBA_FLOOR]: no student is shown
# "0%" or "100%" (a model is never that sure, and a rounded 0.996 reads as certainty).
PROBA_FLOOR = 0.01


def bound_probabilities(proba: np.ndarray, floor: float = PROBA_FLOOR) -> np.ndarray:
    """Shrink towards uniform: p' = floor + (1 - 3 * floor) * p. Rows still sum to 1, the
    ranking of students and the predicted class do not change, and 0 < p' < 1."""
    proba = np.asarray(proba, dtype=np.float64)
    return floor + (1.0 - proba.shape[1] * floor) * proba


def unbound_probabilities(proba: np.ndarray, floor: float = PROBA_FLOOR) -> np.ndarray:
    """Inverse of `bound_probabilities`."""
    proba = np.asarray(proba, dtype=np.float64)
    return (proba - floor) / (1.0 - proba.shape[1] * floor)


def raw_score(model: Any, data: SequenceData, *, batch_size: int = 65536) -> np.ndarray:
    """(n, 3) model probabilities in LABELS order, computed in large batches."""
    if len(data) <= batch_size:
        return np.asarray(model.predict_proba(data), dtype=np.float64)
    parts = [
        model.predict_proba(data.subset(np.arange(start, min(start + batch_size, len(data)))))
        for start in range(0, len(data), batch_size)
    ]
    return np.concatenate(parts).astype(np.float64)


def score(model: Any, data: SequenceData, *, batch_size: int = 65536) -> np.ndarray:
    """(n, 3) probabilities as stored and shown: `raw_score` bounded away from 0 and 1
    (`bound_probabilities`)."""
    return bound_probabilities(raw_score(model, data, batch_size=batch_size))


@dataclass(frozen=True)
class FeatureGroup:
    """Features occluded together. ``step_features`` are replaced in the latest real step,
    ``static_columns`` in the static table. ``reference`` is 'median' (training median /
    mode) or 'previous' (the student's previous term; the median when there is none)."""

    code: str
    step_features: tuple[str, ...] = ()
    static_columns: tuple[str, ...] = ()
    reference: str = "median"
    describe: Describe | None = None
    # Replace only values that were observed: a student without a PKL placement (NaN) is not
    # "explained" by the PKL they never had.
    only_observed: bool = False


# --------------------------------------------------------------------------- sentences


def _num(value: float, digits: int = 1) -> str:
    """Indonesian number: decimal comma, no trailing ',0'."""
    if value is None or pd.isna(value):
        return "-"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


def _trend(label: str, feature: str, v: dict[str, Any]) -> str:
    now, before = v["last"].get(feature), v["prev"].get(feature)
    if now is None or pd.isna(now):
        return f"Rata-rata {label} belum ada"
    if before is not None and not pd.isna(before) and abs(now - before) >= 1:
        verb = "turun" if now < before else "naik"
        return (
            f"Rata-rata {label} {verb} {_num(abs(now - before), 0)} poin "
            f"({_num(before)} → {_num(now)})"
        )
    below = f", di bawah KKM {_num(v['kkm'])}" if now < v["kkm"] else ""
    return f"Rata-rata {label} {_num(now)}{below}"


def _step_value(name: str, v: dict[str, Any]) -> str:
    return f"{name} = {_num(v['last'].get(name))}"


def _static_value(name: str, v: dict[str, Any]) -> str:
    return f"{name} = {v['static'].get(name)}"


def _overall(v: dict[str, Any]) -> str:
    avg, below = v["last"].get("avg"), v["last"].get("n_below_kkm")
    text = f"Rata-rata semua mapel {_num(avg)}"
    if below is not None and not pd.isna(below) and below > 0:
        text += f"; {_num(below, 0)} mapel di bawah KKM"
    return text


def _alpa(v: dict[str, Any]) -> str:
    return f"Alpa {_num(v['last'].get('alpa'), 0)} hari pada semester ini"


def _attendance(v: dict[str, Any]) -> str:
    rate = v["last"].get("attendance_rate")
    if rate is None or pd.isna(rate):
        return "Data kehadiran semester ini belum ada"
    sakit, izin = v["last"].get("sakit"), v["last"].get("izin")
    return f"Kehadiran {_num(100 * rate, 0)}% (sakit {_num(sakit, 0)}, izin {_num(izin, 0)} hari)"


def _attitude(v: dict[str, Any]) -> str:
    mot, soc = v["last"].get("motivation"), v["last"].get("social_skills")
    if (mot is None or pd.isna(mot)) and (soc is None or pd.isna(soc)):
        return "Penilaian motivasi dan sosial belum ada"
    return f"Motivasi {_num(mot)} dari 5, keterampilan sosial {_num(soc)} dari 5"


def _socio(v: dict[str, Any]) -> str:
    s = v["static"]
    bits = []
    if s.get("kip") == 1.0:
        bits.append("penerima KIP")
    if s.get("income_bracket") is not None and not pd.isna(s.get("income_bracket")):
        if s["income_bracket"] < 0.5:  # bracket 0 is "Tidak berpenghasilan", not a rank 0 of 5
            bits.append("orang tua tidak berpenghasilan")
        else:
            bits.append(f"kelompok penghasilan {_num(s['income_bracket'], 0)} dari 5")
    if s.get("distance_km") is not None and not pd.isna(s.get("distance_km")):
        bits.append(f"jarak rumah {_num(s['distance_km'])} km")
    return "Faktor sosial-ekonomi" + (": " + ", ".join(bits) if bits else "")


def _conduct(v: dict[str, Any]) -> str:
    points = v["last"].get("conduct_points")
    if points is None or pd.isna(points):
        return "Poin perilaku semester ini belum dicatat"
    if points <= 0:
        return "Tidak ada poin pelanggaran bersih pada semester ini"
    return f"Poin pelanggaran {_num(points, 0)} pada semester ini"


def _pkl(v: dict[str, Any]) -> str:
    rate = v["last"].get("pkl_attendance_rate")
    att, skill = v["last"].get("pkl_attitude"), v["last"].get("pkl_skills")
    if all(x is None or pd.isna(x) for x in (rate, att, skill)):
        return "Data PKL semester ini belum ada"
    rate_text = "-" if rate is None or pd.isna(rate) else f"{_num(100 * rate, 0)}%"
    return (
        f"PKL: kehadiran {rate_text}, nilai sikap dari pembimbing {_num(att, 0)}, "
        f"keterampilan {_num(skill, 0)}"
    )


SCHOOL_GROUPS: tuple[FeatureGroup, ...] = (
    FeatureGroup(
        "nilai_kejuruan",
        ("avg_kejuruan",),
        reference="previous",
        describe=partial(_trend, "kejuruan", "avg_kejuruan"),
    ),
    FeatureGroup(
        "nilai_umum",
        ("avg_umum",),
        reference="previous",
        describe=partial(_trend, "umum", "avg_umum"),
    ),
    FeatureGroup("nilai_rata_rata", ("avg", "avg_change", "n_below_kkm"), describe=_overall),
    FeatureGroup("alpa", ("alpa",), describe=_alpa),
    FeatureGroup("kehadiran", ("attendance_rate", "sakit", "izin"), describe=_attendance),
    FeatureGroup("motivasi_sosial", ("motivation", "social_skills"), describe=_attitude),
    FeatureGroup(
        "sosial_ekonomi",
        static_columns=("kip", "income_bracket", "parent_education", "distance_km"),
        describe=_socio,
    ),
)


# Groups of the optional school features (conduct points, PKL); used when the data has them.
OPTIONAL_GROUPS: tuple[FeatureGroup, ...] = (
    FeatureGroup("poin_perilaku", ("conduct_points",), describe=_conduct, only_observed=True),
    FeatureGroup(
        "pkl",
        ("pkl_attendance_rate", "pkl_attitude", "pkl_skills"),
        describe=_pkl,
        only_observed=True,
    ),
)


def default_groups(data: SequenceData) -> tuple[FeatureGroup, ...]:
    """SCHOOL_GROUPS (and the OPTIONAL_GROUPS whose features the data has) for school data;
    otherwise one group per step feature / static column."""
    names = set(data.feature_names)
    if {f for g in SCHOOL_GROUPS for f in g.step_features} <= names:
        return SCHOOL_GROUPS + tuple(g for g in OPTIONAL_GROUPS if set(g.step_features) <= names)
    # partial, not lambdas: a fitted Explainer must pickle (it is saved next to the model).
    groups = [
        FeatureGroup(name, (name,), describe=partial(_step_value, name))
        for name in data.feature_names
    ]
    groups += [
        FeatureGroup(col, static_columns=(col,), describe=partial(_static_value, col))
        for col in data.static.columns
    ]
    return tuple(groups)


# --------------------------------------------------------------------------- occlusion


class Explainer:
    """Occlusion explanations. ``fit`` learns reference values (medians of the latest-step
    features and static numerics, modes of static categoricals) from TRAINING data;
    ``explain`` returns, per student, the top groups that raised P(kurang)."""

    def __init__(
        self,
        groups: Sequence[FeatureGroup] | None = None,
        *,
        top_k: int = 3,
        min_weight: float = 0.05,
        kkm: float = 75.0,
    ):
        self.groups = groups
        self.top_k = top_k
        self.min_weight = min_weight
        self.kkm = kkm

    def fit(self, data: SequenceData) -> Explainer:
        """Learn reference values from training samples; returns self."""
        last = _last_step(data)
        self.step_reference_ = {
            name: float(np.nanmedian(last[:, i])) if np.isfinite(last[:, i]).any() else 0.0
            for i, name in enumerate(data.feature_names)
        }
        self.static_reference_ = {}
        for col in data.static.columns:
            values = data.static[col].dropna()
            if col in data.static_categorical:
                self.static_reference_[col] = values.mode().iloc[0] if len(values) else np.nan
            else:
                self.static_reference_[col] = float(values.median()) if len(values) else np.nan
        self.groups_ = tuple(self.groups) if self.groups is not None else default_groups(data)
        return self

    def reference(self) -> dict[str, dict[str, Any]]:
        """The learned reference values as plain JSON (stored with a model version)."""

        def plain(value: Any) -> Any:
            if isinstance(value, float | np.floating) and not np.isfinite(value):
                return None
            return value.item() if isinstance(value, np.generic) else value

        return {
            "step": {k: plain(v) for k, v in self.step_reference_.items()},
            "static": {k: plain(v) for k, v in self.static_reference_.items()},
        }

    @classmethod
    def from_reference(
        cls, reference: dict[str, dict[str, Any]], data: SequenceData, **params: Any
    ) -> Explainer:
        """An explainer with the reference values a training run stored (see `reference`);
        ``data`` only decides the feature groups."""
        explainer = cls(**params)
        explainer.step_reference_ = {
            k: (np.nan if v is None else float(v)) for k, v in reference["step"].items()
        }
        explainer.static_reference_ = {
            k: (np.nan if v is None else v) for k, v in reference["static"].items()
        }
        groups = explainer.groups
        explainer.groups_ = tuple(groups) if groups is not None else default_groups(data)
        return explainer

    def weights(
        self, model: Any, data: SequenceData, *, base: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(p_kurang (n,), occluded p_kurang (n, n_groups)) for every group. ``base``: the
        (n, 3) probabilities when the caller already has them.

        One batched model call per group (never one call per student). Works on the raw
        model probabilities (``base`` from `score` is unbounded first), so the log-odds
        weights are those of the model itself."""
        base = (raw_score(model, data) if base is None else unbound_probabilities(base))[:, 0]
        occluded = np.zeros((len(data), len(self.groups_)))
        for g, group in enumerate(self.groups_):
            occluded[:, g] = raw_score(model, self._occlude(data, group))[:, 0]
        return base, occluded

    def explain(
        self, model: Any, data: SequenceData, *, base: np.ndarray | None = None
    ) -> list[list[dict[str, Any]]]:
        """Per student (data order): up to ``top_k`` dicts {"code", "weight", "delta_p",
        "text"}, largest weight (log-odds drop of P(kurang)) first, only groups whose weight
        is >= ``min_weight`` (they raised the risk)."""
        base, occluded = self.weights(model, data, base=base)
        weights = _logit(base)[:, None] - _logit(occluded)
        last, prev = _last_step(data), _prev_step(data)
        names = data.feature_names
        static_rows = data.static.to_dict("records")
        order = np.argsort(-weights, axis=1)[:, : self.top_k]
        result: list[list[dict[str, Any]]] = []
        for i in range(len(data)):
            values = {
                "last": dict(zip(names, last[i].tolist(), strict=True)),
                "prev": dict(zip(names, prev[i].tolist(), strict=True)),
                "static": static_rows[i],
                "kkm": self.kkm,
            }
            reasons = []
            for g in order[i]:
                if weights[i, g] < self.min_weight:
                    break
                group = self.groups_[g]
                text = group.describe(values) if group.describe else group.code
                reasons.append(
                    {
                        "code": group.code,
                        "weight": round(float(weights[i, g]), 4),
                        "delta_p": round(float(base[i] - occluded[i, g]), 4),
                        "text": text,
                    }
                )
            result.append(reasons)
        return result

    def _occlude(self, data: SequenceData, group: FeatureGroup) -> SequenceData:
        seq = data.seq
        if group.step_features and data.n_steps:
            seq = data.seq.copy()
            rows = np.flatnonzero(data.lengths > 0)
            last_idx = data.lengths[rows] - 1
            prev = _prev_step(data)
            for name in group.step_features:
                if name not in data.feature_names:
                    continue
                f = data.feature_names.index(name)
                ref = np.full(len(data), self.step_reference_.get(name, np.nan), np.float32)
                if group.reference == "previous":
                    ref = np.where(np.isnan(prev[:, f]), ref, prev[:, f]).astype(np.float32)
                if group.only_observed:
                    current = seq[rows, last_idx, f]
                    ref[rows] = np.where(np.isnan(current), current, ref[rows])
                seq[rows, last_idx, f] = ref[rows]
        static = data.static
        if group.static_columns:
            static = data.static.copy()
            for col in group.static_columns:
                if col in static.columns:
                    static[col] = self.static_reference_[col]
        return data.replace(seq=seq, static=static)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p) - np.log1p(-p)


def _last_step(data: SequenceData) -> np.ndarray:
    """(n, F) latest real step (NaN when the sample has no steps)."""
    n, f = len(data), data.seq.shape[2]
    if not data.n_steps:
        return np.full((n, f), np.nan)
    vals = data.seq[np.arange(n), np.clip(data.lengths - 1, 0, None)].astype(np.float64)
    vals[data.lengths < 1] = np.nan
    return vals


def _prev_step(data: SequenceData) -> np.ndarray:
    """(n, F) step before the latest (NaN when there is none)."""
    n, f = len(data), data.seq.shape[2]
    if data.n_steps < 2:
        return np.full((n, f), np.nan)
    vals = data.seq[np.arange(n), np.clip(data.lengths - 2, 0, None)].astype(np.float64)
    vals[data.lengths < 2] = np.nan
    return vals
