"""The home page of each role: what the role needs to act on, with real counts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interventions.cases.selectors import home_context as intervention_home_context
from interventions.page_context import counselling_home_context, todo_home_context
from predictions.selectors import (
    active_model_version,
    current_predictions,
    new_kurang_queryset,
    prediction_status,
)
from predictions.services import school_needs_retraining
from smk_dashboard.core.audit import audit_student_list
from smk_dashboard.core.categories import Category
from smk_dashboard.core.roles import Role
from students.models import AcademicTerm, GradeRecord, SchoolClass, Student, StudentStatus, User
from students.selectors import (
    class_queryset_for_user,
    school_queryset_for_user,
    student_queryset_for_user,
)

from .checklist import operator_checklist
from .risk.selectors import RiskFilters, risk_indicator_list, student_risk_list

TOP_ROLES = (Role.GURU, Role.WALIKELAS, Role.BK)
TOP_N = 5
INDICATOR_ROLES = (Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.OPERATOR)


def home_summary(*, user: User) -> dict:
    """Counts for a role's home page: students, classes and terms with data it may see."""
    if user.role == Role.SUDIN:
        schools = school_queryset_for_user(user=user)
        return {
            "schools": schools.count(),
            "students": Student.objects.filter(
                school__in=schools, status=StudentStatus.AKTIF
            ).count(),
            "classes": SchoolClass.objects.filter(school__in=schools).count(),
            "terms": AcademicTerm.objects.filter(grades__student__school__in=schools)
            .distinct()
            .count(),
        }
    students = student_queryset_for_user(user=user)
    active = students.filter(status=StudentStatus.AKTIF)
    current_kurang = current_predictions(students=active).filter(category=Category.KURANG)
    terms = (
        GradeRecord.objects.filter(student__in=students)
        .values("term__code")
        .annotate(n=Count("id"))
        .order_by("term__code")
    )
    return {
        "students": active.count(),
        "classes": class_queryset_for_user(user=user).count(),
        "terms": len(terms),
        "term_codes": [t["term__code"] for t in terms],
        "by_gender": dict(active.values_list("gender").annotate(n=Count("id")).order_by("gender")),
        "kurang": current_kurang.count(),
        "new_kurang": new_kurang_queryset(current_kurang=current_kurang).count(),
        "first_scoring": not current_kurang.exclude(change="first").exists()
        and current_kurang.filter(change="first").exists(),
        "status": prediction_status(school_id=user.school_id, students=active),
    }


def top_kurang(*, user: User, n: int = TOP_N) -> list:
    """The first `n` rows of the user's risk list in "perlu perhatian", in its order, each
    with its first reason."""
    risk = student_risk_list(user=user, filters=RiskFilters(category=Category.KURANG), per_page=n)
    return risk.rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page of the user's role: what the role needs to act on, with real counts."""
    role = request.user.role or "admin"
    context = {"summary": home_summary(user=request.user), "role": role}
    if role in TOP_ROLES:
        context["top_kurang"] = top_kurang(user=request.user)
    school_id = request.user.school_id
    version = active_model_version(school_id=school_id) if school_id else None
    if role in INDICATOR_ROLES and version is None:
        # no trained model yet: the school's plain indicators flag students (issue 26)
        context["indicators"] = risk_indicator_list(
            user=request.user, filters=RiskFilters(), limit=TOP_N
        )
    if role == Role.OPERATOR and request.user.school_id:
        # read above when the school has no model; with one, the step needs no count
        context["checklist"] = operator_checklist(
            user=request.user, indicators=context.get("indicators"), version=version
        )
        context["needs_retraining"] = school_needs_retraining(school=request.user.school)
    context.update(intervention_home_context(user=request.user))
    context.update(counselling_home_context(user=request.user))
    context.update(todo_home_context(user=request.user))
    response = render(request, f"home/{role}.html", context)
    # The panels name students (top of the risk list, follow-ups, referrals, to-dos): the
    # page is a read of those students like any list (issue 25, finding 12).
    named = _named_student_ids(context)
    if context.get("indicators") and role != Role.OPERATOR:  # the flagged students' names
        named += [row.student.pk for row in context["indicators"].rows]
    audit_student_list(request=request, action="home.view", student_ids=named)
    return response


def _named_student_ids(context: dict) -> list[int]:
    """The ids of the students the home page's panels show, in panel order."""
    ids: list[int] = []
    for value in context.values():
        if isinstance(value, dict | str | bytes) or not hasattr(value, "__iter__"):
            continue
        for item in value:
            if isinstance(item, Student):
                ids.append(item.pk)
                continue
            if isinstance(item, dict):
                item = item.get("student")
                if isinstance(item, Student):
                    ids.append(item.pk)
                continue
            student_id = getattr(item, "student_id", None)
            if student_id is None:
                student = getattr(item, "student", None)
                student_id = getattr(student, "pk", None)
            if isinstance(student_id, int):
                ids.append(student_id)
    return ids
