"""Reads for interventions, scoped to what the user may see. Everything starts from
students.selectors.student_queryset_for_user; deleted interventions are never shown.
Counselling notes are read only through `intervention_timeline`, which writes the audit log."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from interventions.actions.models import ActionSource, ActionStatus
from interventions.actions.selectors import TodoRow
from predictions.models import Prediction
from predictions.selectors import current_predictions, published_predictions
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.categories import Category
from smk_dashboard.core.roles import INTERVENTION_CREATOR_ROLES
from students.models import Role, Student, StudentStatus, User
from students.selectors import (
    class_queryset_for_user,
    homeroom_student_queryset,
    student_queryset_for_user,
)

from . import permissions
from .models import (
    SESSION_CONTENT_FIELDS,
    Intervention,
    InterventionSession,
    Programme,
    Status,
)

OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
HOME_DUE_DAYS = 7


def intervention_queryset_for_user(*, user: User) -> QuerySet[Intervention]:
    """Interventions the user may see: of students in their scope (bk and kepsek: the whole
    school; walikelas: their homeroom class, not the classes they only teach), plus those they
    own or take part in, in their school."""
    if not permissions.can_view_interventions(user):
        return Intervention.objects.none()
    qs = Intervention.objects.filter(deleted_at__isnull=True)
    if user.is_superuser:
        return qs
    students = homeroom_student_queryset(user=user)
    takes_part = Intervention.participants.through.objects.filter(
        intervention=OuterRef("pk"), user=user
    )
    mine = Q(owner=user) | Q(Exists(takes_part))
    return qs.filter(Q(student__in=students) | (mine & Q(student__school_id=user.school_id)))


@dataclass(frozen=True)
class ListFilters:
    scope: str = "all"  # "mine" or "all"
    status: str = ""
    programme: int | None = None
    school_class: int | None = None
    overdue: bool = False
    student: int | None = None


def intervention_list(*, user: User, filters: ListFilters) -> QuerySet[Intervention]:
    qs = intervention_queryset_for_user(user=user).select_related(
        "student", "student__school_class", "programme", "owner"
    )
    if filters.scope == "mine":
        qs = qs.filter(owner=user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.programme:
        qs = qs.filter(programme_id=filters.programme)
    if filters.school_class:
        qs = qs.filter(student__school_class_id=filters.school_class)
    if filters.student:
        qs = qs.filter(student_id=filters.student)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES).filter(
            Q(overdue_since__isnull=False) | Q(next_follow_up__lt=timezone.localdate())
        )
    return qs.order_by("-start_date", "-id")


def filter_choices(*, user: User) -> dict:
    """Programmes and classes for the list filters, within the user's school and scope."""
    return {
        "programmes": list(Programme.objects.filter(school_id=user.school_id)),
        "classes": list(
            class_queryset_for_user(user=user)
            .filter(students__interventions__deleted_at__isnull=True)
            .distinct()
            .order_by("grade_level", "name")
        ),
    }


def intervention_get(*, user: User, pk: int, request: HttpRequest | None = None) -> Intervention:
    """One intervention the user may see, else 404 (never another school's data). With the
    `request` of a page or API read, the read is audited (`intervention.view`)."""
    try:
        intervention = (
            intervention_queryset_for_user(user=user)
            .select_related(
                "student",
                "student__school",
                "student__school_class",
                "programme",
                "owner",
                "triggered_by",
                "triggered_by__term",
            )
            .prefetch_related("participants")
            .get(pk=pk)
        )
    except Intervention.DoesNotExist:
        raise Http404("intervention")
    if request is not None:
        audit_log(
            action="intervention.view",
            request=request,
            target=intervention,
            school=intervention.student.school,
            detail={"student_id": intervention.student_id},
        )
    return intervention


def session_get(*, user: User, intervention: Intervention, pk: int) -> InterventionSession:
    try:
        session = intervention.sessions.select_related("created_by").get(pk=pk)
    except InterventionSession.DoesNotExist:
        raise Http404("session")
    session.intervention = intervention
    return session


@dataclass(frozen=True)
class TimelineEntry:
    session: InterventionSession
    notes: str | None  # None: the user may not read them
    can_edit: bool
    readable: bool = False  # the session's content (notes, findings, decisions, referral)


def intervention_timeline(
    *, user: User, intervention: Intervention, request: HttpRequest | None = None
) -> list[TimelineEntry]:
    """The sessions, oldest first. Content is decrypted only for those who may read it
    (`permissions.can_read_session`): counselling notes for bk of the school and the owner,
    each such read written to the audit log (action `note.read`); a "sangat rahasia"
    session for the owner and the kepala sekolah only, every read audited
    (`note.read_sangat_rahasia`). Others see the session listed without content."""
    sessions = (
        intervention.sessions.select_related("created_by")
        .defer(*SESSION_CONTENT_FIELDS)
        .order_by("date", "id")
    )
    entries = []
    for session in sessions:
        session.intervention = intervention
        readable = permissions.can_read_session(user, session)
        entries.append(
            TimelineEntry(
                session=session,
                notes=session.notes if readable else None,
                can_edit=readable and permissions.can_edit_session(user, session),
                readable=readable,
            )
        )
    ordinary = [e for e in entries if e.notes and not e.session.very_confidential]
    if ordinary:
        audit_log(
            action="note.read",
            user=user,
            request=request,
            target=intervention,
            school=intervention.student.school,
            detail={"sessions": [e.session.pk for e in ordinary]},
        )
    secret = [e for e in entries if e.readable and e.session.very_confidential]
    if secret:
        audit_log(
            action="note.read_sangat_rahasia",
            user=user,
            request=request,
            target=intervention,
            school=intervention.student.school,
            detail={"sessions": [e.session.pk for e in secret]},
        )
    return entries


def session_notes_for_edit(
    *, user: User, session: InterventionSession, request: HttpRequest | None = None
) -> str:
    """The notes shown in the edit form: a read like any other, so it is audited."""
    if not permissions.can_read_session(user, session):
        raise Http404("notes")
    audit_log(
        action="note.read_sangat_rahasia" if session.very_confidential else "note.read",
        user=user,
        request=request,
        target=session.intervention,
        school=session.intervention.student.school,
        detail={"sessions": [session.pk], "purpose": "edit"},
    )
    return session.notes


def current_prediction(*, student: Student) -> Prediction | None:
    return Prediction.objects.current().filter(student=student).select_related("term").first()


def owner_choices(*, user: User) -> QuerySet[User]:
    """Who may own an intervention: bk and walikelas of the user's school."""
    return User.objects.filter(
        school_id=user.school_id,
        role__in=INTERVENTION_CREATOR_ROLES,
        is_active=True,
    ).order_by("first_name", "username")


def participant_choices(*, user: User, student: Student | None = None) -> QuerySet[User]:
    """Staff of the user's school who may be named on an intervention. With `student`: only
    those who may see that student and its counselling data (issue 14): bk and kepsek, the
    student's walikelas and the teachers of the student's class (the scoping rule of
    `students.selectors.class_queryset_for_user`); the operator sees no counselling."""
    qs = User.objects.filter(school_id=user.school_id, is_active=True).exclude(role=Role.SUDIN)
    if student is not None:
        class_id = student.school_class_id
        sees_class = Q(homeroom_classes__id=class_id) | Q(assignments__school_class_id=class_id)
        teachers = User.objects.filter(sees_class).values("pk") if class_id else []
        qs = qs.filter(
            Q(role__in=[Role.BK, Role.KEPSEK])
            | Q(role__in=[Role.GURU, Role.WALIKELAS], pk__in=teachers)
        )
    return qs.order_by("first_name", "username")


def caseload(*, user: User) -> dict:
    """A counsellor's caseload: their open interventions (due first), the open caseload of
    each owner in the user's view, and students predicted kurang with no open intervention."""
    visible = intervention_queryset_for_user(user=user)
    mine = list(
        visible.filter(owner=user, status__in=OPEN_STATUSES)
        .select_related("student", "student__school_class", "programme")
        .order_by("next_follow_up", "id")
    )
    per_owner = list(
        Intervention.objects.filter(id__in=visible.values("id"))
        .values("owner_id", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(
            planned=Count("id", filter=Q(status=Status.PLANNED)),
            in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
            overdue=Count(
                "id",
                filter=Q(status__in=OPEN_STATUSES)
                & (Q(overdue_since__isnull=False) | Q(next_follow_up__lt=timezone.localdate())),
            ),
            closed=Count("id", filter=Q(status__in=[Status.COMPLETED, Status.STOPPED])),
        )
        .order_by("owner__first_name", "owner__username")
    )
    return {
        "mine": mine,
        "per_owner": per_owner,
        "unserved": kurang_without_intervention(user=user),
    }


def kurang_without_intervention(*, user: User, limit: int = 50) -> list[dict]:
    """Active students in scope whose current prediction is kurang and who have no open
    intervention: the ones a counsellor should look at next. Highest risk first."""
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    open_exists = Intervention.objects.filter(
        student=OuterRef("student"), status__in=OPEN_STATUSES, deleted_at__isnull=True
    )
    rows = (
        current_predictions(students=students)
        .filter(category=Category.KURANG)
        .annotate(has_open=Exists(open_exists))
        .filter(has_open=False)
        .select_related("student", "student__school_class", "term")
        .order_by("-p_kurang", "student__name")[:limit]
    )
    return [{"prediction": p, "student": p.student} for p in rows]


def home_context(*, user: User) -> dict:
    """Data for the follow-ups panel on the bk, walikelas and kepsek home pages: open
    interventions due within a week or overdue (mine for bk/walikelas, all for kepsek)."""
    if not permissions.can_view_interventions(user):
        return {}
    today = timezone.localdate()
    qs = intervention_queryset_for_user(user=user).filter(status__in=OPEN_STATUSES)
    if user.role in INTERVENTION_CREATOR_ROLES:
        qs = qs.filter(owner=user)
    due = (
        qs.filter(next_follow_up__lte=today + dt.timedelta(days=HOME_DUE_DAYS))
        .select_related("student", "student__school_class", "programme", "owner")
        .order_by("next_follow_up", "id")
    )
    due = list(due[:20])
    return {
        "interventions_due": due,
        "interventions_overdue_count": sum(1 for i in due if i.is_overdue),
        "interventions_open_count": qs.count(),
        "interventions_unserved": (
            kurang_without_intervention(user=user, limit=5) if user.role == Role.BK else []
        ),
    }


def student_scope_get(*, user: User, pk: int) -> Student:
    """A student the user may see, else 404."""
    try:
        return student_queryset_for_user(user=user).select_related("school_class").get(pk=pk)
    except Student.DoesNotExist:
        raise Http404("student")


def student_search(*, user: User, q: str, limit: int = 20) -> list[Student]:
    """Students in scope by name, NISN prefix or NIS: the picker of the create page."""
    return list(
        student_queryset_for_user(user=user)
        .filter(Q(name__icontains=q) | Q(nisn__startswith=q) | Q(nis__iexact=q))
        .select_related("school_class")
        .order_by("name")[:limit]
    )


def prediction_for_student(*, student: Student, pk: int) -> Prediction | None:
    shown = published_predictions(students=Student.objects.filter(pk=student.pk))
    return shown.filter(pk=pk).select_related("term").first()


def programmes_for_school(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(school_id=user.school_id).order_by("tier", "name")


def programme_get(*, user: User, pk: int) -> Programme:
    try:
        return programmes_for_school(user=user).get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404("programme")


def overdue_follow_up_rows(*, user: User) -> list[TodoRow]:
    """The overdue follow-ups of the interventions the user owns, as to-do rows (issue 24)."""
    overdue = (
        Intervention.objects.filter(
            owner=user,
            deleted_at__isnull=True,
            status__in=(Status.PLANNED, Status.IN_PROGRESS),
        )
        .filter(Q(overdue_since__isnull=False) | Q(next_follow_up__lt=timezone.localdate()))
        .select_related("student", "student__school_class", "programme", "owner")
    )
    return [
        TodoRow(
            source=ActionSource.SESSION,
            source_label=ActionSource.SESSION.label,
            text=i.programme.name,
            student=i.student,
            owner=i.owner,
            due_date=i.next_follow_up or i.overdue_since,
            status=ActionStatus.OPEN,
            overdue=True,
            url=reverse("interventions:detail", args=[i.pk]),
        )
        for i in overdue
        if (i.next_follow_up or i.overdue_since) is not None
    ]
