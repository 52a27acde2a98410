"""Need-to-know, once: which role sees which group of a student's fields, and which group a
prediction reason (factor) talks about. Pages, the API, exports and PDFs ask these functions;
rows are scoped elsewhere (`students.selectors.student_queryset_for_user`).

- identity (name, NISN, NIS, gender, birth date, class, major) and records (grades,
  attendance): operator, guru, walikelas, bk, kepsek;
- socio-economic (income bracket, KIP, distance, parents' education and occupation):
  operator, bk, kepsek;
- ratings (non-academic: motivation, social skills): operator, walikelas, bk, kepsek;
- counselling (interventions: status, reason, outcome): walikelas, bk, kepsek;
  a walikelas reads ratings and counselling of their homeroom class only (`HOMEROOM_ONLY_GROUPS`:
  pass the student), not of the classes they also teach;
- predictions (category, probabilities, reasons): guru, walikelas, bk, kepsek.

The operator keeps the data (identity, records, socio-economic fields and ratings are what
they import and correct) but sees no predictions and no counselling. Counselling *notes* are
stricter still: `interventions.cases.permissions.can_read_notes` (bk and the intervention's owner).
A reason naming a group the user may not see is replaced by a neutral sentence, so a teacher
still learns that something outside their view mattered. Text written for several readers at
once (an intervention's prefilled reason, the printed student pack) is filtered for all of
them (`factors_for_audience`, the counselling group's roles): never a socio-economic reason.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .roles import Role, roles


class FieldGroup(StrEnum):
    IDENTITY = "identity"
    RECORDS = "records"
    SOCIO_ECONOMIC = "socio_economic"
    RATINGS = "ratings"
    COUNSELLING = "counselling"
    PREDICTIONS = "predictions"


_STAFF = roles(Role.OPERATOR, Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK)

FIELD_GROUP_ROLES: dict[FieldGroup, frozenset[str]] = {
    FieldGroup.IDENTITY: _STAFF,
    FieldGroup.RECORDS: _STAFF,
    FieldGroup.SOCIO_ECONOMIC: roles(Role.OPERATOR, Role.BK, Role.KEPSEK),
    FieldGroup.RATINGS: roles(Role.OPERATOR, Role.WALIKELAS, Role.BK, Role.KEPSEK),
    FieldGroup.COUNSELLING: roles(Role.WALIKELAS, Role.BK, Role.KEPSEK),
    FieldGroup.PREDICTIONS: roles(Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK),
}

# The Student model's fields of each restricted group (API, privacy export, admin).
SOCIO_ECONOMIC_FIELDS = (
    "father_education",
    "mother_education",
    "father_occupation",
    "mother_occupation",
    "income_bracket",
    "distance_km",
    "kip_recipient",
)

# Prediction factor codes (predictions/ml/explain.py SCHOOL_GROUPS, and the per-column codes
# it uses for other data) and the field group each one describes.
FACTOR_CODE_GROUPS: dict[str, FieldGroup] = {
    "nilai_kejuruan": FieldGroup.RECORDS,
    "nilai_umum": FieldGroup.RECORDS,
    "nilai_rata_rata": FieldGroup.RECORDS,
    "alpa": FieldGroup.RECORDS,
    "kehadiran": FieldGroup.RECORDS,
    "avg": FieldGroup.RECORDS,
    "avg_change": FieldGroup.RECORDS,
    "avg_kejuruan": FieldGroup.RECORDS,
    "avg_umum": FieldGroup.RECORDS,
    "n_below_kkm": FieldGroup.RECORDS,
    "attendance_rate": FieldGroup.RECORDS,
    "sakit": FieldGroup.RECORDS,
    "izin": FieldGroup.RECORDS,
    "motivasi_sosial": FieldGroup.RATINGS,
    "motivation": FieldGroup.RATINGS,
    "social_skills": FieldGroup.RATINGS,
    "sosial_ekonomi": FieldGroup.SOCIO_ECONOMIC,
    # Conduct points are on every profile viewer's timeline; PKL holds the industry mentor's
    # ratings of attitude, read like the non-academic ratings.
    "poin_perilaku": FieldGroup.RECORDS,
    "conduct_points": FieldGroup.RECORDS,
    "pkl": FieldGroup.RATINGS,
    "pkl_attendance_rate": FieldGroup.RATINGS,
    "pkl_attitude": FieldGroup.RATINGS,
    "pkl_skills": FieldGroup.RATINGS,
    "kip": FieldGroup.SOCIO_ECONOMIC,
    "income_bracket": FieldGroup.SOCIO_ECONOMIC,
    "parent_education": FieldGroup.SOCIO_ECONOMIC,
    "distance_km": FieldGroup.SOCIO_ECONOMIC,
}

NEUTRAL_FACTOR_CODE = "di_luar_sekolah"
NEUTRAL_FACTOR_TEXT = _("Faktor di luar sekolah")
# What a reason naming a hidden group becomes: (code, text). Socio-economic and anything
# unclassified are "outside school"; non-academic ratings stay recognisable as such.
NEUTRAL_FACTORS = {
    FieldGroup.RATINGS: ("non_akademik", _("Faktor non-akademik")),
}


# A walikelas reads these groups for their homeroom class only: a walikelas who also teaches
# another class reads that class as its subject teacher does (issue 25, finding 15).
HOMEROOM_ONLY_GROUPS = frozenset({FieldGroup.COUNSELLING, FieldGroup.RATINGS})


def visible_groups(user, student=None) -> frozenset[FieldGroup]:
    """The field groups `user` may see: all for a superuser, none for anyone signed out. With
    `student`, a walikelas loses the homeroom-only groups for a student of another class."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return frozenset(FieldGroup)
    role = getattr(user, "role", None)
    groups = frozenset(g for g, allowed in FIELD_GROUP_ROLES.items() if role in allowed)
    if student is not None and role == Role.WALIKELAS and not is_homeroom_of(user, student):
        groups -= HOMEROOM_ONLY_GROUPS
    return groups


def is_homeroom_of(user, student) -> bool:
    """Whether `user` is the homeroom teacher of `student`'s class."""
    school_class = getattr(student, "school_class", None)
    return school_class is not None and school_class.homeroom_teacher_id == user.id


def can_see(user, group: FieldGroup, student=None) -> bool:
    return group in visible_groups(user, student)


def audience_groups(audience: frozenset[str]) -> frozenset[FieldGroup]:
    """The field groups every role of `audience` may see: what a text written for all of them
    (an intervention's reason, a printed pack) may hold."""
    return frozenset(g for g, allowed in FIELD_GROUP_ROLES.items() if audience <= allowed)


# Who reads what is written into an intervention (its reason) and what is printed for a
# meeting (the student pack): the counselling group's roles. Text for them is filtered for
# the narrowest of them (the walikelas: no socio-economic reasons).
COUNSELLING_AUDIENCE = FIELD_GROUP_ROLES[FieldGroup.COUNSELLING]


def factor_group(factor: dict) -> FieldGroup:
    """The group a stored factor talks about. An unknown code counts as socio-economic: a
    reason nobody classified is shown only to those who see everything."""
    code = factor.get("code") or factor.get("feature") or ""  # "feature": older rows
    return FACTOR_CODE_GROUPS.get(str(code), FieldGroup.SOCIO_ECONOMIC)


def factors_for_user(factors, *, user, student=None) -> list[dict]:
    """The factors `user` may read, in their order. Those naming a group the user may not see
    become one neutral entry per group ("Faktor di luar sekolah" for socio-economic ones),
    carrying the largest of their weights."""
    return factors_for_groups(factors, visible=visible_groups(user, student))


def factors_for_audience(factors, *, audience: frozenset[str] = COUNSELLING_AUDIENCE) -> list:
    """The factors as every role of `audience` may read them (`factors_for_user`'s rule)."""
    return factors_for_groups(factors, visible=audience_groups(audience))


def factors_for_groups(factors, *, visible: frozenset[FieldGroup]) -> list[dict]:
    """`factors` with those naming a group outside `visible` made neutral."""
    out: list[dict] = []
    neutral: dict[str, dict] = {}
    for f in factors or []:
        if not isinstance(f, dict):
            continue
        group = factor_group(f)
        if group in visible:
            out.append(f)
            continue
        code, text = NEUTRAL_FACTORS.get(group, (NEUTRAL_FACTOR_CODE, NEUTRAL_FACTOR_TEXT))
        weight = float(f.get("weight") or 0)
        if code not in neutral:
            neutral[code] = {"code": code, "weight": weight, "text": str(text)}
            out.append(neutral[code])
        elif abs(weight) > abs(neutral[code]["weight"]):
            neutral[code]["weight"] = weight
    return out


# Teachers' notes on predictions (PredictionFeedback.note, e.g. "Alpa karena bantu orang tua"):
# part of the counselling picture, but narrower than the group: bk of the student's school and
# the student's own walikelas (issue 14). Other teachers only see their own note back.
TEACHER_NOTE_ROLES = roles(Role.BK, Role.WALIKELAS)


def can_read_teacher_notes(user, student) -> bool:
    """Whether `user` may read every teacher's feedback notes on `student`'s predictions."""
    if not can_see(user, FieldGroup.COUNSELLING) or getattr(user, "role", None) not in (
        TEACHER_NOTE_ROLES
    ):
        return False
    if user.school_id is None or user.school_id != student.school_id:
        return False
    if user.role == Role.BK:
        return True
    return is_homeroom_of(user, student)


# Parents' and guardian's names and phone numbers (issue 24): who to call about a child. Not a
# role-wide group: bk of the student's school and the student's own walikelas read them (and
# the operator, who imports and corrects them on the privacy page); never guru, kepsek, sudin,
# exports for other roles or the research export.
PARENT_FIELDS = ("father_name", "mother_name", "guardian_name", "parent_phone", "guardian_phone")
PARENT_PHONE_FIELDS = ("parent_phone", "guardian_phone")
PARENT_EDITOR_ROLES = roles(Role.OPERATOR, Role.BK)


def can_read_parents(user, student) -> bool:
    """Whether `user` may read `student`'s parents' names and phone numbers on pages and in
    the API: bk of the student's school and the student's walikelas."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.school_id is None or user.school_id != student.school_id:
        return False
    if user.role == Role.BK:
        return True
    school_class = student.school_class
    return (
        user.role == Role.WALIKELAS
        and school_class is not None
        and school_class.homeroom_teacher_id == user.id
    )


def can_edit_parents(user, student) -> bool:
    """Operator and bk of the student's school correct parents' names and numbers."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return (
        user.role in PARENT_EDITOR_ROLES
        and user.school_id is not None
        and user.school_id == student.school_id
    )
