"""Writes the operator makes to tidy the school's data after imports: mark a term complete,
add a major, move a class under its real major. The spreadsheet import itself is
students/importing/."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.jobs import enqueue_on_commit
from smk_dashboard.core.page_cache import school_pages_changed

from .importers.values import clean_text
from .models import (
    AcademicTerm,
    IndicatorSettings,
    Major,
    MajorField,
    Role,
    School,
    SchoolClass,
    SchoolTermStatus,
    Student,
    User,
)


def term_mark_complete(*, school: School, term_code: str, user: User | None) -> SchoolTermStatus:
    """The operator says a term's grades are all in: from now on its rows count as a finished
    term (training labels, "Hasil nyata"). Only operators (and superusers) may do it."""
    _require_operator(user, school)
    term = AcademicTerm.objects.filter(code=term_code).first()
    if term is None:
        raise ValidationError(_("Semester %(t)s tidak ditemukan.") % {"t": term_code})
    status, _created = SchoolTermStatus.objects.update_or_create(
        school=school,
        term=term,
        defaults={"complete": True, "marked_by": user, "marked_at": timezone.now()},
    )
    audit_log(
        action="term.complete", user=user, target=status, school=school, detail={"term": term_code}
    )
    return status


def _require_operator(user: User | None, school: School) -> None:
    if user is None:
        return
    if not (user.is_superuser or user.role == Role.OPERATOR):
        raise PermissionDenied(_("Halaman ini hanya untuk operator sekolah."))
    if not user.is_superuser and user.school_id != school.id:
        raise PermissionDenied(_("Anda hanya boleh mengubah data sekolah Anda sendiri."))


def major_create(*, school: School, code: str, name: str, field: str, user: User | None) -> Major:
    """A kompetensi keahlian the operator adds, e.g. to move classes out of "Belum ditentukan"."""
    _require_operator(user, school)
    code, name = clean_text(code).upper()[:20], clean_text(name)[:200]
    if not code or not name:
        raise ValidationError(_("Isi kode dan nama kompetensi keahlian."))
    if field not in MajorField.values:
        raise ValidationError(_("Bidang keahlian tidak dikenal."))
    if Major.objects.filter(school=school, code__iexact=code).exists():
        raise ValidationError(_("Kode %(c)s sudah dipakai.") % {"c": code})
    major = Major.objects.create(school=school, code=code, name=name, field=field)
    audit_log(action="major.create", user=user, target=major, school=school, detail={"code": code})
    return major


@transaction.atomic
def school_class_major_set(*, school_class: SchoolClass, major: Major, user: User | None) -> int:
    """Put a class (made by an import under "Belum ditentukan", or wrong) under its real major;
    its students who carried the old major follow. Returns how many students moved."""
    return school_classes_major_set(
        school=school_class.school, class_ids=[school_class.pk], major=major, user=user
    ).students


@dataclass(frozen=True)
class MajorAssigned:
    """What a bulk assignment changed: classes moved, students who followed them."""

    classes: int
    students: int


@transaction.atomic
def school_classes_major_set(
    *, school: School, class_ids: Iterable[int], major: Major, user: User | None
) -> MajorAssigned:
    """Put several classes of the school under one major at once (the operator's tidy-up after
    an import): every class, and each of its students who carried the class's old major,
    moves, or none does. Classes already under `major` are left as they are. Each moved class
    gets its own "class.major" audit entry, as when it is moved alone; the school's cached
    pages are made stale once. A class id of another school is refused, not skipped."""
    _require_operator(user, school)
    if major.school_id != school.id:
        raise ValidationError(_("Kompetensi keahlian itu milik sekolah lain."))
    ids = sorted({int(pk) for pk in class_ids})
    if not ids:
        raise ValidationError(_("Pilih sedikitnya satu kelas."))
    classes = list(SchoolClass.objects.select_for_update().filter(pk__in=ids).order_by("name"))
    if len(classes) != len(ids) or any(c.school_id != school.id for c in classes):
        raise ValidationError(_("Sebagian kelas yang dipilih tidak ditemukan di sekolah Anda."))
    changed, moved_students = [], 0
    for school_class in classes:
        old = school_class.major_id
        if old == major.id:
            continue
        school_class.major = major
        moved = Student.objects.filter(school_class=school_class, major_id=old).update(major=major)
        changed.append(school_class)
        moved_students += moved
        audit_log(
            action="class.major",
            user=user,
            target=school_class,
            school=school,
            detail={"from": old, "to": major.id, "students": moved},
        )
    if changed:
        SchoolClass.objects.bulk_update(changed, ["major"])
        # bulk_update and update() send no signal: report the change to the page cache here.
        school_pages_changed(school.id)
    return MajorAssigned(classes=len(changed), students=moved_students)


INDICATOR_FIELDS = (
    "min_attendance_pct",
    "max_alpa_days",
    "min_subjects_below_kkm",
    "min_average_drop",
    "min_conduct_points",
)


def indicator_settings_save(*, school: School, user: User | None, values: dict, request=None):
    """Store the school's indicator thresholds (operator or kepsek); a None value switches that
    indicator off. The risk list's flags follow at once (its cached pages are replaced)."""
    if user is not None and not (
        user.is_superuser
        or (user.role in (Role.OPERATOR, Role.KEPSEK) and user.school_id == school.id)
    ):
        raise PermissionDenied(_("Hanya operator dan kepala sekolah yang mengatur indikator."))
    settings_row, _created = IndicatorSettings.objects.get_or_create(school=school)
    for name in INDICATOR_FIELDS:
        setattr(settings_row, name, values.get(name))
    settings_row.updated_by = user
    settings_row.full_clean()
    settings_row.save()
    audit_log(
        action="indicators.settings",
        user=user,
        request=request,
        target=settings_row,
        school=school,
        detail={name: values.get(name) for name in INDICATOR_FIELDS},
    )
    return settings_row


POOLED_OPT_OUT_TASK = "predictions.tasks.pooled_opt_out_apply_task"


def school_pooled_opt_out_set(*, school: School, user: User | None, opt_out: bool, request=None):
    """Whether the school stays out of the shared district model (issue 26): its data then
    never trains another school's shared model and it gets none itself. Operator or kepsek
    of the school. Opting out, after commit, a task of the predictions layer (queued by name)
    stops the school's own shared model and retrains the other schools' shared models that
    learned from its data (`predictions.pooled.pooled_opt_out_apply`)."""
    if user is not None and not (
        user.is_superuser
        or (user.role in (Role.OPERATOR, Role.KEPSEK) and user.school_id == school.id)
    ):
        raise PermissionDenied(_("Hanya operator dan kepala sekolah yang mengatur ini."))
    School.objects.filter(pk=school.pk).update(pooled_opt_out=bool(opt_out))
    school.pooled_opt_out = bool(opt_out)
    audit_log(
        action="school.pooled_opt_out",
        user=user,
        request=request,
        target=school,
        school=school,
        detail={"opt_out": bool(opt_out)},
    )
    if opt_out:
        enqueue_on_commit(POOLED_OPT_OUT_TASK, school.id)
    return school
