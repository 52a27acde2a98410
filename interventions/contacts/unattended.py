"""Nobody falls through (issue 17): the daily check for students in kurang or over a point
threshold with no open intervention and no contact in the last N days (setting
UNATTENDED_CONTACT_DAYS), and what the bk and walikelas home pages read of it."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.cases.models import Intervention, InterventionSession, Status
from interventions.conduct.models import PointThreshold
from predictions.models import Prediction
from smk_dashboard.core.categories import Category
from smk_dashboard.core.roles import Role
from students.models import Student, StudentStatus, User
from students.selectors import student_queryset_for_user

from .models import ParentContact, UnattendedCheck, UnattendedStudent

OPEN = (Status.PLANNED, Status.IN_PROGRESS)


def contact_days() -> int:
    return int(getattr(settings, "UNATTENDED_CONTACT_DAYS", 30))


def _last_contacts(student_ids: list[int]) -> dict[int, dt.date]:
    """The latest parent contact or intervention session per student."""
    last: dict[int, dt.date] = {}
    for sid, day in (
        ParentContact.objects.filter(student_id__in=student_ids)
        .values("student_id")
        .annotate(day=Max("date"))
        .values_list("student_id", "day")
    ):
        last[sid] = day
    for sid, day in (
        InterventionSession.objects.filter(intervention__student_id__in=student_ids)
        .values("intervention__student_id")
        .annotate(day=Max("date"))
        .values_list("intervention__student_id", "day")
    ):
        last[sid] = max(day, last.get(sid, day))
    return last


def unattended_find(*, today: dt.date, days: int) -> list[UnattendedStudent]:
    """Unsaved rows for every school: active students who are currently predicted kurang or
    whose points reach their school's lowest threshold, with no open intervention and no
    contact since `today - days`."""
    active = Student.objects.filter(status=StudentStatus.AKTIF)
    kurang = set(
        Prediction.objects.current()
        .filter(student__in=active, category=Category.KURANG)
        .values_list("student_id", flat=True)
    )
    lowest = dict(
        PointThreshold.objects.values("school_id")
        .annotate(p=Min("points"))
        .values_list("school_id", "p")
    )
    totals = dict(
        active.filter(point_entries__voided_at__isnull=True)
        .annotate(total=Sum("point_entries__points"))
        .values_list("id", "total")
    )
    schools = dict(active.values_list("id", "school_id"))
    over = {
        sid
        for sid, total in totals.items()
        if schools[sid] in lowest and (total or 0) >= lowest[schools[sid]]
    }
    candidates = kurang | over
    served = set(
        Intervention.objects.filter(
            student_id__in=candidates, status__in=OPEN, deleted_at__isnull=True
        ).values_list("student_id", flat=True)
    )
    since = today - dt.timedelta(days=days)
    last = _last_contacts(sorted(candidates))
    return [
        UnattendedStudent(
            student_id=sid,
            kurang=sid in kurang,
            points_total=totals.get(sid) or 0,
            over_threshold=sid in over,
            last_contact=last.get(sid),
        )
        for sid in sorted(candidates - served)
        if last.get(sid) is None or last[sid] < since
    ]


def unattended_check_run(*, today: dt.date, task_id: str = "") -> UnattendedCheck:
    """Run the check once and store its rows in one transaction; the job row records success
    or the error. Safe to run twice: each run is its own row and pages read the latest."""
    check = UnattendedCheck.objects.create(day=today, contact_days=contact_days(), task_id=task_id)
    try:
        with transaction.atomic():
            rows = unattended_find(today=today, days=check.contact_days)
            for row in rows:
                row.check_run = check
            UnattendedStudent.objects.bulk_create(rows)
            check.found, check.status = len(rows), "succeeded"
    except Exception as exc:  # recorded on the job row, then re-raised for Celery
        check.status, check.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        check.finished_at = timezone.now()
        check.save()
        raise
    check.finished_at = timezone.now()
    check.save()
    if check.found and getattr(settings, "UNATTENDED_EMAILS", False):
        check.emails_sent = unattended_emails(check)
        check.save(update_fields=["emails_sent"])
    return check


def unattended_emails(check: UnattendedCheck) -> int:
    """One e-mail per bk of a school with listed students, and per walikelas with listed
    students in their class: names, class, why listed and the last contact, never any notes.
    Each recipient gets exactly what their home page shows (unattended_for_user)."""
    schools = set(check.rows.values_list("student__school_id", flat=True))
    recipients = (
        User.objects.filter(
            school_id__in=schools, is_active=True, role__in=(Role.BK, Role.WALIKELAS)
        )
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in recipients:
        rows = unattended_for_user(user=user)
        if not rows:
            continue
        lines = [f"- {_unattended_line(row)}" for row in rows]
        sent += send_mail(
            subject=_("Siswa yang belum ditindaklanjuti: %(n)d") % {"n": len(rows)},
            message=_(
                "Siswa berikut perlu perhatian atau melewati batas poin, tetapi belum punya "
                "penanganan terbuka dan belum dihubungi dalam %(days)s hari terakhir:"
            )
            % {"days": check.contact_days}
            + "\n\n"
            + "\n".join(lines)
            + "\n\n"
            + _("Daftar lengkap ada di halaman beranda SMK Dashboard."),
            from_email=None,
            recipient_list=[user.email],
            fail_silently=False,
        )
    return sent


def _unattended_line(row: UnattendedStudent) -> str:
    student = row.student
    why = []
    if row.kurang:
        why.append(_("perlu perhatian"))
    if row.over_threshold:
        why.append(_("%(p)s poin") % {"p": row.points_total})
    last = (
        _("kontak terakhir %(d)s") % {"d": row.last_contact.strftime("%d-%m-%Y")}
        if row.last_contact
        else _("belum pernah dihubungi")
    )
    klass = student.school_class.name if student.school_class else "-"
    return f"{student.name} ({klass}) · {', '.join(why)} · {last}"


def unattended_for_user(*, user: User, limit: int = 200) -> list[UnattendedStudent] | None:
    """The latest successful check's students in the user's view (bk: the school; walikelas:
    their homeroom class), minus those who since got an open intervention or a contact.
    None for other roles or before the first check."""
    if user.role not in (Role.BK, Role.WALIKELAS):
        return None
    check = UnattendedCheck.objects.filter(status="succeeded").order_by("-started_at").first()
    if check is None:
        return None
    students = student_queryset_for_user(user=user)
    if user.role == Role.WALIKELAS:
        students = students.filter(school_class__homeroom_teacher=user)
    rows = (
        check.rows.filter(student__in=students)
        .exclude(
            Q(student__interventions__status__in=OPEN)
            & Q(student__interventions__deleted_at__isnull=True)
        )
        .exclude(student__parent_contacts__date__gte=check.day)
        .select_related("student", "student__school_class")
        .distinct()
        .order_by("student__name")
    )
    return list(rows[:limit])
