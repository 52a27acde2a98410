"""The one-page student pack (/students/<id>/summary.pdf): what a parent meeting, a case
conference or a handover to the next school needs on one A4 page. Combines students,
predictions and interventions, so it lives in the top layer. Never socio-economic values,
never counselling notes or contact summaries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from interventions.conduct.selectors import student_points
from interventions.models import Intervention, Status
from interventions.strengths import student_strengths
from predictions.metrics import cv_accuracy
from predictions.models import Prediction
from predictions.selectors import active_model_version, top_factors
from smk_dashboard.core.formats import term_label
from smk_dashboard.core.roles import Role
from students.indicators import indicator_flags
from students.models import AttendanceSummary, Student, User
from students.selectors import (
    is_excluded_from_scoring,
    student_attendance_by_month,
    student_grade_trend,
    student_profile_queryset,
)

MAX_FACTORS = 3
MAX_POINT_ROWS = 4
MAX_STRENGTHS = 4
MAX_INTERVENTIONS = 4


def student_pack_queryset(*, user: User) -> QuerySet[Student]:
    """Students whose pack the user may print: bk and kepsek, their school; walikelas, their
    homeroom class; nobody else (the view answers 404)."""
    qs = student_profile_queryset(user=user)
    if user.is_superuser or user.role in (Role.BK, Role.KEPSEK):
        return qs
    if user.role == Role.WALIKELAS:
        return qs.filter(school_class__homeroom_teacher=user)
    return qs.none()


def _terms_average(grade_trend: list[dict]) -> list[tuple[str, float]]:
    """Average of the subject-group averages per term, oldest first."""
    by_term: dict[str, list[float]] = defaultdict(list)
    for row in grade_trend:
        by_term[row["term"]].append(row["avg"])
    return [(term_label(term), sum(v) / len(v)) for term, v in by_term.items()]


def _absence_series(student: Student) -> tuple[str, list[tuple[str, int]]]:
    """Days absent (S+I+A) per month from daily records, else per term from the summaries."""
    months: dict = defaultdict(int)
    for row in student_attendance_by_month(student=student):
        if row["status"] != "H":
            months[row["month"]] += row["n"]
    if months:
        return "month", [(m.strftime("%m/%y"), n) for m, n in sorted(months.items())][-12:]
    summaries = AttendanceSummary.objects.filter(student=student).select_related("term")
    rows = sorted(summaries, key=lambda s: (s.term.year, s.term.semester))
    return "term", [(s.term.label, s.sakit + s.izin + s.alpa) for s in rows]


def student_pack(*, student: Student) -> dict:
    """Everything the pack shows. Identity, grade and absence series, the current prediction
    with its reasons and the active model's measured accuracy, points, strengths and open
    interventions (programme, owner, dates; no notes)."""
    version = active_model_version(school_id=student.school_id)
    excluded = is_excluded_from_scoring(student)
    prediction = (
        None
        if excluded
        else Prediction.objects.current()
        .filter(student=student)
        .select_related("term", "based_on_term", "model_version")
        .first()
    )
    points = student_points(student=student)
    flags = None  # no model yet: the school's plain indicators speak instead (issue 26)
    if version is None and not excluded:
        found = indicator_flags(
            school=student.school, student_ids=[student.id], points={student.id: points["total"]}
        )
        flags = [f.text for f in found.get(student.id, [])]
    absence_unit, absences = _absence_series(student)
    homeroom = student.school_class.homeroom_teacher if student.school_class else None
    return {
        "generated": timezone.localtime(),
        "school": student.school.name,
        "identity": {
            "name": student.name,
            "nisn": student.nisn,
            "nis": student.nis or "-",
            "class": student.school_class.name if student.school_class else "-",
            "major": student.major.name if student.major else "-",
            "gender": student.get_gender_display(),
            "homeroom": (homeroom.get_full_name() or homeroom.username) if homeroom else "-",
        },
        "grades": _terms_average(student_grade_trend(student=student)),
        "kkm": student.school.kkm,
        "absence_unit": absence_unit,
        "absences": absences,
        "excluded": excluded,
        "indicator_flags": flags,
        "prediction": None
        if prediction is None
        else {
            "category": prediction.category,
            "category_label": prediction.get_category_display(),
            "term": prediction.term.label,
            "p_kurang": prediction.p_kurang,
            "risk": prediction.risk_label,
            # Printed for a meeting: reasons as every reader of counselling may read them
            # (the walikelas: "Faktor di luar sekolah", never KIP, income or distance).
            "reasons": [
                f["text"]
                for f in top_factors(
                    prediction.factors, MAX_FACTORS, user=None, based_on=prediction.based_on_term
                )
            ],
        },
        "model": None
        if version is None
        else {
            "name": f"{version.algorithm.upper()} v{version.version}",
            "accuracy": cv_accuracy(version.metrics),
            # a shared model (issue 26): trained on this many other schools, 0 when not
            "pooled_sources": version.pooled_sources if version.is_pooled else 0,
        },
        "points": {
            "total": points["total"],
            "recent": [
                (r.entry.date, r.entry.behaviour.name, r.entry.points)
                for r in points["timeline"]
                if not r.entry.is_void
            ][:MAX_POINT_ROWS],
        },
        "strengths": [s.text for s in student_strengths(student=student)][:MAX_STRENGTHS],
        "interventions": [
            {
                "programme": i.programme.name,
                "status": i.get_status_display(),
                "owner": i.owner.get_full_name() or i.owner.username,
                "start": i.start_date,
                "next": i.next_follow_up,
            }
            for i in Intervention.objects.filter(
                student=student,
                deleted_at__isnull=True,
                status__in=(Status.PLANNED, Status.IN_PROGRESS),
            )
            .select_related("programme", "owner")
            .order_by("start_date", "id")[:MAX_INTERVENTIONS]
        ],
    }
