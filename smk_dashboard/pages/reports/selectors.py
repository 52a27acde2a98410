"""Aggregates for the school report (kepsek, operator) and the district report (sudin).

Everything here counts students; nothing returns a name or a NISN. The district report
hides every count below SMALL_CELL and every rate built on such a count, and further counts,
all with one mark ("*"), so that none of those can be narrowed down from what is shown."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum

from interventions.conduct.selectors import points_totals
from interventions.models import Intervention, Outcome
from predictions.selectors import (
    active_model_version,
    current_predictions,
    published_predictions,
)
from smk_dashboard.core.categories import LABELS
from smk_dashboard.pages.suppression import HIDDEN, SMALL_CELL, SUPPRESSED, shown, sum_relation
from students.indicators import INDICATOR_LABELS, indicator_flags, indicator_term
from students.models import AttendanceSummary, GradeRecord, School, Student, StudentStatus
from students.term_status import exclude_unfinished_terms

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
    """Per predicted term: the students in each category, using for each student the
    prediction of that term readers saw last (`published_predictions`): never a candidate's
    preview; for the current term, the current predictions."""
    keys = (["student__school__name"] if per_school else []) + ["term__code"]
    rows = (
        published_predictions(
            students=Student.objects.filter(school__in=schools), latest_per_term=True
        )
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


def indicator_summary(*, school: School) -> dict | None:
    """Before the school has a model (issue 26): how many active students each plain
    indicator flags, and how many are flagged at all; None once a model is active. Counts
    only, no names, no probability ("berdasarkan indikator, belum model")."""
    if active_model_version(school_id=school.id) is not None:
        return None
    ids = list(
        Student.objects.filter(school=school, status=StudentStatus.AKTIF).values_list(
            "id", flat=True
        )
    )
    term = indicator_term(school=school)
    flags = indicator_flags(
        school=school, student_ids=ids, term=term, points=points_totals(student_ids=ids)
    )
    per_code = Counter(f.code for found in flags.values() for f in found)
    return {
        "term": term,
        "checked": len(ids),
        "flagged": len(flags),
        "by_indicator": [
            {"code": code, "label": str(label), "students": per_code.get(code, 0)}
            for code, label in INDICATOR_LABELS.items()
        ],
    }


def school_report(*, school: School) -> dict:
    schools = [school]
    return {
        "school": school,
        "indicators": indicator_summary(school=school),
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


def _by_school(rows: list[dict]) -> dict:
    grouped: dict = defaultdict(list)
    for i, r in enumerate(rows):
        grouped[r["school"]].append(i)
    return grouped


def _protect_school(tables: dict[str, list[dict]], coverage: dict | None) -> tuple[dict, list, set]:
    """One school's district cells as values and relations for `suppression.shown`: each
    row sums to its Jumlah; the grade-level and major tables each sum, per category, to the
    school's (never shown) total; the trend row of a term that equals those totals, and the
    coverage table's kurang count, are tied to them; coverage: with + without = kurang."""
    columns = [*LABELS, "n"]
    values: dict = {}
    relations: list = []
    virtual: set = set()
    totals = {c: sum(r[c] for r in tables["by_grade_level"]) for c in columns}
    for c in columns:
        values[("T", c)] = totals[c]
        virtual.add(("T", c))
    relations.append(sum_relation([("T", c) for c in LABELS], ("T", "n")))
    for name, rows in tables.items():
        for i, r in enumerate(rows):
            for c in columns:
                values[(name, i, c)] = r[c]
            relations.append(sum_relation([(name, i, c) for c in LABELS], (name, i, "n")))
            if name == "trend" and all(r[c] == totals[c] for c in columns):
                relations += [{(name, i, c): 1, ("T", c): -1} for c in columns]
        if name in ("by_grade_level", "by_major") and rows:
            relations += [
                sum_relation([(name, i, c) for i in range(len(rows))], ("T", c)) for c in columns
            ]
    if coverage is not None:
        values[("cov", "n")] = coverage["n_kurang"]
        values[("cov", "with")] = coverage["with_intervention"]
        values[("cov", "without")] = coverage["n_kurang"] - coverage["with_intervention"]
        virtual.add(("cov", "without"))
        relations.append(sum_relation([("cov", "with"), ("cov", "without")], ("cov", "n")))
        if coverage["n_kurang"] == totals["kurang"]:
            relations.append({("cov", "n"): 1, ("T", "kurang"): -1})
        outcomes = coverage["outcomes"]
        for k, v in outcomes.items():
            values[("out", k)] = v
        if outcomes and sum(outcomes.values()) == coverage["with_intervention"]:
            relations.append(sum_relation([("out", k) for k in outcomes], ("cov", "with")))
    return values, relations, virtual


def _coverage_rate(n_kurang: int, with_intervention: int, n_shown, with_shown):
    if not n_kurang:
        return None
    if HIDDEN in (n_shown, with_shown):
        return HIDDEN  # with the kurang count and the rate, the hidden count would follow
    return with_intervention / n_kurang


def district_protected(tables: dict[str, list[dict]], coverage: list[dict]) -> tuple[dict, list]:
    """The district tables (`by_grade_level`, `by_major`, `trend`, `observed_trend`: rows with
    `school`, the category counts and `n`) and the coverage rows, with small counts and, per
    school, complementary cells all shown as "*" (one mark: no bound a reader could combine
    with the sums), so that no hidden count can be narrowed to fewer than 5 possible values
    from the shown cells and the sums (`smk_dashboard.pages.suppression`)."""
    out = {name: [dict(r) for r in rows] for name, rows in tables.items()}
    out_coverage = []
    cov_by_school = {r["school"]: r for r in coverage}
    schools = {r["school"] for rows in tables.values() for r in rows} | set(cov_by_school)
    shown_by_school = {}
    for school in schools:
        index = {name: _by_school(rows).get(school, []) for name, rows in tables.items()}
        mine = {name: [tables[name][i] for i in idx] for name, idx in index.items()}
        values, relations, virtual = _protect_school(mine, cov_by_school.get(school))
        cells = shown(values, relations, virtual=virtual, one_mark=True)
        shown_by_school[school] = cells
        for name, idx in index.items():
            for local, i in enumerate(idx):
                for c in [*LABELS, "n"]:
                    out[name][i][c] = cells[(name, local, c)]
    for r in coverage:
        cells = shown_by_school[r["school"]]
        n_shown, with_shown = cells[("cov", "n")], cells[("cov", "with")]
        out_coverage.append(
            {
                "school": r["school"],
                "n_kurang": n_shown,
                "with_intervention": with_shown,
                "coverage": _coverage_rate(
                    r["n_kurang"], r["with_intervention"], n_shown, with_shown
                ),
                "outcomes": {k: cells[("out", k)] for k in r["outcomes"]},
            }
        )
    return out, out_coverage


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
    tables, coverage = district_protected(
        {
            "by_grade_level": category_distribution(
                schools=schools, by="grade_level", per_school=True
            ),
            "by_major": category_distribution(schools=schools, by="major", per_school=True),
            "trend": category_trend(schools=schools, per_school=True),
            "observed_trend": observed_trend(schools=schools, per_school=True),
        },
        intervention_coverage(schools=schools, per_school=True),
    )
    return {"schools": schools, **tables, "attendance": attendance, "coverage": coverage}
