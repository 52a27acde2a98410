"""Reads scoped to what a user may see. `student_queryset_for_user` is THE scoping rule:
every page, API, export and admin view starts from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncMonth

from interventions.models import Intervention
from interventions.models import Status as InterventionStatus
from predictions.metrics import cv_accuracy
from predictions.models import ModelVersion, Prediction, PredictionFeedback
from smk_dashboard.models import StudentPrivacy

from .models import (
    AcademicTerm,
    AttendanceRecord,
    AttendanceSummary,
    GradeRecord,
    Major,
    NonAcademicRating,
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
    return getattr(user, "role", None) in (Role.GURU, Role.WALIKELAS)


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
    latest_kurang = latest_prediction_queryset(students=active).filter(category="kurang")
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
        "kurang": latest_kurang.count(),
        "new_kurang": new_kurang_queryset(latest_kurang=latest_kurang).count(),
    }


# --- Risk list -----------------------------------------------------------------------------------

CATEGORY_RANK = {"kurang": 0, "sedang": 1, "baik": 2}
RISK_SORTS = {
    "risk": ("-p_kurang", "student__name", "id"),
    "-risk": ("p_kurang", "student__name", "id"),
    "name": ("student__name", "id"),
    "-name": ("-student__name", "-id"),
    "class": ("student__school_class__name", "student__name", "id"),
    "nisn": ("student__nisn", "id"),
}
RISK_PAGE_SIZE = 50
ENCRYPTED_STUDENT_FIELDS = (
    "father_education",
    "mother_education",
    "father_occupation",
    "mother_occupation",
    "income_bracket",
    "distance_km",
)


def _earlier(prefix: str = "") -> Q:
    """Predictions created before the outer one (ties broken by id)."""
    return Q(**{f"{prefix}created_at__lt": OuterRef("created_at")}) | Q(
        **{f"{prefix}created_at": OuterRef("created_at"), f"{prefix}id__lt": OuterRef("id")}
    )


def latest_prediction_queryset(*, students: QuerySet[Student]) -> QuerySet[Prediction]:
    """For each of `students`, their latest prediction, when it comes from the active model
    version of their school (after a promotion, until the new model has scored, none)."""
    # Through the active version of the students' school(s): its current predictions sit
    # together in one partial index, whatever other schools share the database.
    active = ModelVersion.objects.filter(
        is_active=True, school_id__in=students.values("school_id")
    ).values("id")
    return Prediction.objects.filter(
        model_version_id__in=active, is_current=True, student__in=students
    )


def new_kurang_queryset(*, latest_kurang: QuerySet[Prediction]) -> QuerySet[Prediction]:
    """Latest predictions in kurang whose previous prediction (any version) was not kurang,
    or that have none: students who newly need attention."""
    previous = (
        Prediction.objects.filter(student_id=OuterRef("student_id"))
        .filter(_earlier())
        .order_by("-created_at", "-id")
        .values("category")[:1]
    )
    return latest_kurang.annotate(previous_category=Subquery(previous)).filter(
        Q(previous_category__isnull=True) | ~Q(previous_category="kurang")
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RiskFilters:
    school_class: int | None = None
    major: int | None = None
    category: str = ""
    intervention: str = ""  # "ya" | "tidak" | ""
    q: str = ""
    sort: str = "risk"
    page: int = 1

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> RiskFilters:
        """Read the risk list's query string; unknown values are ignored, never an error."""
        category = data.get("category", "")
        intervention = data.get("intervention", "")
        sort = data.get("sort", "risk")
        return cls(
            school_class=_int_or_none(data.get("class")),
            major=_int_or_none(data.get("major")),
            category=category if category in CATEGORY_RANK else "",
            intervention=intervention if intervention in ("ya", "tidak") else "",
            q=(data.get("q") or "").strip()[:100],
            sort=sort if sort in RISK_SORTS else "risk",
            page=max(1, _int_or_none(data.get("page")) or 1),
        )


@dataclass
class RiskRow:
    prediction: Prediction
    change: str  # "new" | "worse" | "better" | "same"
    previous_category: str | None
    top_factors: list[dict]
    intervention: dict | None

    @property
    def student(self) -> Student:
        return self.prediction.student


@dataclass
class RiskList:
    page: Page
    rows: list[RiskRow]
    model_version: ModelVersion | None
    accuracy: tuple[float, float | None] | None
    without_prediction: int | None
    filters: RiskFilters
    classes: list = field(default_factory=list)
    majors: list = field(default_factory=list)


def risk_queryset(*, user: User, filters: RiskFilters) -> QuerySet[Prediction]:
    """The filtered, sorted latest predictions of the active students the user may see."""
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    if filters.school_class:
        students = students.filter(school_class_id=filters.school_class)
    if filters.major:
        students = students.filter(major_id=filters.major)
    if filters.q:
        students = students.filter(Q(name__icontains=filters.q) | Q(nisn__startswith=filters.q))
    qs = latest_prediction_queryset(students=students)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.intervention:
        has = Exists(
            Intervention.objects.filter(student_id=OuterRef("student_id"), deleted_at__isnull=True)
        )
        qs = qs.filter(has if filters.intervention == "ya" else ~has)
    return qs.order_by(*RISK_SORTS[filters.sort])


ROW_FIELDS = (
    "student__id",
    "student__name",
    "student__nisn",
    "student__school_id",
    "student__school_class__name",
    "student__major__name",
    "term__code",
    "based_on_term__code",
    "model_version_id",
    "category",
    "p_kurang",
    "p_sedang",
    "p_baik",
    "factors",
    "created_at",
)


def predictions_in_order(ids: list[int]) -> list[Prediction]:
    """The rows for `ids`, in that order, with only the columns a list shows: sorting and
    paging run on narrow id rows first, and the encrypted student fields are never read."""
    rows = (
        Prediction.objects.filter(id__in=ids)
        .select_related(
            "student", "student__school_class", "student__major", "term", "based_on_term"
        )
        .only(*ROW_FIELDS)
    )
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


def top_factors(factors, n: int = 3) -> list[dict]:
    """The `n` factors that weigh most, whatever their sign; malformed entries skipped."""
    good = [f for f in factors or [] if isinstance(f, dict) and f.get("text")]
    return sorted(good, key=lambda f: -abs(float(f.get("weight") or 0)))[:n]


def risk_rows(predictions: list[Prediction]) -> list[RiskRow]:
    """Add to each prediction the change since the student's previous prediction, the top
    factors and the last intervention: two queries, whatever the number of rows."""
    student_ids = [p.student_id for p in predictions]
    current_ids = {p.id for p in predictions}
    earlier: dict[int, list[dict]] = {}
    for row in (
        Prediction.objects.filter(student_id__in=student_ids)
        .exclude(id__in=current_ids)
        .order_by("student_id", "-created_at", "-id")
        .values("id", "student_id", "category", "created_at")
    ):
        earlier.setdefault(row["student_id"], []).append(row)
    interventions: dict[int, dict] = {}
    for row in (
        Intervention.objects.filter(student_id__in=student_ids, deleted_at__isnull=True)
        .order_by("student_id", "-start_date", "-id")
        .values("id", "student_id", "status", "outcome", "start_date")
    ):
        if row["student_id"] not in interventions:
            row["status_label"] = str(InterventionStatus(row["status"]).label)
            interventions[row["student_id"]] = row
    rows = []
    for p in predictions:
        previous = next(
            (
                e
                for e in earlier.get(p.student_id, [])
                if (e["created_at"], e["id"]) < (p.created_at, p.id)
            ),
            None,
        )
        if previous is None:
            change = "new"
        else:
            delta = CATEGORY_RANK[p.category] - CATEGORY_RANK.get(previous["category"], 1)
            change = "worse" if delta < 0 else "better" if delta > 0 else "same"
        rows.append(
            RiskRow(
                prediction=p,
                change=change,
                previous_category=previous["category"] if previous else None,
                top_factors=top_factors(p.factors),
                intervention=interventions.get(p.student_id),
            )
        )
    return rows


def active_model_version_for_user(*, user: User) -> ModelVersion | None:
    if user.school_id is None:
        return None
    return ModelVersion.objects.filter(school_id=user.school_id, is_active=True).first()


def student_risk_list(
    *, user: User, filters: RiskFilters, per_page: int = RISK_PAGE_SIZE
) -> RiskList:
    """One page of the risk list with what the page needs around it. The number of queries
    does not depend on the number of rows."""
    ids = risk_queryset(user=user, filters=filters).values_list("id", flat=True)
    paginator = Paginator(ids, per_page)
    page = paginator.get_page(filters.page)
    rows = risk_rows(predictions_in_order(list(page.object_list)))
    version = active_model_version_for_user(user=user)
    classes = class_queryset_for_user(user=user)
    without = None
    if filters == RiskFilters(sort=filters.sort, page=filters.page):
        # Unfiltered: every active student the user sees, less those listed.
        students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
        without = students.count() - paginator.count
    return RiskList(
        page=page,
        rows=rows,
        model_version=version,
        accuracy=cv_accuracy(version.metrics) if version else None,
        without_prediction=without,
        filters=filters,
        classes=list(classes.values("id", "name")),
        majors=list(
            Major.objects.filter(classes__in=classes)
            .distinct()
            .order_by("name")
            .values("id", "name")
        ),
    )


def student_risk_export_rows(
    *, user: User, filters: RiskFilters, chunk: int = 2000
) -> Iterator[RiskRow]:
    """Every row of the filtered risk list (not only one page), in chunks of `chunk`."""
    ids = list(risk_queryset(user=user, filters=filters).values_list("id", flat=True))
    for start in range(0, len(ids), chunk):
        yield from risk_rows(predictions_in_order(ids[start : start + chunk]))


# --- Student profile ------------------------------------------------------------------------------


def student_profile_queryset(*, user: User) -> QuerySet[Student]:
    # The socio-economic fields are encrypted and not shown on the profile: never loaded.
    return (
        student_queryset_for_user(user=user)
        .select_related("school", "school_class", "major", "school_class__homeroom_teacher")
        .defer(*ENCRYPTED_STUDENT_FIELDS)
    )


def student_grade_trend(*, student: Student) -> list[dict]:
    """Average score per subject group per term, oldest term first:
    [{"term": "2024-1", "group": "umum", "avg": 81.2}]."""
    rows = (
        GradeRecord.objects.filter(student=student)
        .values("term__code", "term__year", "term__semester", "subject__group")
        .annotate(avg=Avg("score"))
        .order_by("term__year", "term__semester", "subject__group")
    )
    return [
        {"term": r["term__code"], "group": r["subject__group"], "avg": float(r["avg"])}
        for r in rows
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


def student_prediction_history(*, student: Student, user: User) -> list[Prediction]:
    """Every stored prediction of the student, newest first, each with `top` (factors) and
    `my_feedback` (the user's own answer or None)."""
    predictions = list(
        Prediction.objects.filter(student=student)
        .select_related("term", "based_on_term", "model_version")
        .order_by("-created_at", "-id")
    )
    mine = {
        f.prediction_id: f
        for f in PredictionFeedback.objects.filter(prediction__in=predictions, user=user)
    }
    for p in predictions:
        p.top = top_factors(p.factors, n=5)
        p.my_feedback = mine.get(p.id)
    return predictions


def student_profile(*, user: User, student: Student) -> dict:
    """Everything the profile page shows about one student the user may see."""
    return {
        "grade_trend": student_grade_trend(student=student),
        "attendance_by_month": student_attendance_by_month(student=student),
        "attendance_summaries": list(
            AttendanceSummary.objects.filter(student=student)
            .select_related("term")
            .order_by("term__year", "term__semester")
        ),
        "predictions": student_prediction_history(student=student, user=user),
        "ratings": list(
            NonAcademicRating.objects.filter(student=student)
            .select_related("term")
            .order_by("-term__year", "-term__semester")
        ),
        "interventions": list(
            Intervention.objects.filter(student=student, deleted_at__isnull=True)
            .select_related("programme", "owner")
            .order_by("-start_date", "-id")
        ),
        "model_version": ModelVersion.objects.filter(
            school_id=student.school_id, is_active=True
        ).first(),
    }


# --- REST API (issue 7) ----------------------------------------------------------------------
API_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "nisn": ("nisn", "id"),
    "class": ("school_class__name", "name", "id"),
    "risk": (F("latest_p_kurang").desc(nulls_last=True), "name", "id"),
}
NOT_PREDICTED = "tidak_diprediksi"


def student_api_list(*, user: User, filters: dict) -> QuerySet[Student]:
    """Students the user may see, filtered like the risk list: `class` (id), `major` (id),
    `category` (latest prediction's category, or `tidak_diprediksi` for students who object
    to automated decisions), `q` (name, NISN or NIS), `sort` (a key of API_SORTS).
    Each row carries `latest_category`, `latest_p_kurang`, `latest_term` and
    `excluded_from_scoring`."""
    latest = Prediction.objects.filter(student=OuterRef("pk")).order_by("-created_at", "-id")
    qs = (
        student_queryset_for_user(user=user)
        .select_related("school_class", "major")
        .annotate(
            latest_category=Subquery(latest.values("category")[:1]),
            latest_p_kurang=Subquery(latest.values("p_kurang")[:1]),
            latest_term=Subquery(latest.values("term__code")[:1]),
            excluded_from_scoring=Exists(
                StudentPrivacy.objects.filter(
                    student=OuterRef("pk"), objects_to_automated_decisions=True
                )
            ),
        )
    )
    if filters.get("class"):
        qs = qs.filter(school_class_id=filters["class"])
    if filters.get("major"):
        qs = qs.filter(major_id=filters["major"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    category = filters.get("category")
    if category == NOT_PREDICTED:
        qs = qs.filter(excluded_from_scoring=True)
    elif category:
        qs = qs.filter(latest_category=category, excluded_from_scoring=False)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(nisn__startswith=q) | Q(nis=q))
    return qs.order_by(*API_SORTS.get(filters.get("sort") or "name", API_SORTS["name"]))


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
