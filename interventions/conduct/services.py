"""Writes for conduct and achievement points: the school's catalogue and thresholds, recording
and voiding entries, and the to-dos a crossed threshold creates. Bad input raises
ValidationError with a message a teacher understands, and writes nothing."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.cases import permissions
from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.notifications import NotificationKind, notify
from students.models import School, Student, User
from students.selectors import student_queryset_for_user

from .models import (
    Behaviour,
    BehaviourKind,
    LetterKind,
    PointEntry,
    PointThreshold,
    PointTodo,
)

MAX_POINTS = 1000
DEFAULT_BEHAVIOURS = [
    ("Terlambat", BehaviourKind.VIOLATION, 5),
    ("Tidak memakai seragam lengkap", BehaviourKind.VIOLATION, 5),
    ("Bolos", BehaviourKind.VIOLATION, 20),
    ("Merokok di lingkungan sekolah", BehaviourKind.VIOLATION, 30),
    ("Berkelahi", BehaviourKind.VIOLATION, 50),
    ("Juara lomba", BehaviourKind.ACHIEVEMENT, -20),
    ("Aktif dalam kegiatan sekolah", BehaviourKind.ACHIEVEMENT, -5),
]
DEFAULT_THRESHOLDS = [
    (50, "Panggilan orang tua", LetterKind.SUMMONS),
    (100, "Konferensi kasus", LetterKind.NOTICE),
]


def point_catalogue_seed(*, school: School) -> int:
    """Give a school the common behaviours and thresholds; existing rows stay as they are.
    Returns how many rows were added."""
    added = 0
    for name, kind, points in DEFAULT_BEHAVIOURS:
        added += Behaviour.objects.get_or_create(
            school=school, name=name, defaults={"kind": kind, "points": points}
        )[1]
    for points, action, letter_kind in DEFAULT_THRESHOLDS:
        added += PointThreshold.objects.get_or_create(
            school=school, points=points, defaults={"action": action, "letter_kind": letter_kind}
        )[1]
    return added


def _check_catalogue_editor(user: User) -> None:
    if not permissions.can_edit_point_catalogue(user):
        raise ValidationError(_("Hanya guru BK yang dapat mengubah katalog poin."))


def _clean_behaviour(*, name: str, kind: str, points: int) -> str:
    name = (name or "").strip()
    errors = []
    if not name:
        errors.append(_("Nama perilaku wajib diisi."))
    if kind not in BehaviourKind.values:
        errors.append(_("Pilih jenis: pelanggaran atau prestasi."))
    elif kind == BehaviourKind.VIOLATION and not 0 < points <= MAX_POINTS:
        errors.append(_("Poin pelanggaran harus positif (1 sampai 1000)."))
    elif kind == BehaviourKind.ACHIEVEMENT and not -MAX_POINTS <= points < 0:
        errors.append(
            _("Poin prestasi harus negatif (-1 sampai -1000): prestasi mengurangi total.")
        )
    if errors:
        raise ValidationError(errors)
    return name


def behaviour_save(
    *,
    user: User,
    name: str,
    kind: str,
    points: int,
    active: bool = True,
    behaviour: Behaviour | None = None,
) -> Behaviour:
    """Add a behaviour to the user's school catalogue, or change `behaviour`. Entries already
    recorded keep the points they were recorded with."""
    _check_catalogue_editor(user)
    if behaviour is not None and behaviour.school_id != user.school_id:
        raise ValidationError(_("Perilaku ini bukan milik sekolah Anda."))
    name = _clean_behaviour(name=name, kind=kind, points=points)
    behaviour = behaviour or Behaviour(school_id=user.school_id)
    behaviour.name, behaviour.kind, behaviour.points, behaviour.active = name, kind, points, active
    try:
        with transaction.atomic():
            behaviour.save()
    except IntegrityError:
        raise ValidationError(_("Perilaku dengan nama itu sudah ada di katalog sekolah ini."))
    audit_log(action="points.catalogue", user=user, target=behaviour, school=user.school)
    return behaviour


def threshold_create(
    *, user: User, points: int, action: str, letter_kind: str = ""
) -> PointThreshold:
    _check_catalogue_editor(user)
    action = (action or "").strip()
    errors = []
    if not 1 <= int(points) <= MAX_POINTS:
        errors.append(_("Batas poin harus 1 sampai 1000."))
    if not action:
        errors.append(_("Tuliskan tindakan untuk batas ini."))
    if letter_kind and letter_kind not in LetterKind.values:
        errors.append(_("Pilih jenis surat yang ada."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            threshold = PointThreshold.objects.create(
                school_id=user.school_id, points=points, action=action, letter_kind=letter_kind
            )
    except IntegrityError:
        raise ValidationError(_("Batas dengan jumlah poin itu sudah ada."))
    audit_log(action="points.threshold", user=user, target=threshold, school=user.school)
    # Students already past the new threshold get its to-do now, not at their next entry.
    point_thresholds_evaluate(school_id=user.school_id)
    return threshold


def threshold_delete(*, user: User, threshold: PointThreshold) -> None:
    _check_catalogue_editor(user)
    if threshold.school_id != user.school_id:
        raise ValidationError(_("Batas ini bukan milik sekolah Anda."))
    audit_log(
        action="points.threshold_delete",
        user=user,
        target=threshold,
        school=user.school,
        detail={"points": threshold.points, "action": threshold.action},
    )
    threshold.delete()


def student_points_total(*, student: Student) -> int:
    """The sum of the student's entries that are not voided (achievements count negative)."""
    total = PointEntry.objects.filter(student=student, voided_at__isnull=True).aggregate(
        total=Sum("points")
    )["total"]
    return int(total or 0)


def point_todos_create(
    *, student: Student, total: int, entry: PointEntry | None
) -> list[PointTodo]:
    """A to-do for each threshold of the student's school that `total` reaches and that the
    student had not reached before (one per student and threshold). The walikelas of the
    student's class is notified (issue 24)."""
    reached = PointThreshold.objects.filter(school_id=student.school_id, points__lte=total)
    already = PointTodo.objects.filter(student=student).values("threshold_id")
    todos = [
        PointTodo.objects.create(student=student, threshold=t, total=total, entry=entry)
        for t in reached.exclude(pk__in=already).order_by("points")
    ]
    if todos:
        homeroom = getattr(student.school_class, "homeroom_teacher", None)
        notify(
            users=[homeroom],
            kind=NotificationKind.THRESHOLD,
            text=_("%(student)s mencapai %(total)d poin (batas %(points)d)")
            % {"student": student.name, "total": total, "points": todos[-1].threshold.points},
            url=reverse("students:profile", args=[student.pk]),
        )
    return todos


def point_thresholds_evaluate(*, school_id: int, student_ids: Iterable[int] | None = None) -> int:
    """Every student of the school (or of `student_ids`) whose non-voided total reaches a
    threshold they have no to-do for gets one, however the total came about: entries recorded
    one by one, imported, written by the demo seed, a threshold added later, an achievement
    voided. Safe to run twice. Returns the number of to-dos created."""
    lowest = PointThreshold.objects.filter(school_id=school_id).order_by("points").first()
    if lowest is None:
        return 0
    students = Student.objects.filter(school_id=school_id)
    if student_ids is not None:
        students = students.filter(pk__in=list(student_ids))
    over = (
        students.annotate(
            points_total=Sum(
                "point_entries__points", filter=Q(point_entries__voided_at__isnull=True)
            )
        )
        .filter(points_total__gte=lowest.points)
        .select_related("school_class", "school_class__homeroom_teacher")
    )
    created = 0
    for student in over:
        created += len(point_todos_create(student=student, total=student.points_total, entry=None))
    return created


def point_thresholds_evaluate_all() -> int:
    """The daily check (tasks.point_thresholds_evaluate_task): every school's students past a
    threshold have its to-do, whatever wrote their entries. Returns the to-dos created."""
    school_ids = PointThreshold.objects.values_list("school_id", flat=True).distinct()
    return sum(point_thresholds_evaluate(school_id=school_id) for school_id in school_ids)


def point_entry_record(
    *,
    user: User,
    student: Student,
    behaviour: Behaviour,
    date: dt.date,
    description: str = "",
    request: HttpRequest | None = None,
) -> tuple[PointEntry, list[PointTodo]]:
    """Record a behaviour for a student the user may see (guru, walikelas, bk). If the new total
    reaches a threshold the student had not reached before, a to-do is created for bk and the
    walikelas. Returns the entry and the new to-dos."""
    if not permissions.can_record_points(user):
        raise ValidationError(_("Hanya guru, wali kelas dan guru BK yang dapat mencatat poin."))
    if not student_queryset_for_user(user=user).filter(pk=student.pk).exists():
        raise ValidationError(_("Siswa ini berada di luar sekolah atau kelas Anda."))
    errors = []
    if behaviour.school_id != student.school_id or not behaviour.active:
        errors.append(_("Pilih perilaku yang aktif dari katalog sekolah ini."))
    if date is None or date > timezone.localdate():
        errors.append(_("Tanggal tidak boleh di masa depan."))
    if len(description or "") > 500:
        errors.append(_("Keterangan paling banyak 500 karakter."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One writer per student at a time, so two entries cannot both miss a threshold.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        entry = PointEntry.objects.create(
            student=student,
            behaviour=behaviour,
            date=date,
            points=behaviour.points,
            description=(description or "").strip(),
            recorded_by=user,
        )
        total = student_points_total(student=student)
        todos = point_todos_create(student=student, total=total, entry=entry)
        audit_log(
            action="points.record",
            user=user,
            request=request,
            target=entry,
            school=student.school,
            detail={"student_id": student.pk, "points": entry.points, "total": total},
        )
    return entry, todos


def point_entry_void(
    *, user: User, entry: PointEntry, reason: str, request: HttpRequest | None = None
) -> PointEntry:
    """Void an entry (bk and kepsek of the student's school) with a reason, audited. The entry
    stays in the timeline, struck through; it no longer counts."""
    if not permissions.can_void_points(user) or user.school_id != entry.student.school_id:
        raise ValidationError(_("Hanya guru BK dan kepala sekolah yang dapat membatalkan poin."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan pembatalan."))
    if entry.is_void:
        raise ValidationError(_("Catatan ini sudah dibatalkan."))
    with transaction.atomic():
        entry.voided_at = timezone.now()
        entry.voided_by = user
        entry.void_reason = reason[:300]
        entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit_log(
            action="points.void",
            user=user,
            request=request,
            target=entry,
            school=entry.student.school,
            detail={"student_id": entry.student_id, "points": entry.points, "reason": reason},
        )
        # Voiding an achievement raises the total: it may cross a threshold.
        point_thresholds_evaluate(school_id=entry.student.school_id, student_ids=[entry.student_id])
    return entry


def point_todo_done(*, user: User, todo: PointTodo, via: str = "") -> PointTodo:
    """Mark a crossed-threshold to-do done (bk or the student's walikelas): one row for both,
    so it is done for everyone. `via` says how (e.g. "letter")."""
    if not permissions.can_act_on_todo(user, todo.student):
        raise ValidationError(_("Tugas ini milik guru BK dan wali kelas siswa."))
    updated = PointTodo.objects.filter(pk=todo.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=user
    )
    todo.refresh_from_db()
    if updated:
        audit_log(
            action="points.todo_done",
            user=user,
            target=todo,
            school=todo.student.school,
            detail={"via": via} if via else None,
        )
    return todo
