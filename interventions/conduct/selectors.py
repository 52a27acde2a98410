"""Reads for conduct points and their to-dos, scoped by students.selectors.
student_queryset_for_user: a student or entry out of the user's sight answers 404."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from interventions.cases import permissions
from smk_dashboard.core.page_cache import school_value
from smk_dashboard.core.roles import Role
from students.models import AcademicTerm, Student, User
from students.selectors import student_queryset_for_user

from .models import Behaviour, PointEntry, PointThreshold, PointTodo

if TYPE_CHECKING:
    import pandas as pd


def point_catalogue(*, user: User) -> dict:
    """The behaviours and thresholds of the user's school."""
    return {
        "behaviours": list(Behaviour.objects.filter(school_id=user.school_id)),
        "thresholds": list(PointThreshold.objects.filter(school_id=user.school_id)),
    }


def behaviours_for_student(*, student: Student) -> QuerySet[Behaviour]:
    return Behaviour.objects.filter(school_id=student.school_id, active=True)


def behaviour_get(*, user: User, pk: int) -> Behaviour:
    try:
        return Behaviour.objects.get(pk=pk, school_id=user.school_id)
    except Behaviour.DoesNotExist:
        raise Http404("behaviour")


def threshold_get(*, user: User, pk: int) -> PointThreshold:
    try:
        return PointThreshold.objects.get(pk=pk, school_id=user.school_id)
    except PointThreshold.DoesNotExist:
        raise Http404("threshold")


def point_entry_get(*, user: User, pk: int) -> PointEntry:
    """An entry of a student the user may see, else 404."""
    try:
        return PointEntry.objects.select_related("student", "student__school", "behaviour").get(
            pk=pk, student__in=student_queryset_for_user(user=user)
        )
    except PointEntry.DoesNotExist:
        raise Http404("point entry")


@dataclass(frozen=True)
class TimelineRow:
    entry: PointEntry
    running_total: int  # the total after this entry (voided entries do not count)


def student_points(*, student: Student) -> dict:
    """The points timeline of one student, oldest first with a running total, and the current
    total. Every role that may open the profile sees it (no confidential content)."""
    entries = list(
        PointEntry.objects.filter(student=student)
        .select_related("behaviour", "recorded_by", "voided_by", "import_batch")
        .order_by("date", "id")
    )
    rows, total = [], 0
    for entry in entries:
        if not entry.is_void:
            total += entry.points
        rows.append(TimelineRow(entry=entry, running_total=total))
    return {
        "total": total,
        "timeline": list(reversed(rows)),
        "violations": sum(e.points for e in entries if not e.is_void and e.points > 0),
        "achievements": [e for e in entries if not e.is_void and e.points < 0],
        "next_threshold": next(
            (t for t in _thresholds(student.school_id) if t.points > total), None
        ),
    }


def _thresholds(school_id: int) -> list[PointThreshold]:
    """The school's thresholds, lowest first, kept per school in the cache (every profile
    reads them; they change when an operator edits them, which makes the cache stale)."""
    return school_value(
        "point-thresholds",
        school_id,
        lambda: list(PointThreshold.objects.filter(school_id=school_id).order_by("points", "id")),
    )


def todo_queryset_for_user(*, user: User) -> QuerySet[PointTodo]:
    """Crossed-threshold to-dos the user acts on: bk, every student of the school; walikelas,
    the students of their homeroom class."""
    qs = PointTodo.objects.filter(student__in=student_queryset_for_user(user=user))
    if user.role == Role.BK:
        return qs
    if user.role == Role.WALIKELAS:
        return qs.filter(student__school_class__homeroom_teacher=user)
    return qs.none()


def open_todos(*, user: User, limit: int = 20) -> list[PointTodo]:
    return list(
        todo_queryset_for_user(user=user)
        .filter(done_at__isnull=True)
        .select_related("student", "student__school_class", "threshold")
        .order_by("created_at", "id")[:limit]
    )


def recently_done_todos(*, user: User, days: int = 14, limit: int = 10) -> list[PointTodo]:
    """Threshold to-dos done in the last `days` days, with who did it and the letter made for
    it: so the walikelas sees that bk already sent the letter (and the other way round)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        todo_queryset_for_user(user=user)
        .filter(done_at__gte=since)
        .select_related("student", "student__school_class", "threshold", "done_by")
        .prefetch_related("letters", "letters__created_by")
        .order_by("-done_at", "-id")[:limit]
    )


def todo_get(*, user: User, pk: int) -> PointTodo:
    try:
        return (
            todo_queryset_for_user(user=user)
            .select_related("student", "student__school", "student__school_class", "threshold")
            .get(pk=pk)
        )
    except PointTodo.DoesNotExist:
        raise Http404("todo")


def students_over_threshold(*, students: QuerySet[Student], points: int) -> QuerySet[Student]:
    """Students of `students` whose (non-voided) total is at least `points`."""
    return students.annotate(
        points_total=Sum("point_entries__points", filter=Q(point_entries__voided_at__isnull=True))
    ).filter(points_total__gte=points)


def points_profile_context(*, user: User, student: Student) -> dict:
    return {
        "points": student_points(student=student),
        "can_record_points": permissions.can_record_points(user),
        "can_void_points": permissions.can_void_points(user),
    }


def conduct_points_frame(students: QuerySet[Student]) -> "pd.DataFrame":
    """The non-voided entries of `students` for the prediction models (registered in
    predictions.feature_sources.TERM_FEATURE_SOURCES): columns student_id, term ('YYYY-S', the
    term the entry's date falls in), points. No names, no descriptions."""
    import pandas as pd  # only training and scoring call this; the web process never loads it

    rows = (
        PointEntry.objects.filter(student__in=students.values("id"), voided_at__isnull=True)
        .order_by("student_id", "date", "id")
        .values_list("student_id", "date", "points")
    )
    return pd.DataFrame(
        [(sid, AcademicTerm.code_for_date(day), float(points)) for sid, day, points in rows],
        columns=["student_id", "term", "points"],
    )


def points_totals(*, student_ids) -> dict[int, int]:
    """{student id: total of the entries that are not voided} for the students given (those
    with no entry are left out): one query, for the indicator flags (students.indicators)."""
    rows = (
        PointEntry.objects.filter(student_id__in=student_ids, voided_at__isnull=True)
        .values("student_id")
        .annotate(total=Sum("points"))
        .values_list("student_id", "total")
    )
    return {student_id: int(total or 0) for student_id, total in rows}
