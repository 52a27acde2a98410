"""Aggregates for the school report (kepsek, operator) and the district report (sudin).

Everything here counts students; nothing returns a name or a NISN. The district report
suppresses every count below SMALL_CELL ("<5") and every rate built on such a count, plus a
second count in every row and school column holding one (small_cells.py), so that no hidden
count can be found by subtraction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum

from interventions.models import Intervention, Outcome
from predictions.models import Prediction
from predictions.selectors import current_predictions
from smk_dashboard.core.categories import LABELS
from students.models import AttendanceSummary, GradeRecord, School, Student, StudentStatus
from students.term_status import exclude_unfinished_terms

from .small_cells import PRIMARY, complementary_suppression

SMALL_CELL = 5
SUPPRESSED = "<5"
GROUPINGS = {
    "grade_level": "student__school_class__grade_level",
    "major": "student__major__name",
    "class": "student__school_class__name",
}
ROMAN = {10: "X", 11: "XI", 12: "XII"}


def _active_students(schools: Iterable[School]) -> QuerySet[Student]:
    return Student.objects.filter(school__in=schools, status=StudentStatus.AKTIF)


def _category_counts() -> dict:
    return {c: Count("id", filter=Q(category=c)) for c in LABELS} | {"n": Count("id")}


def category_distribution(
    *, schools: Iterable[School], by: str, per_school: bool = False
) -> list[dict]:
    """Latest predictions (active model) counted per category, grouped by grade level,
    major or class: [{"group": "XI", "school": "...", "kurang": 3, "sedang": 9, "baik": 20,
    "n": 32}]."""
    key = GROUPINGS[by]
    keys = (["student__school__name"] if per_school else []) + [key]
    rows = (
        current_predictions(students=_active_students(schools))
        .values(*keys)
        .annotate(**_category_counts())
        .order_by(*keys)
    )
    out = []
    for r in rows:
        group = r[key]
        if by == "grade_level":
            group = ROMAN.get(group, group)
        out.append(
            {
                "group": group if group is not None else "-",
                "school": r.get("student__school__name"),
                **{c: r[c] for c in LABELS},
                "n": r["n"],
            }
        )
    return out


def category_trend(*, schools: Iterable[School], per_school: bool = False) -> list[dict]:
    """Per predicted term: the students in each category, using each student's latest
    prediction for that term (any model version)."""
    newer = Prediction.objects.filter(
        student_id=OuterRef("student_id"), term_id=OuterRef("term_id")
    )
    newer = newer.filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
    )
    keys = (["student__school__name"] if per_school else []) + ["term__code"]
    rows = (
        Prediction.objects.filter(student__school__in=schools)
        .filter(~Exists(newer))
        .values(*keys)
        .annotate(**_category_counts())
        .order_by("term__code", *keys)
    )
    return [
        {
            "term": r["term__code"],
            "group": r["term__code"],
            "school": r.get("student__school__name"),
        }
        | {c: r[c] for c in LABELS}
        | {"n": r["n"]}
        for r in rows
    ]


def observed_trend(*, schools: Iterable[School], per_school: bool = False) -> list[dict]:
    """Per term: students whose term average fell below the school's KKM (kurang), between
    KKM and the baik threshold (sedang), or above (baik). What happened, not a prediction."""
    # a partial ledger's term (not yet marked complete) is no result yet
    rows = (
        exclude_unfinished_terms(GradeRecord.objects.filter(student__school__in=schools))
        .values(
            "student_id",
            "term__code",
            "student__school__name",
            "student__school__kkm",
            "student__school__baik_threshold",
        )
        .annotate(avg=Avg("score"))
        .order_by()
    )
    counts: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(LABELS, 0) | {"n": 0})
    for r in rows:
        avg = float(r["avg"])
        if avg < r["student__school__kkm"]:
            cat = "kurang"
        elif avg >= r["student__school__baik_threshold"]:
            cat = "baik"
        else:
            cat = "sedang"
        school = r["student__school__name"] if per_school else None
        cell = counts[(r["term__code"], school)]
        cell[cat] += 1
        cell["n"] += 1
    return [
        {"term": term, "group": term, "school": school, **cell}
        for (term, school), cell in sorted(
            counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        )
    ]


def attendance_hot_spots(*, schools: Iterable[School], per_school: bool = False) -> list[dict]:
    """Absence per class (school report) or per school (district) and term, from the term
    recaps: [{"group", "term", "students", "alpa_rate", "absence_rate"}], where a rate is
    days absent over school days of those students."""
    key = "student__school__name" if per_school else "student__school_class__name"
    rows = (
        AttendanceSummary.objects.filter(
            student__school__in=schools, student__status=StudentStatus.AKTIF
        )
        .values(key, "term__code")
        .annotate(
            students=Count("student_id", distinct=True),
            alpa=Sum("alpa"),
            sakit=Sum("sakit"),
            izin=Sum("izin"),
            days=Sum("school_days"),
        )
        .order_by(key, "term__code")
    )
    out = []
    for r in rows:
        days = r["days"] or 0
        out.append(
            {
                "group": r[key] or "-",
                "term": r["term__code"],
                "students": r["students"],
                "alpa": r["alpa"] or 0,
                "alpa_rate": (r["alpa"] or 0) / days if days else None,
                "absence_rate": ((r["alpa"] or 0) + (r["sakit"] or 0) + (r["izin"] or 0)) / days
                if days
                else None,
            }
        )
    return out


def intervention_coverage(*, schools: Iterable[School], per_school: bool = False) -> list[dict]:
    """Of the students whose latest prediction is kurang: how many have an intervention,
    and the outcomes of those interventions."""
    kurang = current_predictions(students=_active_students(schools)).filter(category="kurang")
    has = Exists(
        Intervention.objects.filter(student_id=OuterRef("student_id"), deleted_at__isnull=True)
    )
    key = "student__school__name"
    coverage = (
        kurang.values(key)
        .annotate(n_kurang=Count("id"), with_intervention=Count("id", filter=Q(has)))
        .order_by(key)
    )
    outcomes = (
        Intervention.objects.filter(
            deleted_at__isnull=True, student_id__in=kurang.values("student_id")
        )
        .values("student__school__name", "outcome")
        .annotate(n=Count("student_id", distinct=True))
        .order_by()
    )
    by_school: dict[str, dict] = defaultdict(dict)
    for r in outcomes:
        by_school[r["student__school__name"]][str(Outcome(r["outcome"]).label)] = r["n"]
    rows = [
        {
            "school": r[key],
            "n_kurang": r["n_kurang"],
            "with_intervention": r["with_intervention"],
            "coverage": r["with_intervention"] / r["n_kurang"] if r["n_kurang"] else None,
            "outcomes": by_school.get(r[key], {}),
        }
        for r in coverage
    ]
    if per_school:
        return rows
    total = {
        "school": None,
        "n_kurang": sum(r["n_kurang"] for r in rows),
        "with_intervention": sum(r["with_intervention"] for r in rows),
        "outcomes": defaultdict(int),
    }
    for r in rows:
        for k, v in r["outcomes"].items():
            total["outcomes"][k] += v
    total["outcomes"] = dict(total["outcomes"])
    total["coverage"] = (
        total["with_intervention"] / total["n_kurang"] if total["n_kurang"] else None
    )
    return [total]


def school_report(*, school: School) -> dict:
    schools = [school]
    return {
        "school": school,
        "by_grade_level": category_distribution(schools=schools, by="grade_level"),
        "by_major": category_distribution(schools=schools, by="major"),
        "by_class": category_distribution(schools=schools, by="class"),
        "trend": category_trend(schools=schools),
        "observed_trend": observed_trend(schools=schools),
        "attendance": attendance_hot_spots(schools=schools),
        "coverage": intervention_coverage(schools=schools)[0],
    }


# --- District: per school, small cells suppressed ------------------------------------------------


def suppress(n: int | None) -> int | str | None:
    """A count of fewer than SMALL_CELL students is shown as "<5"."""
    if n is None:
        return None
    return SUPPRESSED if n < SMALL_CELL else n


def suppress_rate(numerator: int | None, denominator: int | None) -> float | str | None:
    """A rate is hidden when its numerator or denominator is a small cell."""
    if not denominator:
        return None
    if denominator < SMALL_CELL or (numerator is not None and numerator < SMALL_CELL):
        return SUPPRESSED
    return numerator / denominator


def _suppress_categories(rows: list[dict]) -> list[dict]:
    """Per-row protection (trend tables: each row is its own relation, total = the cells)."""
    return complementary_suppression([rows], cells=LABELS, total="n")[0][0]


def district_report(*, schools: QuerySet[School]) -> dict:
    """The school report's aggregates per school of a district, with no class-level detail
    (classes are small) and every count below 5 suppressed."""
    schools = list(schools)
    attendance = []
    for r in attendance_hot_spots(schools=schools, per_school=True):
        small = r["students"] < SMALL_CELL
        attendance.append(
            {
                "group": r["group"],
                "term": r["term"],
                "students": suppress(r["students"]),
                "alpa_rate": SUPPRESSED if small else r["alpa_rate"],
                "absence_rate": SUPPRESSED if small else r["absence_rate"],
            }
        )
    # Grade-level and major rows of one school add up to the same school totals: protected
    # together, and the coverage table shows each school's kurang total as protected there.
    (by_grade_level, by_major), school_totals = complementary_suppression(
        [
            category_distribution(schools=schools, by="grade_level", per_school=True),
            category_distribution(schools=schools, by="major", per_school=True),
        ],
        cells=LABELS,
        total="n",
        block_key="school",
    )
    coverage = []
    for r in intervention_coverage(schools=schools, per_school=True):
        n_kurang = school_totals.get(r["school"], {}).get("kurang", r["n_kurang"])
        if isinstance(n_kurang, str) and n_kurang != PRIMARY:
            # Hidden to protect a small cell elsewhere: the rate would give it back.
            rate = n_kurang
        else:
            n_kurang = suppress(r["n_kurang"])
            rate = suppress_rate(r["with_intervention"], r["n_kurang"])
        coverage.append(
            {
                "school": r["school"],
                "n_kurang": n_kurang,
                "with_intervention": suppress(r["with_intervention"]),
                "coverage": rate,
                "outcomes": {k: suppress(v) for k, v in r["outcomes"].items()},
            }
        )
    return {
        "schools": schools,
        "by_grade_level": by_grade_level,
        "by_major": by_major,
        # Row by row: a term row may hold exactly a school's totals, and those are hidden above
        # exactly as row-by-row protection hides them (a block total is the largest count of
        # its column, so only its own row ever hides one of its cells): the patterns agree.
        "trend": _suppress_categories(category_trend(schools=schools, per_school=True)),
        "observed_trend": _suppress_categories(observed_trend(schools=schools, per_school=True)),
        "attendance": attendance,
        "coverage": coverage,
    }
