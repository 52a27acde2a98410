"""Strengths next to risks (issue 17): positive signals for one student, and the students of a
user's scope who are improving (the "Membaik" list beside "perlu perhatian")."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.catalogue import shipped_label
from smk_dashboard.core.fields import FieldGroup, can_see
from smk_dashboard.core.formats import term_label
from students.models import AttendanceSummary, GradeRecord, Student, StudentStatus, User
from students.selectors import (
    homeroom_student_queryset,
    student_queryset_for_user,
    student_subject_term_scores,
)

from .cases.models import Intervention, Outcome, Status
from .conduct.models import PointEntry


def _min_gain() -> float:
    """A subject counts as improving when its score rises at least this much between the
    last two terms (setting STRENGTH_MIN_GRADE_GAIN, default 10 points on 0–100)."""
    return float(getattr(settings, "STRENGTH_MIN_GRADE_GAIN", 10))


def _min_alpa_drop() -> int:
    return int(getattr(settings, "STRENGTH_MIN_ALPA_DROP", 3))


RECENT_DAYS = 120


@dataclass(frozen=True)
class Strength:
    kind: str  # grade | achievement | attendance | intervention
    text: str


def _improving_subjects(student: Student, scores: list[dict] | None) -> list[Strength]:
    if scores is None:
        scores = student_subject_term_scores(student=student)
    rows = [
        {"subject__name": r["subject"], "term__code": r["term"], "avg": r["sum"] / r["n"]}
        for r in sorted(scores, key=lambda r: (r["year"], r["semester"]))
        if r["n"]
    ]
    by_subject: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for r in rows:
        by_subject[r["subject__name"]].append((term_label(r["term__code"]), float(r["avg"])))
    out = []
    for subject, series in sorted(by_subject.items()):
        if len(series) < 2:
            continue
        (t0, a), (t1, b) = series[-2], series[-1]
        if b - a >= _min_gain():
            out.append(
                Strength(
                    "grade",
                    _("%(subject)s naik %(gain).0f poin (%(t0)s → %(t1)s)")
                    % {"subject": subject, "gain": b - a, "t0": t0, "t1": t1},
                )
            )
    return out


def _attendance_recovered(student: Student, summaries) -> list[Strength]:
    if summaries is None:
        summaries = (
            AttendanceSummary.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester")[:2]
        )
    else:  # the profile's list, oldest first
        summaries = sorted(summaries, key=lambda s: (s.term.year, s.term.semester), reverse=True)
    last_two = list(summaries[:2])
    if len(last_two) < 2:
        return []
    now, before = last_two
    if before.alpa - now.alpa >= _min_alpa_drop():
        return [
            Strength(
                "attendance",
                _("Alpa turun dari %(a)d menjadi %(b)d hari (%(t0)s → %(t1)s)")
                % {"a": before.alpa, "b": now.alpa, "t0": before.term.label, "t1": now.term.label},
            )
        ]
    return []


def student_strengths(
    *,
    student: Student,
    scores: list[dict] | None = None,
    achievements: list[PointEntry] | None = None,
    summaries: list[AttendanceSummary] | None = None,
    interventions: list[Intervention] | None = None,
    counselling: bool = True,
) -> list[Strength]:
    """Positive signals: subjects improving by a meaningful amount, achievements (points
    below zero, not voided), attendance recovered (alpa down between the last two terms), an
    intervention closed as membaik (only with `counselling`: for a reader who may see the
    student's interventions, `core.fields`). The profile passes what it has read already (the
    student's subject scores, achievements, attendance summaries and interventions with their
    programme) so that nothing is read twice; without them each is queried here."""
    out = _improving_subjects(student, scores)
    if achievements is None:
        achievements = list(
            PointEntry.objects.filter(student=student, voided_at__isnull=True, points__lt=0)
            .select_related("behaviour")
            .order_by("-date")[:5]
        )
    else:
        achievements = sorted(achievements, key=lambda e: e.date, reverse=True)[:5]
    for entry in achievements:
        out.append(Strength("achievement", f"{entry.behaviour.label} ({entry.date:%d-%m-%Y})"))
    out += _attendance_recovered(student, summaries)
    if not counselling:
        return out
    if interventions is None:
        interventions = Intervention.objects.filter(
            student=student, deleted_at__isnull=True
        ).select_related("programme")
    for i in interventions:
        if i.outcome != Outcome.IMPROVED or i.status not in (Status.COMPLETED, Status.STOPPED):
            continue
        out.append(
            Strength(
                "intervention",
                _("Intervensi %(name)s selesai: membaik") % {"name": i.programme.label},
            )
        )
    return out


@dataclass(frozen=True)
class ImprovingStudent:
    student: Student
    reasons: list[str]


def improving_students(*, user: User, limit: int = 10) -> list[ImprovingStudent]:
    """Students in the user's scope with a recent positive signal (last RECENT_DAYS days:
    an achievement, an intervention closed as membaik) or a term-on-term one (overall
    average up by the meaningful gain, alpa down). Newest signals first, at most `limit`."""
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    reasons = improving_reasons(students=students, counselling_of=counselling_scope(user))
    found = {s.pk: s for s in students.filter(pk__in=list(reasons)).select_related("school_class")}
    ranked = sorted(found, key=lambda sid: (-len(reasons[sid]), found[sid].name))[:limit]
    return [ImprovingStudent(found[sid], reasons[sid]) for sid in ranked]


def counselling_scope(user: User) -> QuerySet[Student] | None:
    """The students whose counselling outcomes the user may read: none without the counselling
    group, the homeroom class only for a walikelas (not the classes they also teach)."""
    if not can_see(user, FieldGroup.COUNSELLING):
        return None
    return homeroom_student_queryset(user=user)


def improving_reasons(
    *, students: QuerySet[Student], counselling_of: QuerySet[Student] | None
) -> dict[int, list[str]]:
    """Why each of `students` counts as "Membaik" (the signals of `improving_students`), by
    student id; students without a signal are absent. An intervention closed as membaik counts
    only for the students of `counselling_of` (`counselling_scope(user)`: those whose
    counselling the reader may read; None: nobody). A fixed number of queries."""
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    reasons: dict[int, list[str]] = defaultdict(list)
    for sid, name in PointEntry.objects.filter(
        student__in=students, voided_at__isnull=True, points__lt=0, date__gte=since
    ).values_list("student_id", "behaviour__name"):
        reasons[sid].append(shipped_label(name))
    if counselling_of is not None:
        for sid in Intervention.objects.filter(
            student__in=students.filter(pk__in=counselling_of),
            deleted_at__isnull=True,
            outcome=Outcome.IMPROVED,
            closed_at__date__gte=since,
        ).values_list("student_id", flat=True):
            reasons[sid].append(_("intervensi selesai: membaik"))
    _average_gains(students, reasons)
    _alpa_drops(students, reasons)
    return {sid: sorted(set(found)) for sid, found in reasons.items() if found}


def _average_gains(students: QuerySet[Student], reasons: dict[int, list[str]]) -> None:
    rows = (
        GradeRecord.objects.filter(student__in=students)
        .values("student_id", "term__year", "term__semester")
        .annotate(avg=Avg("score"))
        .order_by("student_id", "term__year", "term__semester")
    )
    series: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        series[r["student_id"]].append(float(r["avg"]))
    for sid, avgs in series.items():
        reasons[sid] += _gain_reason(avgs)


def _gain_reason(avgs: list[float]) -> list[str]:
    """The overall average of the last two terms rose by the meaningful gain (halved: an
    average over all subjects moves less than one subject)."""
    gain = _min_gain() / 2
    if len(avgs) >= 2 and avgs[-1] - avgs[-2] >= gain:
        return [_("rata-rata nilai naik %(g).0f poin") % {"g": avgs[-1] - avgs[-2]}]
    return []


def _alpa_drops(students: QuerySet[Student], reasons: dict[int, list[str]]) -> None:
    rows = (
        AttendanceSummary.objects.filter(student__in=students)
        .order_by("student_id", "term__year", "term__semester")
        .values_list("student_id", "alpa")
    )
    series: dict[int, list[int]] = defaultdict(list)
    for sid, alpa in rows:
        series[sid].append(alpa)
    for sid, alpas in series.items():
        reasons[sid] += _alpa_reason(alpas)


def _alpa_reason(alpas: list[int]) -> list[str]:
    if len(alpas) >= 2 and alpas[-2] - alpas[-1] >= _min_alpa_drop():
        return [_("kehadiran pulih")]
    return []


def student_improving_reasons(
    *,
    scores: list[dict],
    summaries: list[AttendanceSummary],
    interventions: list[Intervention],
    achievements: list[PointEntry],
    counselling: bool,
) -> list[str]:
    """`improving_reasons` for one student from rows a page has read already (the profile:
    subject scores with sum and count per term, attendance summaries oldest first, the
    student's interventions and achievements), so that the sentence costs no query. Same
    signals and thresholds as the risk list's "Membaik"."""
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    found = [shipped_label(e.behaviour.name) for e in achievements if e.date >= since]
    if counselling:
        found += [
            _("intervensi selesai: membaik")
            for i in interventions
            if i.outcome == Outcome.IMPROVED and i.closed_at and i.closed_at.date() >= since
        ]
    totals: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for r in scores:
        totals[(r["year"], r["semester"])][0] += float(r["sum"])
        totals[(r["year"], r["semester"])][1] += r["n"]
    found += _gain_reason([t / n for _key, (t, n) in sorted(totals.items()) if n])
    found += _alpa_reason([a.alpa for a in summaries])
    return sorted(set(found))
