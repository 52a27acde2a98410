"""Feature building: long school tables -> one `SequenceData` (data.py).

Every model takes a `SequenceData`: a per-term feature sequence per sample plus static
(per-student) columns. The school builder makes one training sample per (student, term t)
from terms <= t, labelled with the category of the term average of the NEXT term; nothing
from term t+1 (or later) enters the features of that sample.

No Django here, and no TensorFlow/Keras: the web process imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from predictions.ml.data import SequenceData
from predictions.ml.labels import category_from_average

# Per-term features of the school data, in the order of the sequence's last axis.
STEP_FEATURES: tuple[str, ...] = (
    "avg",
    "avg_umum",
    "avg_kejuruan",
    "avg_change",
    "n_below_kkm",
    "attendance_rate",
    "sakit",
    "izin",
    "alpa",
    "motivation",
    "social_skills",
)
# Per-term features a school may or may not record. They join the sequence only when the
# school has such records at all ("where present"): a school without conduct points or PKL
# trains on STEP_FEATURES alone, and its model's feature_schema says so.
#   conduct_points: net conduct points of the term (violations positive, achievements
#     negative); 0 in a term with no entry, NaN before the school's first recorded term.
#   pkl_attendance_rate (0-1), pkl_attitude, pkl_skills (mentor ratings 0-100): the term's
#     industry placement; NaN in a term without one (the models add a missing indicator).
CONDUCT_FEATURES: tuple[str, ...] = ("conduct_points",)
PKL_FEATURES: tuple[str, ...] = ("pkl_attendance_rate", "pkl_attitude", "pkl_skills")
OPTIONAL_FEATURES: tuple[str, ...] = (*CONDUCT_FEATURES, *PKL_FEATURES)
STATIC_CATEGORICAL: tuple[str, ...] = ("gender", "major", "major_field")
STATIC_NUMERIC: tuple[str, ...] = ("kip", "parent_education", "income_bracket", "distance_km")
_TERM_RE = re.compile(r"^(\d{4})-([12])$")


# --------------------------------------------------------------------------- terms


def term_key(term: str) -> int:
    """'2023-2' -> 4047 (year * 2 + semester - 1), so terms sort and step by +1."""
    match = _TERM_RE.match(str(term))
    if not match:
        raise ValueError(f"Format semester '{term}' salah; harus 'YYYY-S', misalnya '2024-1'.")
    return int(match.group(1)) * 2 + int(match.group(2)) - 1


def key_to_term(key: int) -> str:
    """Inverse of `term_key`."""
    return f"{key // 2}-{key % 2 + 1}"


def next_term(term: str) -> str:
    """'2023-1' -> '2023-2'; '2023-2' -> '2024-1'."""
    return key_to_term(term_key(term) + 1)


# --------------------------------------------------------------------------- school data


def term_table(
    grades: pd.DataFrame,
    attendance: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    *,
    kkm: float = 75.0,
    conduct: pd.DataFrame | None = None,
    pkl: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (student_id, term) that has grades, sorted by student then term.

    Inputs:
        grades: student_id, term ('YYYY-S'), group ('umum'|'kejuruan'|other), score (0-100),
            subject. One row per subject and term.
        attendance: student_id, term, sakit, izin, alpa, school_days (optional, may lack terms).
        ratings: student_id, term, motivation, social_skills (1-5; optional).
        conduct: student_id, term, points (one row per entry or per term; summed). Optional;
            when given and not empty the output has CONDUCT_FEATURES.
        pkl: student_id, term, days_present, days_total, rating_attitude, rating_skills.
            Optional; when given and not empty the output has PKL_FEATURES.
    Output columns: student_id, term, term_key, every name in STEP_FEATURES, then the
    optional features present (`present_features` of the inputs, in OPTIONAL_FEATURES order).
    """
    _require(grades, ("student_id", "term", "group", "score"), "grades")
    g = grades[["student_id", "term", "group", "score"]].copy()
    g["score"] = pd.to_numeric(g["score"], errors="coerce")
    g["term_key"] = g["term"].map(term_key)
    g["below"] = (g["score"] < kkm).astype(float)
    keys = ["student_id", "term_key"]
    table = g.groupby(keys, sort=True).agg(avg=("score", "mean"), n_below_kkm=("below", "sum"))
    for grp in ("umum", "kejuruan"):
        part = g[g["group"] == grp].groupby(keys)["score"].mean().rename(f"avg_{grp}")
        table = table.join(part)
    table = table.reset_index()
    # The previous row of the same student is the previous term with grades (gaps allowed).
    table["avg_change"] = table.groupby("student_id")["avg"].diff()

    att_cols = ["sakit", "izin", "alpa", "school_days"]
    if attendance is not None and len(attendance):
        _require(attendance, ("student_id", "term", *att_cols), "attendance")
        a = attendance[["student_id", "term", *att_cols]].copy()
        a["term_key"] = a["term"].map(term_key)
        a = a.drop(columns="term").groupby(keys, as_index=False)[att_cols].sum(min_count=1)
        table = table.merge(a, on=keys, how="left")
    else:
        for col in att_cols:
            table[col] = np.nan
    days = pd.to_numeric(table["school_days"], errors="coerce").astype(float)
    absent = (
        table[["sakit", "izin", "alpa"]]
        .apply(pd.to_numeric, errors="coerce")
        .sum(axis=1, min_count=1)
    )
    rate = (1.0 - absent / days.where(days > 0)).clip(0.0, 1.0)
    table["attendance_rate"] = rate

    if ratings is not None and len(ratings):
        _require(ratings, ("student_id", "term", "motivation", "social_skills"), "ratings")
        r = ratings[["student_id", "term", "motivation", "social_skills"]].copy()
        r["term_key"] = r["term"].map(term_key)
        r = r.drop(columns="term").groupby(keys, as_index=False).mean()
        table = table.merge(r, on=keys, how="left")
    else:
        table["motivation"] = np.nan
        table["social_skills"] = np.nan

    features = list(STEP_FEATURES)
    if _has_rows(conduct):
        table = _join_conduct(table, conduct)
        features += CONDUCT_FEATURES
    if _has_rows(pkl):
        table = _join_pkl(table, pkl)
        features += PKL_FEATURES

    table["term"] = table["term_key"].map(key_to_term)
    cols = ["student_id", "term", "term_key", *features]
    table = table[cols].sort_values(keys, kind="stable").reset_index(drop=True)
    table[features] = table[features].astype(float)
    return table


def _has_rows(frame: pd.DataFrame | None) -> bool:
    return frame is not None and len(frame) > 0


def present_features(
    conduct: pd.DataFrame | None = None, pkl: pd.DataFrame | None = None
) -> list[str]:
    """The optional features a school's records give (see OPTIONAL_FEATURES)."""
    return [
        *(CONDUCT_FEATURES if _has_rows(conduct) else ()),
        *(PKL_FEATURES if _has_rows(pkl) else ()),
    ]


def _join_conduct(table: pd.DataFrame, conduct: pd.DataFrame) -> pd.DataFrame:
    _require(conduct, ("student_id", "term", "points"), "conduct")
    c = conduct[["student_id", "term", "points"]].copy()
    c["points"] = pd.to_numeric(c["points"], errors="coerce")
    c["term_key"] = c["term"].map(term_key)
    per_term = c.groupby(["student_id", "term_key"], as_index=False)["points"].sum()
    table = table.merge(
        per_term.rename(columns={"points": "conduct_points"}),
        on=["student_id", "term_key"],
        how="left",
    )
    # A term without an entry is a term with 0 points, once the school records points at all;
    # before its first recorded term nobody knows (NaN, imputed with a missing indicator).
    recorded = table["term_key"] >= c["term_key"].min()
    table["conduct_points"] = table["conduct_points"].where(
        table["conduct_points"].notna() | ~recorded, 0.0
    )
    return table


def _join_pkl(table: pd.DataFrame, pkl: pd.DataFrame) -> pd.DataFrame:
    cols = ("student_id", "term", "days_present", "days_total", "rating_attitude", "rating_skills")
    _require(pkl, cols, "pkl")
    p = pkl[list(cols)].copy()
    for col in cols[2:]:
        p[col] = pd.to_numeric(p[col], errors="coerce").astype(float)
    total = p["days_total"].where(p["days_total"] > 0)
    p["pkl_attendance_rate"] = (p["days_present"] / total).clip(0.0, 1.0)
    p["pkl_attitude"] = p["rating_attitude"]
    p["pkl_skills"] = p["rating_skills"]
    p["term_key"] = p["term"].map(term_key)
    p = p.groupby(["student_id", "term_key"], as_index=False)[list(PKL_FEATURES)].mean()
    return table.merge(p, on=["student_id", "term_key"], how="left")


def build_training_samples(
    grades: pd.DataFrame,
    attendance: pd.DataFrame | None,
    ratings: pd.DataFrame | None,
    students: pd.DataFrame | None,
    *,
    kkm: float = 75.0,
    baik: float = 85.0,
    max_steps: int | None = None,
    unlabelled_terms: Collection[str] = (),
    conduct: pd.DataFrame | None = None,
    pkl: pd.DataFrame | None = None,
) -> SequenceData:
    """Labelled samples: one per (student, term t) whose next term t+1 has grades.
    Terms in ``unlabelled_terms`` (a partial ledger: the school has not finished them) are
    never used as a label; they still serve as features of the term after them.

    Features use terms <= t only (the most recent ``max_steps`` of them when given); the label
    is `category_from_average` of the student's overall average in term t+1. ``terms`` holds t.
    ``students`` columns: student_id, gender, major, major_field, kip, parent_education,
    income_bracket, distance_km (missing columns/rows become NaN). ``conduct`` and ``pkl``
    (see `term_table`) add their features to the sequence when they hold rows.
    """
    table = term_table(grades, attendance, ratings, kkm=kkm, conduct=conduct, pkl=pkl)
    features = [*STEP_FEATURES, *present_features(conduct, pkl)]
    nxt = table[["student_id", "term_key", "avg"]].rename(columns={"avg": "next_avg"})
    if unlabelled_terms:
        nxt = nxt[~nxt["term_key"].isin([term_key(t) for t in unlabelled_terms])]
    nxt["term_key"] = nxt["term_key"] - 1  # align term t+1's average with term t's row
    labelled = table[["student_id", "term_key"]].merge(
        nxt, on=["student_id", "term_key"], how="left"
    )
    y = category_from_average(labelled["next_avg"], kkm=kkm, baik=baik)
    rows = np.flatnonzero(y.notna().to_numpy())
    return _sequences(table, rows, students, y.to_numpy()[rows], max_steps, features)


def build_scoring_samples(
    grades: pd.DataFrame,
    attendance: pd.DataFrame | None,
    ratings: pd.DataFrame | None,
    students: pd.DataFrame | None,
    *,
    kkm: float = 75.0,
    as_of: str | None = None,
    max_steps: int | None = None,
    conduct: pd.DataFrame | None = None,
    pkl: pd.DataFrame | None = None,
    feature_names: Sequence[str] | None = None,
) -> SequenceData:
    """Unlabelled samples to score: one per student, the sequence up to their latest term
    with grades (at or before ``as_of`` when given). ``terms`` holds that latest term.

    ``feature_names``: the step features the model was trained on (its feature_schema), in
    that order; an optional feature without records here is all NaN. Default: STEP_FEATURES
    plus the optional features ``conduct`` / ``pkl`` give.
    """
    table = term_table(grades, attendance, ratings, kkm=kkm, conduct=conduct, pkl=pkl)
    if feature_names is None:
        feature_names = [*STEP_FEATURES, *present_features(conduct, pkl)]
    unknown = [f for f in feature_names if f not in (*STEP_FEATURES, *OPTIONAL_FEATURES)]
    if unknown:
        raise ValueError(f"Fitur {unknown} tidak dikenal (unknown features).")
    for name in feature_names:
        if name not in table.columns:
            table[name] = np.nan
    if as_of is not None:
        table = table[table["term_key"] <= term_key(as_of)].reset_index(drop=True)
    last = table.groupby("student_id")["term_key"].transform("max")
    rows = np.flatnonzero((table["term_key"] == last).to_numpy())
    return _sequences(table, rows, students, None, max_steps, list(feature_names))


def _sequences(
    table: pd.DataFrame,
    rows: np.ndarray,
    students: pd.DataFrame | None,
    y: np.ndarray | None,
    max_steps: int | None,
    features: Sequence[str] = STEP_FEATURES,
) -> SequenceData:
    """Gather, for each chosen row of the (student, term)-sorted table, that row and the
    same student's earlier rows into a right-padded (n, T, F) array (F = ``features``)."""
    values = table[list(features)].to_numpy(dtype=np.float32)
    pos = table.groupby("student_id").cumcount().to_numpy()
    lengths = pos[rows] + 1
    if max_steps is not None:
        lengths = np.minimum(lengths, max_steps)
    n_steps = int(lengths.max()) if len(rows) else 0
    start = rows - lengths + 1
    step = np.arange(n_steps)[None, :]
    valid = step < lengths[:, None]
    gather = np.where(valid, start[:, None] + step, 0)
    seq = values[gather] if len(values) else np.zeros((0, 0, len(features)), np.float32)
    seq[~valid] = 0.0

    ids = table["student_id"].to_numpy()[rows]
    static = _static_frame(ids, students)
    return SequenceData(
        seq=seq,
        lengths=lengths,
        static=static,
        feature_names=list(features),
        static_categorical=list(STATIC_CATEGORICAL),
        static_numeric=list(STATIC_NUMERIC),
        y=None if y is None else np.asarray(y, dtype=object),
        groups=ids,
        terms=table["term"].to_numpy(dtype=object)[rows],
    )


def _static_frame(ids: np.ndarray, students: pd.DataFrame | None) -> pd.DataFrame:
    cols = [*STATIC_CATEGORICAL, *STATIC_NUMERIC]
    if students is None or not len(students):
        base = pd.DataFrame({"student_id": ids})
    else:
        _require(students, ("student_id",), "students")
        keep = ["student_id", *[c for c in cols if c in students.columns]]
        one = students[keep].drop_duplicates("student_id", keep="last")
        base = pd.DataFrame({"student_id": ids}).merge(one, on="student_id", how="left")
    out = pd.DataFrame(index=range(len(ids)))
    for col in STATIC_CATEGORICAL:
        raw = base[col] if col in base else pd.Series(np.nan, index=base.index)
        out[col] = raw.astype(object).where(raw.notna(), np.nan).to_numpy()
    for col in STATIC_NUMERIC:
        raw = base[col] if col in base else pd.Series(np.nan, index=base.index)
        if col == "kip":
            raw = raw.map(lambda v: np.nan if pd.isna(v) else float(bool(v)))
        out[col] = pd.to_numeric(raw, errors="coerce").astype(float).to_numpy()
    return out


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"Tabel {what} tidak punya kolom {missing} (missing columns).")
