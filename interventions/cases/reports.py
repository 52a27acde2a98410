"""Do interventions work? Aggregates for one school, no names: the effectiveness page and the
school report (/reports/school/) both call `effectiveness_report`. The effectiveness page also
lists the cases behind them (`case_outcomes.intervention_cases`), only of the students the
reader may see.

Definitions (the page says them too):

- Before / after. Each completed intervention is tied to a prediction: the one that triggered
  it, else the student's latest prediction made on or before the start date. "Before" is the
  term the prediction was based on, "after" the predicted term. The term average is the mean
  of all the student's grade records in that term; attendance is 1 - (sakit + izin + alpa) /
  school days of the term recap, in percent.
- Comparison group: students of the same school with a prediction of the same category for
  the same predicted term who never had an intervention. Per student the latest prediction of
  a term counts.
- Coverage: students whose latest prediction for a term is kurang; "helped in time" when an
  intervention started within N days after the prediction was made. Predictions whose N days
  have not yet passed (and have no intervention) are counted apart, not as failures.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from statistics import mean

from django.db.models import Avg, Count
from django.utils import timezone

from predictions.models import Category, Prediction
from predictions.selectors import predictions_reviewed, published_predictions
from students.models import (
    AcademicTerm,
    AttendanceSummary,
    GradeRecord,
    School,
    Student,
    StudentStatus,
)

from .matching import HEADLINE_MIN
from .models import Intervention, Outcome, Status

MIN_GROUP_SIZE = 5
DEFAULT_WITHIN_DAYS = 30


@dataclass
class GroupStats:
    """Before/after numbers for one group of students. Changes are after minus before,
    averaged over the students who have both terms."""

    students: int = 0
    with_grades: int = 0
    avg_before: float | None = None
    avg_after: float | None = None
    avg_change: float | None = None
    improved: int = 0
    improved_pct: float | None = None
    with_attendance: int = 0
    attendance_before: float | None = None
    attendance_after: float | None = None
    attendance_change: float | None = None
    small: bool = True


@dataclass
class CategoryComparison:
    category: str
    label: str
    intervened: GroupStats
    comparison: GroupStats
    difference: float | None  # intervened avg_change minus comparison avg_change
    attendance_difference: float | None


@dataclass
class Effectiveness:
    school_id: int
    min_group: int
    within_days: int
    completed: int = 0
    completed_without_prediction: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    rows: list[CategoryComparison] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    confirmed: dict = field(default_factory=dict)
    # A share is headlined as a percentage only over at least this many students ("1 dari 1").
    headline_min: int = HEADLINE_MIN

    @property
    def any_small(self) -> bool:
        return any(r.intervened.small or r.comparison.small for r in self.rows)

    def _groups(self) -> list[GroupStats]:
        return [g for r in self.rows for g in (r.intervened, r.comparison) if g.students]

    @property
    def empty_grades(self) -> bool:
        """Some group with students shows no before/after grade average (no student in it
        has grades in both terms): the page says why in one sentence."""
        return any(g.avg_change is None for g in self._groups())

    @property
    def empty_attendance(self) -> bool:
        return any(g.attendance_change is None for g in self._groups())

    def as_dict(self) -> dict:
        return asdict(self)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def _flagged_kurang(school: School, term_id: int | None) -> list[dict]:
    """The kurang predictions a coverage figure counts. Without a term: the current
    predictions (`Prediction.objects.current()`) of the school's active students, the same
    students the risk list and the home pages flag. For a past term: each active student's
    latest prediction of that term."""
    fields = ("id", "student_id", "term_id", "based_on_term_id", "category", "created_at")
    active = school.students.filter(status=StudentStatus.AKTIF)
    if term_id is None:
        return list(
            Prediction.objects.current()
            .filter(student__in=active, category=Category.KURANG)
            .values(*fields)
        )
    active_ids = set(active.values_list("id", flat=True))
    return [
        row
        for (sid, tid), row in _latest_predictions(school).items()
        if tid == term_id and row["category"] == Category.KURANG and sid in active_ids
    ]


def _latest_predictions(school: School) -> dict[tuple[int, int], dict]:
    """Per (student, predicted term) of the school, the prediction readers saw last."""
    rows = published_predictions(students=school.students.all(), latest_per_term=True).values(
        "id", "student_id", "term_id", "based_on_term_id", "category", "created_at"
    )
    return {(row["student_id"], row["term_id"]): row for row in rows}


def _term_averages(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    if not pairs:
        return {}
    students = {s for s, _t in pairs}
    terms = {t for _s, t in pairs}
    rows = (
        GradeRecord.objects.filter(student_id__in=students, term_id__in=terms)
        .values("student_id", "term_id")
        .annotate(avg=Avg("score"))
    )
    return {(r["student_id"], r["term_id"]): float(r["avg"]) for r in rows}


def _attendance(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    if not pairs:
        return {}
    students = {s for s, _t in pairs}
    terms = {t for _s, t in pairs}
    out = {}
    for row in AttendanceSummary.objects.filter(student_id__in=students, term_id__in=terms):
        rate = row.attendance_rate
        if rate is not None:
            out[(row.student_id, row.term_id)] = 100 * rate
    return out


def _group_stats(
    members: list[tuple[int, int, int]],
    averages: dict[tuple[int, int], float],
    attendance: dict[tuple[int, int], float],
    min_group: int,
) -> GroupStats:
    """members: (student_id, before_term_id, after_term_id)."""
    stats = GroupStats(students=len(members))
    grades = [
        (averages[(s, b)], averages[(s, a)])
        for s, b, a in members
        if (s, b) in averages and (s, a) in averages
    ]
    att = [
        (attendance[(s, b)], attendance[(s, a)])
        for s, b, a in members
        if (s, b) in attendance and (s, a) in attendance
    ]
    stats.with_grades = len(grades)
    if grades:
        stats.avg_before = _r(mean(b for b, _a in grades))
        stats.avg_after = _r(mean(a for _b, a in grades))
        stats.avg_change = _r(mean(a - b for b, a in grades))
        stats.improved = sum(1 for b, a in grades if a > b)
        stats.improved_pct = _pct(stats.improved, len(grades))
    stats.with_attendance = len(att)
    if att:
        stats.attendance_before = _r(mean(b for b, _a in att))
        stats.attendance_after = _r(mean(a for _b, a in att))
        stats.attendance_change = _r(mean(a - b for b, a in att))
    stats.small = stats.with_grades < min_group
    return stats


def _reference_prediction(
    intervention: Intervention, by_student: dict[int, list[dict]]
) -> dict | None:
    if intervention.triggered_by_id is not None:
        for row in by_student.get(intervention.student_id, []):
            if row["id"] == intervention.triggered_by_id:
                return row
    candidates = [
        row
        for row in by_student.get(intervention.student_id, [])
        if timezone.localtime(row["created_at"]).date() <= intervention.start_date
    ]
    return max(candidates, key=lambda r: (r["created_at"], r["id"]), default=None)


def _with_triggers(
    latest: dict[tuple[int, int], dict], completed: list[Intervention]
) -> dict[int, list[dict]]:
    """Each student's latest prediction per term (`latest`), plus the predictions that
    triggered the completed interventions (they may be older than the latest of their term)."""
    by_student: dict[int, list[dict]] = defaultdict(list)
    for row in latest.values():
        by_student[row["student_id"]].append(row)
    trigger_ids = {i.triggered_by_id for i in completed if i.triggered_by_id}
    known = {row["id"] for row in latest.values()}
    helped = Student.objects.filter(id__in={i.student_id for i in completed})
    shown = published_predictions(students=helped)
    for row in shown.filter(id__in=trigger_ids - known).values(
        "id", "student_id", "term_id", "based_on_term_id", "category", "created_at"
    ):
        by_student[row["student_id"]].append(row)
    return by_student


def intervention_outcomes(
    *, school: School, min_group: int = MIN_GROUP_SIZE
) -> tuple[list[CategoryComparison], int, int]:
    """Before/after per predicted category, intervened vs comparison group.
    Returns (rows, completed interventions, completed ones without any prediction)."""
    latest = _latest_predictions(school)
    completed = list(
        Intervention.objects.filter(
            student__school=school, status=Status.COMPLETED, deleted_at__isnull=True
        ).order_by("start_date", "id")
    )
    # Triggering predictions may be older than the latest of their term: added.
    by_student = _with_triggers(latest, completed)

    # One reference per student: their latest completed intervention with a prediction.
    treated: dict[int, dict] = {}
    without_prediction = 0
    for intervention in completed:
        ref = _reference_prediction(intervention, by_student)
        if ref is None:
            without_prediction += 1
            continue
        treated[intervention.student_id] = ref

    ever_helped = set(
        Intervention.objects.filter(student__school=school, deleted_at__isnull=True).values_list(
            "student_id", flat=True
        )
    )
    active = set(school.students.filter(status=StudentStatus.AKTIF).values_list("id", flat=True))
    rows = []
    for category in Category:
        treated_members = [
            (sid, ref["based_on_term_id"], ref["term_id"])
            for sid, ref in treated.items()
            if ref["category"] == category
        ]
        if not treated_members:
            continue
        terms = {a for _s, _b, a in treated_members}
        comparison: dict[int, dict] = {}
        for (sid, term_id), row in latest.items():
            if (
                term_id in terms
                and row["category"] == category
                and sid not in ever_helped
                and sid in active
            ):
                best = comparison.get(sid)
                if best is None or row["created_at"] > best["created_at"]:
                    comparison[sid] = row
        comparison_members = [
            (sid, r["based_on_term_id"], r["term_id"]) for sid, r in comparison.items()
        ]
        pairs = {(s, t) for s, b, a in treated_members + comparison_members for t in (b, a)}
        averages, attendance = _term_averages(pairs), _attendance(pairs)
        mine = _group_stats(treated_members, averages, attendance, min_group)
        others = _group_stats(comparison_members, averages, attendance, min_group)
        rows.append(
            CategoryComparison(
                category=category.value,
                label=str(category.label),
                intervened=mine,
                comparison=others,
                difference=_r(mine.avg_change - others.avg_change)
                if mine.avg_change is not None and others.avg_change is not None
                else None,
                attendance_difference=_r(mine.attendance_change - others.attendance_change)
                if mine.attendance_change is not None and others.attendance_change is not None
                else None,
            )
        )
    return rows, len(completed), without_prediction


def kurang_coverage(
    *,
    school: School,
    within_days: int = DEFAULT_WITHIN_DAYS,
    today: dt.date | None = None,
    term_id: int | None = None,
) -> dict:
    """The share of students predicted kurang who got an intervention starting within
    `within_days` days after the prediction: the current predictions, or those of `term_id`."""
    today = today or timezone.localdate()
    flagged = _flagged_kurang(school, term_id)
    if term_id is None and flagged:
        term_id = (
            AcademicTerm.objects.filter(id__in={r["term_id"] for r in flagged})
            .order_by("-year", "-semester")
            .values_list("id", flat=True)
            .first()
        )
    result = {
        "term_id": term_id,
        "term": "",
        "within_days": within_days,
        "kurang": 0,
        "helped": 0,
        "already_open": 0,
        "pending": 0,
        "not_helped": 0,
        "decided": 0,
        "share": None,
    }
    if term_id is None:
        return result
    result["term"] = str(AcademicTerm.objects.get(pk=term_id))
    starts: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    rows = Intervention.objects.filter(
        student_id__in=[r["student_id"] for r in flagged], deleted_at__isnull=True
    ).values_list("student_id", "start_date", "closed_at")
    for sid, start, closed_at in rows:
        closed = timezone.localtime(closed_at).date() if closed_at else None
        starts[sid].append((start, closed))
    for row in flagged:
        made = timezone.localtime(row["created_at"]).date()
        deadline = made + dt.timedelta(days=within_days)
        mine = starts.get(row["student_id"], [])
        result["kurang"] += 1
        if any(made <= start <= deadline for start, _c in mine):
            result["helped"] += 1
        elif any(start < made and (closed is None or closed >= made) for start, closed in mine):
            result["already_open"] += 1
        elif today <= deadline:
            result["pending"] += 1
        else:
            result["not_helped"] += 1
    result["decided"] = result["helped"] + result["not_helped"]
    result["share"] = _pct(result["helped"], result["decided"])
    return result


def kurang_confirmed(*, school: School, term_id: int | None = None) -> dict:
    """Of the students predicted kurang (the current predictions, or those of `term_id`), how
    many a teacher reviewed on the profile ("sesuai / tidak sesuai") and how many they
    confirmed. `share` is confirmed over all kurang students; `share_of_reviewed` is confirmed
    over those reviewed."""
    kurang_ids = [r["id"] for r in _flagged_kurang(school, term_id)]
    # Answers follow the student, term and flag: one given on an earlier model's prediction
    # of the same flag counts (predictions.selectors.predictions_reviewed).
    counts = predictions_reviewed(Prediction.objects.filter(id__in=kurang_ids))
    reviewed, confirmed = counts["reviewed"], counts["confirmed"]
    return {
        "share": _pct(confirmed, len(kurang_ids)),
        "share_of_reviewed": _pct(confirmed, reviewed),
        "confirmed": confirmed,
        "reviewed": reviewed,
        "kurang": len(kurang_ids),
        "note": "",
    }


def effectiveness_report(
    *,
    school: School,
    within_days: int = DEFAULT_WITHIN_DAYS,
    min_group: int = MIN_GROUP_SIZE,
    today: dt.date | None = None,
) -> Effectiveness:
    """Everything the effectiveness section shows, for one school. No student names."""
    report = Effectiveness(school_id=school.pk, min_group=min_group, within_days=within_days)
    live = Intervention.objects.filter(student__school=school, deleted_at__isnull=True)
    statuses = dict(live.values_list("status").annotate(n=Count("id")).order_by())
    report.statuses = {s.value: statuses.get(s.value, 0) for s in Status}
    outcomes = dict(
        live.filter(status=Status.COMPLETED)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    report.outcomes = {o.value: outcomes.get(o.value, 0) for o in Outcome}
    report.rows, report.completed, report.completed_without_prediction = intervention_outcomes(
        school=school, min_group=min_group
    )
    report.coverage = kurang_coverage(school=school, within_days=within_days, today=today)
    report.confirmed = kurang_confirmed(school=school)
    return report
