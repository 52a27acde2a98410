"""Reads scoped to what a user may see. `student_queryset_for_user` is THE scoping rule:
every page, API, export and admin view starts from it."""

from django.db.models import Count, Q, QuerySet

from .models import (
    AcademicTerm,
    GradeRecord,
    Role,
    School,
    SchoolClass,
    Student,
    StudentStatus,
    TeachingAssignment,
    User,
)

SCHOOL_WIDE_ROLES = frozenset({Role.OPERATOR, Role.BK, Role.KEPSEK})
STUDENT_VIEWER_ROLES = frozenset({Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK})


def class_queryset_for_user(*, user: User) -> QuerySet[SchoolClass]:
    """Classes whose students the user may see: the whole school for operator, bk and kepsek;
    the homeroom class for walikelas; the classes taught for guru (and walikelas)."""
    qs = SchoolClass.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.school_id is None:
        return qs.none()
    qs = qs.filter(school_id=user.school_id)
    if user.role in SCHOOL_WIDE_ROLES:
        return qs
    if user.role in (Role.GURU, Role.WALIKELAS):
        taught = TeachingAssignment.objects.filter(teacher=user).values("school_class_id")
        return qs.filter(Q(homeroom_teacher=user) | Q(id__in=taught))
    return qs.none()


def student_queryset_for_user(*, user: User) -> QuerySet[Student]:
    """Students the user may see. sudin sees none by name: only aggregates."""
    qs = Student.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.school_id is None:
        return qs.none()
    qs = qs.filter(school_id=user.school_id)
    if user.role in SCHOOL_WIDE_ROLES:
        return qs
    if user.role in (Role.GURU, Role.WALIKELAS):
        return qs.filter(school_class__in=class_queryset_for_user(user=user))
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
    }


def import_batch_queryset_for_user(*, user: User) -> QuerySet:
    """Import batches a user may see: the operator every batch of the school, walikelas and
    guru their own uploads."""
    from .models import ImportBatch

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
    if user.role in (Role.WALIKELAS, Role.GURU):
        return qs.filter(created_by=user)
    return qs.none()
