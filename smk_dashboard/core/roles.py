"""The six roles and, once, which roles may open which part of the dashboard. Pages, the API,
the navigation and the admin all read these sets; rows are scoped by
`students.selectors.student_queryset_for_user`, not here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator sekolah")
    GURU = "guru", _("Guru mata pelajaran")
    WALIKELAS = "walikelas", _("Wali kelas")
    BK = "bk", _("Guru BK")
    KEPSEK = "kepsek", _("Kepala sekolah")
    SUDIN = "sudin", _("Suku dinas")


def roles(*members: Role) -> frozenset[str]:
    return frozenset(members)


# Who sees every student of their school (the others: the classes they teach or lead).
SCHOOL_WIDE_ROLES = roles(Role.OPERATOR, Role.BK, Role.KEPSEK)
TEACHER_ROLES = roles(Role.GURU, Role.WALIKELAS)
# Predictions of named students: risk list, profile, class and student predictions in the API.
RISK_VIEWER_ROLES = roles(Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK)
# Student records (identity, grades, attendance) in the API: the operator keeps them.
STUDENT_RECORD_ROLES = RISK_VIEWER_ROLES | roles(Role.OPERATOR)
IMPORT_ROLES = roles(Role.OPERATOR, Role.WALIKELAS, Role.GURU)
MODEL_QUALITY_ROLES = roles(Role.KEPSEK, Role.BK, Role.OPERATOR)
TRAINING_ROLES = roles(Role.OPERATOR)
SCHOOL_REPORT_ROLES = roles(Role.KEPSEK, Role.OPERATOR)
DISTRICT_REPORT_ROLES = roles(Role.SUDIN)
PRIVACY_ROLES = roles(Role.OPERATOR, Role.KEPSEK)
RECTIFY_ROLES = roles(Role.OPERATOR)
AUDIT_READER_ROLES = roles(Role.KEPSEK, Role.OPERATOR)
INTERVENTION_VIEWER_ROLES = roles(Role.BK, Role.WALIKELAS, Role.KEPSEK)
INTERVENTION_CREATOR_ROLES = roles(Role.BK, Role.WALIKELAS)
PROGRAMME_CATALOGUE_ROLES = roles(Role.BK, Role.OPERATOR)
INTERVENTION_REPORT_ROLES = roles(Role.BK, Role.KEPSEK, Role.OPERATOR)
# Conduct points (issue 17): teachers and bk record, bk and kepsek void, bk keeps the catalogue.
POINT_RECORDER_ROLES = roles(Role.GURU, Role.WALIKELAS, Role.BK)
POINT_VOID_ROLES = roles(Role.BK, Role.KEPSEK)
POINT_CATALOGUE_ROLES = roles(Role.BK)
# Parent contact and letters: bk and the walikelas act; bk, the student's walikelas and kepsek
# read the one-page student pack.
PARENT_CONTACT_ROLES = roles(Role.BK, Role.WALIKELAS)


def has_role(user, allowed: frozenset[str]) -> bool:
    """True for a signed-in superuser or a user whose role is in `allowed`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or getattr(user, "role", None) in allowed
