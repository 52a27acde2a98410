"""Reads of school data scoped to what a user may see. `student_queryset_for_user` is THE
scoping rule: every page, API, export and admin view starts from it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from smk_dashboard.core.fields import PARENT_FIELDS
from smk_dashboard.core.roles import SCHOOL_WIDE_ROLES, TEACHER_ROLES

from .models import (
    AttendanceRecord,
    GradeRecord,
    ImportBatch,
    Role,
    School,
    SchoolClass,
    Student,
    StudentPrivacy,
    StudentStatus,
    TeachingAssignment,
    User,
)

# Encrypted socio-economic fields: list and profile queries defer them, so they are never
# decrypted for a page that does not show them.
ENCRYPTED_STUDENT_FIELDS = (
    "father_education",
    "mother_education",
    "father_occupation",
    "mother_occupation",
    "income_bracket",
    "distance_km",
    "father_name",
    "mother_name",
    "guardian_name",
    "parent_phone",
    "guardian_phone",
)


def _in_user_school(qs: QuerySet, user: User) -> QuerySet:
    """`qs` (rows with a `school` FK) limited to the user's school: everything for a
    superuser, nothing for an anonymous, inactive or school-less user."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.school_id is None:
        return qs.none()
    return qs.filter(school_id=user.school_id)


def _sees_whole_school(user: User) -> bool:
    return user.is_superuser or getattr(user, "role", None) in SCHOOL_WIDE_ROLES


def _is_teacher(user: User) -> bool:
    return getattr(user, "role", None) in TEACHER_ROLES


def class_queryset_for_user(*, user: User) -> QuerySet[SchoolClass]:
    """Classes whose students the user may see: the whole school for operator, bk and kepsek;
    the homeroom class for walikelas; the classes taught for guru (and walikelas)."""
    qs = _in_user_school(SchoolClass.objects.all(), user)
    if _sees_whole_school(user):
        return qs
    if _is_teacher(user):
        taught = TeachingAssignment.objects.filter(teacher=user).values("school_class_id")
        return qs.filter(Q(homeroom_teacher=user) | Q(id__in=taught))
    return qs.none()


def student_queryset_for_user(*, user: User) -> QuerySet[Student]:
    """Students the user may see. sudin sees none by name: only aggregates."""
    qs = _in_user_school(Student.objects.all(), user)
    if _sees_whole_school(user):
        return qs
    if _is_teacher(user):
        return qs.filter(school_class__in=class_queryset_for_user(user=user))
    return qs.none()


def homeroom_student_queryset(*, user: User) -> QuerySet[Student]:
    """Students whose counselling and ratings the user's role may read in full: the whole
    school for those who see it, the homeroom class only for a walikelas (not the classes
    they also teach: there they are a subject teacher), none for a guru."""
    qs = student_queryset_for_user(user=user)
    if _sees_whole_school(user):
        return qs
    if getattr(user, "role", None) == Role.WALIKELAS:
        return qs.filter(school_class__homeroom_teacher=user)
    return qs.none()


def school_queryset_for_user(*, user: User) -> QuerySet[School]:
    """Schools whose aggregates the user may see: their own, or a sudin's whole district."""
    qs = School.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == Role.SUDIN:
        return qs.filter(district=user.district) if user.district else qs.none()
    if user.school_id is None:
        return qs.none()
    return qs.filter(id=user.school_id)


def student_profile_queryset(*, user: User) -> QuerySet[Student]:
    """The students whose profile the user may open, with what the header shows. The
    socio-economic fields are encrypted and not shown on the profile: never loaded. Parents'
    names and numbers are loaded in the same query only for the roles that may read them
    (bk; a walikelas, for the homeroom: `students.parents` still checks the student)."""
    reads_parents = getattr(user, "role", None) in (Role.BK, Role.WALIKELAS)
    deferred = [f for f in ENCRYPTED_STUDENT_FIELDS if not (reads_parents and f in PARENT_FIELDS)]
    return (
        student_queryset_for_user(user=user)
        # `privacy` (the guardian's consent, shown by the counselling part) in the same query.
        .select_related(
            "school", "school_class", "major", "school_class__homeroom_teacher", "privacy"
        )
        .defer(*deferred)
    )


def student_subject_term_scores(*, student: Student) -> list[dict]:
    """Sum and count of scores per subject and term, oldest term first (one query, from which
    the profile's trend and its strengths are both computed): [{"subject": "Matematika",
    "group": "umum", "term": "2024-1", "year": 2024, "semester": 1, "sum": 160.0, "n": 2}]."""
    rows = (
        GradeRecord.objects.filter(student=student)
        .values("subject__name", "subject__group", "term__code", "term__year", "term__semester")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by("term__year", "term__semester", "subject__name")
    )
    return [
        {
            "subject": r["subject__name"],
            "group": r["subject__group"],
            "term": r["term__code"],
            "year": r["term__year"],
            "semester": r["term__semester"],
            "sum": float(r["total"]),
            "n": r["n"],
        }
        for r in rows
    ]


def student_grade_trend(*, student: Student, scores: list[dict] | None = None) -> list[dict]:
    """Average score per subject group per term, oldest term first:
    [{"term": "2024-1", "group": "umum", "avg": 81.2}]. `scores`: the rows of
    `student_subject_term_scores` when the caller has them already."""
    if scores is None:
        scores = student_subject_term_scores(student=student)
    totals: dict[tuple, list[float]] = {}
    for r in scores:
        acc = totals.setdefault((r["year"], r["semester"], r["group"], r["term"]), [0.0, 0])
        acc[0] += r["sum"]
        acc[1] += r["n"]
    return [
        {"term": term, "group": group, "avg": total / n}
        for (_, _, group, term), (total, n) in sorted(totals.items())
        if n
    ]


def student_attendance_by_month(*, student: Student) -> list[dict]:
    """Days per month and status (H, S, I, A): [{"month": date, "status": "A", "n": 2}]."""
    rows = (
        AttendanceRecord.objects.filter(student=student)
        .annotate(month=TruncMonth("date"))
        .values("month", "status")
        .annotate(n=Count("id"))
        .order_by("month", "status")
    )
    return [
        {
            "month": r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"],
            "status": r["status"],
            "n": r["n"],
        }
        for r in rows
    ]


def students_excluded_from_scoring(*, school: School) -> QuerySet[Student]:
    """Students of `school` who object to automated decisions: the scoring service skips
    them and pages show them as "tidak diprediksi"."""
    return Student.objects.filter(school=school, privacy__objects_to_automated_decisions=True)


def is_excluded_from_scoring(student: Student) -> bool:
    """For one student on a page (lists should annotate instead of calling this per row)."""
    annotated = getattr(student, "excluded_from_scoring", None)
    if annotated is not None:
        return bool(annotated)
    return StudentPrivacy.objects.filter(
        student_id=student.pk, objects_to_automated_decisions=True
    ).exists()


def import_batch_queryset_for_user(*, user: User) -> QuerySet:
    """Import batches a user may see: the operator every batch of the school, walikelas and
    guru their own uploads."""
    qs = ImportBatch.objects.select_related("school", "created_by")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.school_id is None:
        return qs.none()
    qs = qs.filter(school_id=user.school_id)
    if user.role == Role.OPERATOR:
        return qs
    if user.role in TEACHER_ROLES:
        return qs.filter(created_by=user)
    return qs.none()


_CLASS_SPLIT = re.compile(r"[\s\-_/.,()]+")
_GRADE_TOKENS = {"X", "XI", "XII", "XIII", "10", "11", "12", "13"}


def class_abbreviation(name: str) -> str:
    """The part of a rombel name that names its programme: "XI TKJ 2" → "TKJ",
    "X-TJKT-1" → "TJKT", "XII Lasara A" → "LASARA". Grade levels, numbers and single-letter
    parallel labels are dropped; "" when nothing is left."""
    tokens = []
    for token in _CLASS_SPLIT.split(name.upper()):
        token = re.sub(r"\d+$", "", token)
        if len(token) > 1 and token not in _GRADE_TOKENS:
            tokens.append(token)
    return " ".join(tokens)


@dataclass
class ClassGroup:
    """Classes of one school that share an abbreviation, for the operator's bulk tidy-up."""

    abbreviation: str
    classes: list[SchoolClass]

    @property
    def ids(self) -> str:
        return ",".join(str(c.pk) for c in self.classes)


def school_class_groups(*, school: School, only_code: str | None = None) -> list[ClassGroup]:
    """The school's classes grouped by `class_abbreviation` (groups and classes by name),
    each with its major and `n_students`. `only_code`: only classes under that major code
    (the importer's "Belum ditentukan"). One query."""
    classes = SchoolClass.objects.filter(school=school).select_related("major")
    if only_code is not None:
        classes = classes.filter(major__code=only_code)
    classes = classes.annotate(n_students=Count("students")).order_by("name", "pk")
    groups: dict[str, list[SchoolClass]] = {}
    for school_class in classes:
        groups.setdefault(class_abbreviation(school_class.name), []).append(school_class)
    ordered = sorted(groups.items(), key=lambda g: (g[0] == "", g[0]))  # no abbreviation: last
    return [ClassGroup(abbreviation=a, classes=c) for a, c in ordered]


INCOMPLETE_LISTED = 200


def students_incomplete(*, school: School) -> dict:
    """Current students whose data is not complete yet (a ledger brought them without
    gender or NISN): how many miss each, and the first of them for the setup page."""
    students = Student.objects.filter(school=school, status=StudentStatus.AKTIF).filter(
        Q(gender="") | Q(nisn="")
    )
    counts = students.aggregate(
        total=Count("id"),
        gender=Count("id", filter=Q(gender="")),
        nisn=Count("id", filter=Q(nisn="")),
    )
    listed = (
        students.select_related("school_class")
        .only("id", "name", "nis", "nisn", "gender", "school_class__name")
        .order_by("school_class__name", "name")[:INCOMPLETE_LISTED]
    )
    return counts | {"students": list(listed)}
