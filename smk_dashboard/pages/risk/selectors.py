"""The risk list: each active student's current prediction with what changed since their
previous one, the reasons and the last intervention, filtered, sorted and paged."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from interventions.conduct.selectors import points_totals
from interventions.models import Intervention
from interventions.models import Status as InterventionStatus
from interventions.strengths import counselling_scope, improving_reasons
from predictions.metrics import cv_accuracy
from predictions.models import ModelVersion, Prediction
from predictions.selectors import (
    PredictionStatus,
    active_model_version,
    current_predictions,
    prediction_status,
    published_predictions,
    top_factors,
)
from smk_dashboard.core.categories import CATEGORY_RANK, RISK_STEP
from smk_dashboard.core.fields import FieldGroup, can_see
from smk_dashboard.core.params import parse_id
from students.indicators import Flag, indicator_flags, indicator_settings_get, indicator_term
from students.models import (
    AcademicTerm,
    AttendanceSummary,
    IndicatorSettings,
    Major,
    Student,
    StudentStatus,
    User,
)
from students.selectors import (
    class_queryset_for_user,
    homeroom_student_queryset,
    student_queryset_for_user,
)

RISK_SORTS = {
    # Rounded as shown (5 % steps), ties broken by a recent worsening, then by unexcused
    # absence (alpa) in the term the prediction is based on, then by the exact probability.
    "risk": ("-risk_step", "-worsened", "-alpa", "-p_kurang", "student__name", "id"),
    "-risk": ("p_kurang", "student__name", "id"),
    "name": ("student__name", "id"),
    "-name": ("-student__name", "-id"),
    "class": ("student__school_class__name", "student__name", "id"),
    "nisn": ("student__nisn", "id"),
}


RISK_PAGE_SIZE = 50


def _int_or_none(value) -> int | None:
    return parse_id(value)


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
    change: str  # "first" | "new" | "worse" | "better" | "same"
    previous_category: str | None
    top_factors: list[dict]
    intervention: dict | None
    # Why a kurang student also counts as "Membaik" (`interventions.strengths`); [] otherwise.
    improving: list[str] = field(default_factory=list)

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
    status: PredictionStatus | None = None
    classes: list = field(default_factory=list)
    majors: list = field(default_factory=list)


def risk_queryset(*, user: User, filters: RiskFilters) -> QuerySet[Prediction]:
    """The filtered, sorted current predictions of the active students the user may see."""
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    if filters.school_class:
        students = students.filter(school_class_id=filters.school_class)
    if filters.major:
        students = students.filter(major_id=filters.major)
    if filters.q:
        students = students.filter(Q(name__icontains=filters.q) | Q(nisn__startswith=filters.q))
    qs = current_predictions(students=students)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.intervention and can_see(user, FieldGroup.COUNSELLING):
        has = Exists(
            Intervention.objects.filter(
                student_id=OuterRef("student_id"),
                deleted_at__isnull=True,
                student__in=homeroom_student_queryset(user=user),
            )
        )
        qs = qs.filter(has if filters.intervention == "ya" else ~has)
    if filters.sort == "risk":
        alpa = AttendanceSummary.objects.filter(
            student_id=OuterRef("student_id"), term_id=OuterRef("based_on_term_id")
        ).values("alpa")[:1]
        qs = qs.annotate(
            risk_step=Round(F("p_kurang") * Value(100.0 / RISK_STEP)),
            worsened=Case(When(change="worse", then=1), default=0, output_field=IntegerField()),
            alpa=Coalesce(Subquery(alpa), 0),
        )
    return qs.order_by(*RISK_SORTS[filters.sort])


ROW_FIELDS = (
    "student__id",
    "student__name",
    "student__nisn",
    "student__school_id",
    "student__school_class__name",
    "student__school_class__homeroom_teacher_id",
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
    "change",
    "previous_category",
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


def risk_rows(predictions: list[Prediction], *, user: User) -> list[RiskRow]:
    """Add to each prediction the change since the student's previous prediction, the top
    factors and the last intervention: two queries, whatever the number of rows. What `user`
    may not see (`core.fields`) stays out: reasons naming it, interventions for a guru."""
    student_ids = [p.student_id for p in predictions]
    current_ids = {p.id for p in predictions}
    earlier: dict[int, list[dict]] = {}
    for row in (
        published_predictions(students=Student.objects.filter(id__in=student_ids))
        .exclude(id__in=current_ids)
        .order_by("student_id", "-created_at", "-id")
        .values("id", "student_id", "category", "created_at")
    ):
        earlier.setdefault(row["student_id"], []).append(row)
    interventions: dict[int, dict] = {}
    # A walikelas reads interventions of their homeroom class only (`core.fields`).
    counselling = [
        p.student_id for p in predictions if can_see(user, FieldGroup.COUNSELLING, p.student)
    ]
    for row in (
        Intervention.objects.filter(student_id__in=counselling, deleted_at__isnull=True)
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
        previous_category = previous["category"] if previous else None
        if p.change:
            # Recorded by the scoring against what readers saw before it.
            change, previous_category = p.change, p.previous_category or None
        elif previous is None:
            change = "new"
        else:
            delta = CATEGORY_RANK[p.category] - CATEGORY_RANK.get(previous["category"], 1)
            change = "worse" if delta < 0 else "better" if delta > 0 else "same"
        rows.append(
            RiskRow(
                prediction=p,
                change=change,
                previous_category=previous_category,
                top_factors=top_factors(
                    p.factors, user=user, based_on=p.based_on_term, student=p.student
                ),
                intervention=interventions.get(p.student_id),
            )
        )
    return rows


def kurang_improving(rows: list[RiskRow], *, user: User) -> None:
    """Mark the kurang rows whose student is also "Membaik" (one sentence on the page says how
    the two fit together). A fixed number of queries, none without kurang rows."""
    kurang = [r.prediction.student_id for r in rows if r.prediction.category == "kurang"]
    if not kurang:
        return
    reasons = improving_reasons(
        students=Student.objects.filter(pk__in=kurang),
        counselling_of=counselling_scope(user),
    )
    for row in rows:
        if row.prediction.category == "kurang":
            row.improving = reasons.get(row.prediction.student_id, [])


def student_risk_list(
    *, user: User, filters: RiskFilters, per_page: int = RISK_PAGE_SIZE
) -> RiskList:
    """One page of the risk list with what the page needs around it. The number of queries
    does not depend on the number of rows."""
    ids = risk_queryset(user=user, filters=filters).values_list("id", flat=True)
    paginator = Paginator(ids, per_page)
    page = paginator.get_page(filters.page)
    rows = risk_rows(predictions_in_order(list(page.object_list)), user=user)
    kurang_improving(rows, user=user)
    version = active_model_version(school_id=user.school_id)
    classes = class_queryset_for_user(user=user)
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    without = None
    if filters == RiskFilters(sort=filters.sort, page=filters.page):
        # Unfiltered: every active student the user sees, less those listed.
        without = students.count() - paginator.count
    status = prediction_status(school_id=user.school_id, students=students)
    return RiskList(
        page=page,
        rows=rows,
        model_version=version,
        accuracy=cv_accuracy(version.metrics) if version else None,
        without_prediction=without,
        filters=filters,
        status=status,
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
        yield from risk_rows(predictions_in_order(ids[start : start + chunk]), user=user)


# --- Flags before a model (issue 26) -------------------------------------------------------
# The students the school's plain indicators flag, each with the indicators that fired: grades
# and attendance from `students.indicators`, conduct points from `interventions.conduct`, so
# the combination lives here, in the top layer. No probability: "berdasarkan indikator, belum
# model".
INDICATOR_LIST_SIZE = 200


@dataclass
class IndicatorRow:
    student: Student
    flags: list[Flag]


@dataclass
class IndicatorList:
    term: AcademicTerm | None
    settings: IndicatorSettings
    rows: list[IndicatorRow] = field(default_factory=list)
    flagged: int = 0  # all flagged students, when rows are cut at INDICATOR_LIST_SIZE
    checked: int = 0  # active students looked at


def risk_indicator_list(
    *, user: User, filters: RiskFilters, limit: int | None = INDICATOR_LIST_SIZE
) -> IndicatorList | None:
    """The flagged students among those the user may see (risk list filters apply), most
    flags first; None for a user without a school."""
    if not user.school_id:
        return None
    students = student_queryset_for_user(user=user).filter(status=StudentStatus.AKTIF)
    if filters.school_class:
        students = students.filter(school_class_id=filters.school_class)
    if filters.major:
        students = students.filter(major_id=filters.major)
    if filters.q:
        students = students.filter(Q(name__icontains=filters.q) | Q(nisn__startswith=filters.q))
    school, ids = user.school, list(students.values_list("id", flat=True))
    rules = indicator_settings_get(school=school)
    term = indicator_term(school=school) if ids else None
    flags = (
        indicator_flags(
            school=school,
            student_ids=ids,
            term=term,
            points=points_totals(student_ids=ids),
            settings=rules,
        )
        if ids
        else {}
    )
    result = IndicatorList(term=term, settings=rules, flagged=len(flags), checked=len(ids))
    shown = ("id", "name", "nisn", "school_class__name")
    by_id = Student.objects.select_related("school_class").only(*shown).in_bulk(list(flags))
    ordered = sorted(flags, key=lambda i: (-len(flags[i]), by_id[i].name))
    result.rows = [IndicatorRow(student=by_id[i], flags=flags[i]) for i in ordered[:limit]]
    return result
