"""Writes for BK interventions: the intervention workflow (planned → in_progress → completed /
stopped), sessions, soft deletion and rescheduling follow-ups. Bad input raises
ValidationError and writes nothing. The programme catalogue is in programmes.py, the daily
check for overdue follow-ups in follow_ups.py, the demo's interventions in demo.py."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from predictions.models import Prediction
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.bounds import date_error
from smk_dashboard.core.notifications import NotificationKind, notify
from smk_dashboard.core.roles import INTERVENTION_CREATOR_ROLES
from students.models import Role, Student, User
from students.selectors import student_queryset_for_user

from . import permissions, selectors
from .models import (
    Intervention,
    InterventionSession,
    Outcome,
    Programme,
    Status,
)

OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.COMPLETED, Status.STOPPED)
# The workflow. Closing (completed or stopped) needs an outcome.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PLANNED: frozenset({Status.IN_PROGRESS, Status.STOPPED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.STOPPED}),
    Status.COMPLETED: frozenset(),
    Status.STOPPED: frozenset(),
}
MAX_FOLLOW_UP_DAYS = 180


# --- Interventions -----------------------------------------------------------------------------


PARTICIPANT_SCOPE_ERROR = _lazy(
    "Pihak yang terlibat harus staf yang boleh melihat data konseling siswa ini "
    "(guru BK, kepala sekolah, wali kelasnya, atau guru yang mengajar kelasnya)."
)


def _not_allowed_participants(participants: list[User], student: Student, user: User) -> list[User]:
    """Those who may not take part in an intervention for `student`: the rule of the form's
    checkboxes (`selectors.participant_choices`), so the API and the form agree; a school
    operator sees the student's record but no counselling data, so never takes part."""
    if not participants:
        return []
    allowed = set(
        selectors.participant_choices(user=user, student=student)
        .filter(pk__in=[p.pk for p in participants])
        .values_list("pk", flat=True)
    )
    return [p for p in participants if p.pk not in allowed]


def intervention_create(
    *,
    user: User,
    student: Student,
    programme: Programme,
    reason: str,
    start_date: dt.date,
    goal: str = "",
    owner: User | None = None,
    participants: Iterable[User] = (),
    follow_up_days: int = 14,
    triggered_by: Prediction | None = None,
    request: HttpRequest | None = None,
) -> Intervention:
    """Open an intervention (status planned) for a student the user may see. The owner is the
    user unless a bk names another bk or walikelas of the school. The first follow-up is due
    on the start date."""
    if not permissions.can_create_interventions(user):
        raise ValidationError(_("Hanya guru BK dan wali kelas yang dapat membuat intervensi."))
    if not student_queryset_for_user(user=user).filter(pk=student.pk).exists():
        raise ValidationError(_("Siswa ini berada di luar sekolah atau kelas Anda."))
    owner = owner or user
    participants = list(participants)
    errors = []
    if programme.school_id != student.school_id or not programme.active:
        errors.append(_("Pilih layanan yang aktif dari katalog sekolah ini."))
    if not (reason or "").strip():
        errors.append(_("Tuliskan alasan intervensi."))
    if owner.role not in INTERVENTION_CREATOR_ROLES or owner.school_id != student.school_id:
        errors.append(_("Penanggung jawab harus guru BK atau wali kelas di sekolah ini."))
    elif owner != user and user.role != Role.BK:
        errors.append(_("Hanya guru BK yang dapat menunjuk penanggung jawab lain."))
    if any(p.school_id != student.school_id for p in participants):
        errors.append(_("Semua pihak yang terlibat harus staf sekolah ini."))
    elif _not_allowed_participants(participants, student, user):
        errors.append(PARTICIPANT_SCOPE_ERROR)
    if not 1 <= int(follow_up_days) <= MAX_FOLLOW_UP_DAYS:
        errors.append(
            _("Jarak tindak lanjut harus 1 sampai %(max)d hari.") % {"max": MAX_FOLLOW_UP_DAYS}
        )
    if triggered_by is not None and triggered_by.student_id != student.pk:
        errors.append(_("Prediksi pemicu bukan milik siswa ini."))
    if message := date_error(start_date, label=_("Tanggal mulai")):
        errors.append(message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            student=student,
            programme=programme,
            reason=reason.strip(),
            goal=(goal or "").strip(),
            owner=owner,
            start_date=start_date,
            follow_up_days=follow_up_days,
            triggered_by=triggered_by,
            next_follow_up=start_date,
        )
        intervention.participants.set([p for p in participants if p != owner])
        audit_log(
            action="intervention.create",
            user=user,
            request=request,
            target=intervention,
            school=student.school,
            detail={"student_id": student.pk, "prediction_id": getattr(triggered_by, "pk", None)},
        )
    return intervention


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    user: User,
    programme: Programme,
    reason: str,
    goal: str,
    follow_up_days: int,
    participants: Iterable[User],
    request: HttpRequest | None = None,
) -> Intervention:
    """Change the plan of an open intervention (service, reason, goal, follow-up interval,
    who takes part), with the same checks as when it was created. bk and the owner only."""
    intervention = _locked(intervention)
    _require_manager(user, intervention)
    if not intervention.is_open:
        raise ValidationError(_("Intervensi sudah ditutup; isinya tidak dapat diubah lagi."))
    participants = list(participants)
    school_id = intervention.student.school_id
    errors = []
    if programme.school_id != school_id or not programme.active:
        errors.append(_("Pilih layanan yang aktif dari katalog sekolah ini."))
    if not (reason or "").strip():
        errors.append(_("Tuliskan alasan intervensi."))
    if any(p.school_id != school_id for p in participants):
        errors.append(_("Semua pihak yang terlibat harus staf sekolah ini."))
    elif _not_allowed_participants(
        # Only those added now: someone named earlier stays until removed.
        [p for p in participants if p.pk not in {u.pk for u in intervention.participants.all()}],
        intervention.student,
        user,
    ):
        errors.append(PARTICIPANT_SCOPE_ERROR)
    if not 1 <= int(follow_up_days) <= MAX_FOLLOW_UP_DAYS:
        errors.append(
            _("Jarak tindak lanjut harus 1 sampai %(max)d hari.") % {"max": MAX_FOLLOW_UP_DAYS}
        )
    if errors:
        raise ValidationError(errors)
    intervention.programme = programme
    intervention.reason, intervention.goal = reason.strip(), (goal or "").strip()
    intervention.follow_up_days = follow_up_days
    _refresh_follow_up(intervention)
    intervention.save()
    intervention.participants.set([p for p in participants if p.pk != intervention.owner_id])
    audit_log(
        action="intervention.update",
        user=user,
        request=request,
        target=intervention,
        school=intervention.student.school,
    )
    return intervention


def _locked(intervention: Intervention) -> Intervention:
    """The row again, locked for this transaction, so two clicks cannot both close it."""
    return (
        Intervention.objects.select_for_update()
        .select_related("student")
        .get(pk=intervention.pk, deleted_at__isnull=True)
    )


def _check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS[current]:
        raise ValidationError(
            _("Status tidak dapat diubah dari “%(old)s” ke “%(new)s”.")
            % {"old": Status(current).label, "new": Status(new).label}
        )


def _require_manager(user: User, intervention: Intervention) -> None:
    if not permissions.can_manage(user, intervention):
        raise ValidationError(
            _("Hanya guru BK dan penanggung jawab intervensi ini yang dapat mengubahnya.")
        )


@transaction.atomic
def intervention_start(
    *, intervention: Intervention, user: User, request: HttpRequest | None = None
) -> Intervention:
    """planned → in_progress."""
    intervention = _locked(intervention)
    _require_manager(user, intervention)
    _check_transition(intervention.status, Status.IN_PROGRESS)
    intervention.status = Status.IN_PROGRESS
    intervention.save(update_fields=["status", "updated_at"])
    audit_log(action="intervention.start", user=user, request=request, target=intervention)
    return intervention


@transaction.atomic
def intervention_close(
    *,
    intervention: Intervention,
    user: User,
    status: str,
    outcome: str | None,
    closing_note: str = "",
    request: HttpRequest | None = None,
) -> Intervention:
    """Close an intervention as completed or stopped, with its outcome (required)."""
    intervention = _locked(intervention)
    _require_manager(user, intervention)
    if status not in CLOSED_STATUSES:
        raise ValidationError(_("Pilih cara menutup: selesai atau dihentikan."))
    _check_transition(intervention.status, status)
    if not outcome:
        raise ValidationError(_("Pilih hasil intervensi sebelum menutupnya."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Hasil intervensi tidak dikenal."))
    intervention.status = status
    intervention.outcome = outcome
    intervention.closing_note = (closing_note or "").strip()
    intervention.closed_at = timezone.now()
    intervention.next_follow_up = None
    intervention.overdue_since = None
    intervention.save()
    audit_log(
        action="intervention.close",
        user=user,
        request=request,
        target=intervention,
        detail={"status": status, "outcome": outcome},
    )
    # Teachers who referred the student into it hear that it closed (issue 24): the programme
    # and the status, never the closing note.
    notify(
        users=[r.referred_by for r in intervention.bk_referrals.select_related("referred_by")],
        kind=NotificationKind.REFERRAL_ANSWERED,
        text=_("Intervensi %(programme)s untuk %(student)s ditutup: %(status)s")
        % {
            "programme": intervention.programme.name,
            "student": intervention.student.name,
            "status": Status(status).label,
        },
        url=reverse("students:profile", args=[intervention.student_id]),
        exclude=user,
    )
    return intervention


@transaction.atomic
def intervention_delete(
    *, intervention: Intervention, user: User, request: HttpRequest | None = None
) -> Intervention:
    """Soft delete: the row and its sessions stay for the audit trail, hidden from pages."""
    intervention = _locked(intervention)
    _require_manager(user, intervention)
    intervention.deleted_at = timezone.now()
    intervention.save(update_fields=["deleted_at", "updated_at"])
    audit_log(action="intervention.delete", user=user, request=request, target=intervention)
    return intervention


# --- Sessions ----------------------------------------------------------------------------------


def _check_session_dates(
    *, intervention: Intervention, date: dt.date, next_follow_up: dt.date | None
) -> None:
    errors = []
    if date < intervention.start_date:
        errors.append(
            _("Tanggal sesi tidak boleh sebelum tanggal mulai intervensi (%(start)s).")
            % {"start": intervention.start_date.strftime("%d-%m-%Y")}
        )
    if date > timezone.localdate():
        errors.append(_("Tanggal sesi tidak boleh di masa depan."))
    if message := date_error(date, label=_("Tanggal sesi")):
        errors.append(message)
    if message := date_error(next_follow_up, label=_("Tindak lanjut berikutnya")):
        errors.append(message)
    if next_follow_up is not None and next_follow_up <= date:
        errors.append(_("Tindak lanjut berikutnya harus sesudah tanggal sesi."))
    if errors:
        raise ValidationError(errors)


def _refresh_follow_up(intervention: Intervention) -> None:
    """The next follow-up is the latest session's (or its date plus the planned interval)."""
    last = intervention.sessions.order_by("-date", "-id").first()
    if last is None:
        due = intervention.start_date
    else:
        due = last.next_follow_up or last.date + dt.timedelta(days=intervention.follow_up_days)
    intervention.next_follow_up = due
    if due >= timezone.localdate():
        intervention.overdue_since = None


@transaction.atomic
def session_add(
    *,
    intervention: Intervention,
    user: User,
    date: dt.date,
    notes: str = "",
    attended: bool = True,
    next_follow_up: dt.date | None = None,
    request: HttpRequest | None = None,
) -> InterventionSession:
    """Log a follow-up. The first session moves a planned intervention to in_progress."""
    intervention = _locked(intervention)
    _require_manager(user, intervention)
    if not intervention.is_open:
        raise ValidationError(_("Intervensi sudah ditutup; sesi baru tidak dapat ditambahkan."))
    _check_session_dates(intervention=intervention, date=date, next_follow_up=next_follow_up)
    session = InterventionSession.objects.create(
        intervention=intervention,
        date=date,
        notes=(notes or "").strip(),
        attended=attended,
        next_follow_up=next_follow_up,
        created_by=user,
    )
    if intervention.status == Status.PLANNED:
        intervention.status = Status.IN_PROGRESS
    _refresh_follow_up(intervention)
    intervention.save(update_fields=["status", "next_follow_up", "overdue_since", "updated_at"])
    audit_log(
        action="session.create",
        user=user,
        request=request,
        target=session,
        school=intervention.student.school,
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: InterventionSession,
    user: User,
    date: dt.date,
    notes: str,
    attended: bool,
    next_follow_up: dt.date | None,
    request: HttpRequest | None = None,
) -> InterventionSession:
    """Correct a session. Notes are confidential: only their author may change them."""
    intervention = _locked(session.intervention)
    session = InterventionSession.objects.select_for_update().get(pk=session.pk)
    session.intervention = intervention
    if session.created_by_id != user.id:
        raise ValidationError(_("Anda hanya dapat mengubah catatan sesi yang Anda tulis sendiri."))
    _require_manager(user, intervention)
    if not intervention.is_open:
        raise ValidationError(_("Intervensi sudah ditutup; sesinya tidak dapat diubah lagi."))
    _check_session_dates(intervention=intervention, date=date, next_follow_up=next_follow_up)
    session.date, session.notes = date, (notes or "").strip()
    session.attended, session.next_follow_up = attended, next_follow_up
    session.save()
    _refresh_follow_up(intervention)
    intervention.save(update_fields=["next_follow_up", "overdue_since", "updated_at"])
    audit_log(
        action="note.update",
        user=user,
        request=request,
        target=session,
        school=intervention.student.school,
    )
    return session


# --- Overdue follow-ups ------------------------------------------------------------------------


@transaction.atomic
def follow_ups_reschedule(
    *,
    user: User,
    interventions: Iterable[Intervention],
    date: dt.date,
    request: HttpRequest | None = None,
) -> int:
    """Move the next follow-up of several open interventions to `date` (today or later, within
    MAX_FOLLOW_UP_DAYS), clearing their overdue mark: the caseload's bulk "jadwalkan ulang"
    (issue 14). All or nothing: one the user may not manage refuses the whole batch."""
    today = timezone.localdate()
    if date < today:
        raise ValidationError(_("Tanggal tindak lanjut baru tidak boleh sebelum hari ini."))
    if date > today + dt.timedelta(days=MAX_FOLLOW_UP_DAYS):
        raise ValidationError(
            _("Tanggal tindak lanjut paling lambat %(max)d hari dari hari ini.")
            % {"max": MAX_FOLLOW_UP_DAYS}
        )
    rows = [_locked(i) for i in interventions]
    if not rows:
        raise ValidationError(_("Pilih sedikitnya satu tindak lanjut."))
    for intervention in rows:
        _require_manager(user, intervention)
        if not intervention.is_open:
            raise ValidationError(_("Intervensi yang sudah ditutup tidak punya tindak lanjut."))
    for intervention in rows:
        previous = intervention.next_follow_up
        intervention.next_follow_up = date
        intervention.overdue_since = None
        intervention.save(update_fields=["next_follow_up", "overdue_since", "updated_at"])
        audit_log(
            action="intervention.reschedule",
            user=user,
            request=request,
            target=intervention,
            school=intervention.student.school,
            detail={"from": previous.isoformat() if previous else None, "to": date.isoformat()},
        )
    return len(rows)
