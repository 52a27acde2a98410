"""Selectors that turn one school's rows into the long DataFrames `predictions.ml` expects.

Columns (see predictions/ml/features.py):
- grades: student_id, term ('YYYY-S'), group, subject, score (components averaged per subject)
- attendance: student_id, term, sakit, izin, alpa, school_days
- ratings: student_id, term, motivation, social_skills
- students: student_id, gender, major, major_field, kip, parent_education, income_bracket,
  distance_km (decrypted here, in the worker; never in a web request)
- conduct: student_id, term, points (one row per non-voided entry), from the layer that owns
  conduct points (interventions), which registers itself in feature_sources.TERM_FEATURE_SOURCES
- pkl: student_id, term, days_present, days_total, rating_attitude, rating_skills
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Avg, QuerySet

from students.models import (
    AttendanceSummary,
    Education,
    GradeRecord,
    IncomeBracket,
    NonAcademicRating,
    PklPlacement,
    School,
    Student,
    StudentStatus,
)
from students.selectors import students_excluded_from_scoring
from students.term_status import incomplete_term_codes

from .feature_sources import TERM_FEATURE_SOURCES
from .ml.data import SequenceData
from .ml.features import build_training_samples

MAX_STEPS = 8  # at most four school years of semesters feed one prediction

_EDUCATION = {str(label): int(value) for value, label in Education.choices}
_INCOME = {str(label): int(value) for value, label in IncomeBracket.choices}


CONDUCT_COLUMNS = ["student_id", "term", "points"]
PKL_COLUMNS = [
    "student_id",
    "term",
    "days_present",
    "days_total",
    "rating_attitude",
    "rating_skills",
]


@dataclass(frozen=True)
class SchoolFrames:
    grades: pd.DataFrame
    attendance: pd.DataFrame
    ratings: pd.DataFrame
    students: pd.DataFrame
    conduct: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONDUCT_COLUMNS))
    pkl: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PKL_COLUMNS))

    def fingerprint(self) -> str:
        """sha256 of the training data, so a model version names exactly what it saw. The
        optional frames count only when they hold rows (a school without conduct points or
        PKL keeps the fingerprint it had before these features existed)."""
        digest = hashlib.sha256()
        for frame in (self.grades, self.attendance, self.ratings):
            digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
        for frame in (self.conduct, self.pkl):
            if len(frame):
                digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
        return digest.hexdigest()

    def feature_frames(self) -> dict[str, pd.DataFrame]:
        """Keyword arguments of `ml.features.build_*_samples`."""
        return {
            "grades": self.grades,
            "attendance": self.attendance,
            "ratings": self.ratings,
            "students": self.students,
            "conduct": self.conduct,
            "pkl": self.pkl,
        }


def _ordinal(value: str, table: dict[str, int]) -> float:
    if value in table:
        return float(table[value])
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _number(value: str) -> float:
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return float("nan")


def school_frames(*, school: School, students: QuerySet[Student] | None = None) -> SchoolFrames:
    """Every term of data of the school's students (or of `students`), as DataFrames."""
    if students is None:
        students = Student.objects.filter(school=school)
    ids = students.values("id")
    grades = pd.DataFrame.from_records(
        GradeRecord.objects.filter(student__in=ids)
        .values("student_id", "term__code", "subject_id", "subject__group")
        .annotate(score=Avg("score"))
        .order_by("student_id", "term__code", "subject_id"),
        columns=["student_id", "term__code", "subject_id", "subject__group", "score"],
    ).rename(columns={"term__code": "term", "subject_id": "subject", "subject__group": "group"})
    grades["score"] = grades["score"].astype(float)
    attendance = pd.DataFrame.from_records(
        AttendanceSummary.objects.filter(student__in=ids)
        .values_list("student_id", "term__code", "sakit", "izin", "alpa", "school_days")
        .order_by("student_id", "term__code"),
        columns=["student_id", "term", "sakit", "izin", "alpa", "school_days"],
    )
    ratings = pd.DataFrame.from_records(
        NonAcademicRating.objects.filter(student__in=ids)
        .values_list("student_id", "term__code", "motivation", "social_skills")
        .order_by("student_id", "term__code"),
        columns=["student_id", "term", "motivation", "social_skills"],
    )
    rows = []
    for s in students.select_related("major").order_by("id"):
        parents = [
            _ordinal(s.father_education, _EDUCATION),
            _ordinal(s.mother_education, _EDUCATION),
        ]
        known = [p for p in parents if p == p]
        rows.append(
            {
                "student_id": s.id,
                "gender": s.gender,
                "major": s.major.name if s.major else None,
                "major_field": s.major.field if s.major else None,
                "kip": float(s.kip_recipient),
                "parent_education": max(known) if known else float("nan"),
                "income_bracket": _ordinal(s.income_bracket, _INCOME),
                "distance_km": _number(s.distance_km),
            }
        )
    static = pd.DataFrame(
        rows,
        columns=[
            "student_id",
            "gender",
            "major",
            "major_field",
            "kip",
            "parent_education",
            "income_bracket",
            "distance_km",
        ],
    )
    pkl = pd.DataFrame.from_records(
        PklPlacement.objects.filter(student__in=ids)
        .values_list(
            "student_id",
            "term__code",
            "days_present",
            "days_total",
            "rating_attitude",
            "rating_skills",
        )  # fmt: skip
        .order_by("student_id", "term__code"),
        columns=PKL_COLUMNS,
    )
    for col in PKL_COLUMNS[2:]:
        pkl[col] = pd.to_numeric(pkl[col], errors="coerce").astype(float)
    source = TERM_FEATURE_SOURCES.get("conduct")
    conduct = source(students) if source else pd.DataFrame(columns=CONDUCT_COLUMNS)
    return SchoolFrames(
        grades=grades,
        attendance=attendance,
        ratings=ratings,
        students=static,
        conduct=conduct[CONDUCT_COLUMNS],
        pkl=pkl,
    )


def scoring_students(*, school: School) -> QuerySet[Student]:
    """Active students of the school that may be scored: a student (or parent) who objected to
    automated decisions is left out and shown as "tidak diprediksi"."""
    excluded = students_excluded_from_scoring(school=school).values("id")
    return Student.objects.filter(school=school, status=StudentStatus.AKTIF).exclude(
        id__in=excluded
    )


def school_samples(school: School, *, frames: SchoolFrames | None = None) -> SequenceData:
    """The school's labelled samples, built with its own KKM and thresholds, from `frames`
    (read here when not given). A partial ledger's term is no finished term: never a label
    until marked complete."""
    frames = frames or school_frames(school=school)
    return build_training_samples(
        **frames.feature_frames(),
        kkm=float(school.kkm),
        baik=float(school.baik_threshold),
        max_steps=MAX_STEPS,
        unlabelled_terms=incomplete_term_codes(school_id=school.id),
    )
