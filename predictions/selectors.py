"""Reads of predictions and models: the current prediction of a set of students, a student's
prediction history, the model-quality page and teacher feedback."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from smk_dashboard.core.categories import LABELS
from smk_dashboard.core.fields import factors_for_user
from smk_dashboard.core.roles import Role
from students.models import AcademicTerm, School, Student, User, term_label

from .factor_text import display_text
from .metrics import (
    ALGORITHM_NAMES,
    METRIC_ROWS,
    STUDY_CLAIMS,
    all_models,
    confusion_matrix,
    dig,
    mean_std,
)
from .models import (
    ModelVersion,
    Prediction,
    PredictionFeedback,
    RunStatus,
    ScoringPurpose,
    ScoringRun,
    ScoringStatus,
    TrainingRun,
)


def current_predictions(*, students: QuerySet[Student]) -> QuerySet[Prediction]:
    """The current prediction (`Prediction.objects.current()`) of each of `students` that has
    one. Narrowed to the active versions of the students' own schools first, so that the query
    reads one partial index whatever other schools share the database."""
    active = ModelVersion.objects.filter(
        is_active=True, school_id__in=students.values("school_id")
    ).values("id")
    return Prediction.objects.current().filter(model_version_id__in=active, student__in=students)


def published() -> Q:
    """The predictions readers were shown: written by a scoring that finished (a refresh of
    the active model, or a switch the operator or a training run confirmed), or before
    scorings were recorded. A candidate's preview ("Jadikan aktif" that waits for
    confirmation, was cancelled, went stale or failed) never was, and counts nowhere."""
    return (
        Q(scoring__isnull=True)
        | Q(scoring__status=ScoringStatus.DONE)
        | Q(is_current=True, model_version__is_active=True)
    )


def published_predictions(
    *, students: QuerySet[Student], latest_per_term: bool = False
) -> QuerySet[Prediction]:
    """THE history of `students`: every prediction they were shown (`published`). With
    `latest_per_term`, one per student and predicted term: the one shown last (the current
    one, where it predicts that term; else the one whose scoring finished last). Trends,
    before/after comparisons and "sejak prediksi sebelumnya" all read it, so a term's counts
    agree with what the pages showed, and the current term's with the current predictions."""
    shown = Prediction.objects.filter(published(), student__in=students)
    if not latest_per_term:
        return shown
    now_current = Case(
        When(is_current=True, model_version__is_active=True, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    ranked = shown.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("student_id"), F("term_id")],
            order_by=[
                now_current.desc(),
                Coalesce("scoring__finished_at", "created_at").desc(),
                F("id").desc(),
            ],
        )
    ).filter(rank=1)
    return Prediction.objects.filter(id__in=ranked.values("id"))


def active_model_version(*, school_id: int | None) -> ModelVersion | None:
    if school_id is None:
        return None
    return ModelVersion.objects.filter(school_id=school_id, is_active=True).first()


def _earlier(prefix: str = "") -> Q:
    """Predictions created before the outer one (ties broken by id)."""
    return Q(**{f"{prefix}created_at__lt": OuterRef("created_at")}) | Q(
        **{f"{prefix}created_at": OuterRef("created_at"), f"{prefix}id__lt": OuterRef("id")}
    )


def new_kurang_queryset(*, current_kurang: QuerySet[Prediction]) -> QuerySet[Prediction]:
    """Current predictions in kurang that were not kurang at the previous scoring (any
    version), or whose student had none: students who newly need attention. A school's first
    scoring ("prediksi pertama") has nobody "new". Rows written before scorings recorded their
    change are compared with the student's history."""
    previous = (
        Prediction.objects.filter(published(), student_id=OuterRef("student_id"))
        .filter(_earlier())
        .order_by("-created_at", "-id")
        .values("category")[:1]
    )
    legacy = current_kurang.filter(change="").annotate(earlier_category=Subquery(previous))
    legacy = legacy.filter(Q(earlier_category__isnull=True) | ~Q(earlier_category="kurang"))
    return current_kurang.filter(Q(change__in=("new", "worse")) | Q(id__in=legacy.values("id")))


def factor_text(text: str, based_on: AcademicTerm | None, today=None) -> str:
    """A reason as people read it: "semester ini" names its term when the data it counts is
    not from the current term ("Alpa 15 hari pada semester Ganjil 2025/2026")."""
    if based_on is None or "semester ini" not in text:
        return text
    today = today or timezone.localdate()
    if based_on.code == AcademicTerm.code_for_date(today):
        return text
    return text.replace("semester ini", f"semester {term_label(based_on.code)}")


def top_factors(
    factors, n: int = 3, *, user: User, based_on: AcademicTerm | None = None
) -> list[dict]:
    """The `n` factors that weigh most, whatever their sign; malformed entries skipped. A
    factor naming a field group `user` may not see (`core.fields`) is a neutral sentence.
    With `based_on` (the term of the data), texts name that term when it is not the current
    one."""
    good = [f for f in factors_for_user(factors, user=user) if f.get("text")]
    top = sorted(good, key=lambda f: -abs(float(f.get("weight") or 0)))[:n]
    if based_on is None:
        return [{**f, "text": display_text(str(f["text"]))} for f in top]
    today = timezone.localdate()
    return [{**f, "text": display_text(factor_text(str(f["text"]), based_on, today))} for f in top]


@dataclass
class PredictionStatus:
    """What state the predictions a page shows are in."""

    version: ModelVersion | None
    n_current: int
    term: str  # the term predicted, as people read it ("Genap 2026/2027")
    based_on: str  # the term of the data they were computed from
    scored_at: object  # datetime of the scoring that wrote them, or None
    updating: ScoringRun | None  # a (re)scoring of the active model or a switch in progress
    training: TrainingRun | None  # a training run in progress

    @property
    def busy(self) -> bool:
        return self.updating is not None or self.training is not None

    @property
    def progress(self) -> int:
        if self.updating is not None:
            return self.updating.progress
        return self.training.progress if self.training is not None else 0


def prediction_status(*, school_id: int | None, students: QuerySet[Student]) -> PredictionStatus:
    """Which term the current predictions of `students` predict, which term's data they use,
    when they were computed, and whether a scoring or training of the school is running."""
    current = current_predictions(students=students)
    n_current = current.count()

    def most_common(field: str) -> str:
        row = current.values(field).annotate(n=Count("id")).order_by("-n", f"-{field}").first()
        return term_label(row[field]) if row else ""

    scored_at = None
    updating = training = None
    version = active_model_version(school_id=school_id)
    if school_id is not None:
        scored_at = (
            ScoringRun.objects.filter(
                school_id=school_id, status=ScoringStatus.DONE, predictions__in=current
            ).aggregate(t=Max("finished_at"))["t"]
            if n_current
            else None
        ) or current.aggregate(t=Max("created_at"))["t"]
        open_ = ScoringRun.objects.filter(
            school_id=school_id, status__in=(ScoringStatus.PENDING, ScoringStatus.RUNNING)
        )
        # A candidate the operator scores to compare is not an update of what pages show
        # until it switches; a switch after training is.
        updating = (
            open_.filter(Q(purpose=ScoringPurpose.REFRESH) | Q(auto_switch=True))
            .order_by("-created_at")
            .first()
        )
        training = (
            TrainingRun.objects.filter(
                school_id=school_id, status__in=(RunStatus.PENDING, RunStatus.RUNNING)
            )
            .order_by("-created_at")
            .first()
        )
    return PredictionStatus(
        version=version,
        n_current=n_current,
        term=most_common("term__code") if n_current else "",
        based_on=most_common("based_on_term__code") if n_current else "",
        scored_at=scored_at,
        updating=updating,
        training=training,
    )


def student_prediction_history(*, student: Student, user: User) -> list[Prediction]:
    """Every stored prediction of the student, newest first, each with `top` (factors) and
    `my_feedback` (the user's own answer or None)."""
    # A candidate model's predictions the operator has not switched to are not history.
    predictions = list(
        published_predictions(students=Student.objects.filter(pk=student.pk))
        .select_related("term", "based_on_term", "model_version")
        .order_by("-created_at", "-id")
    )
    mine = {
        f.prediction_id: f
        for f in PredictionFeedback.objects.filter(prediction__in=predictions, user=user)
    }
    for p in predictions:
        p.top = top_factors(p.factors, n=5, user=user, based_on=p.based_on_term)
        p.my_feedback = mine.get(p.id)
    return predictions


def model_page_school(*, user: User, school_id: int | None = None) -> School | None:
    """The school whose models the user reviews: their own; a superuser may pick one."""
    if user.school_id is not None:
        return user.school
    if not user.is_superuser:
        return None
    schools = School.objects.order_by("id")
    if school_id:
        return schools.filter(id=school_id).first()
    with_models = ModelVersion.objects.values("school_id")
    return schools.filter(id__in=with_models).first() or schools.first()


def model_versions_for_school(*, school: School) -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(school=school).select_related("training_run")


def prediction_verification_rate(
    *, school: School, model_version: ModelVersion | None = None
) -> dict:
    """How often teachers found a prediction right: {"n", "agrees", "rate" (None if n=0)}."""
    qs = PredictionFeedback.objects.filter(prediction__student__school=school)
    if model_version is not None:
        qs = qs.filter(prediction__model_version=model_version)
    agg = qs.aggregate(n=Count("id"), agrees=Count("id", filter=Q(agrees=True)))
    return {**agg, "rate": agg["agrees"] / agg["n"] if agg["n"] else None}


def verification_rates_by_version(*, school: School) -> dict[int, dict]:
    rows = (
        PredictionFeedback.objects.filter(prediction__student__school=school)
        .values("prediction__model_version_id")
        .annotate(n=Count("id"), agrees=Count("id", filter=Q(agrees=True)))
        .order_by()
    )
    return {
        r["prediction__model_version_id"]: {
            "n": r["n"],
            "agrees": r["agrees"],
            "rate": r["agrees"] / r["n"] if r["n"] else None,
        }
        for r in rows
    }


def counselling_capacity(*, school: School) -> dict:
    """How many flagged students the school's counsellors can take on: the school's
    `students_per_counsellor` × its active BK accounts (at least one counsellor counted)."""
    counsellors = User.objects.filter(school=school, role=Role.BK, is_active=True).count()
    per = school.students_per_counsellor
    counted = max(counsellors, 1)
    return {"per": per, "counsellors": counsellors, "counted": counted, "k": per * counted}


def _answers(qs: QuerySet[PredictionFeedback]) -> dict:
    agg = qs.aggregate(n=Count("id"), agrees=Count("id", filter=Q(agrees=True)))
    return {**agg, "rate": agg["agrees"] / agg["n"] if agg["n"] else None}


def teacher_precision(*, version: ModelVersion, k: int) -> dict:
    """Teachers' answers as a second measure of `version`, independent of cross-validation.

    "kurang": of the teacher answers on its kurang predictions, how many say "sesuai" (the
    precision of kurang among reviewed students). "at_k": the same, limited to the `k`
    current kurang predictions with the highest P(kurang): the students the counsellors can
    take on. Each {"n" (answers), "agrees", "rate" (None if n=0)}; "at_k" also has "k"."""
    feedback = PredictionFeedback.objects.filter(
        prediction__model_version=version, prediction__category="kurang"
    )
    top = list(
        Prediction.objects.current()
        .filter(model_version=version, category="kurang")
        .order_by("-p_kurang", "id")
        .values_list("id", flat=True)[:k]
    )
    at_k = _answers(feedback.filter(prediction_id__in=top))
    return {"kurang": _answers(feedback), "at_k": {**at_k, "k": k}}


def majority_baseline(cm: list[list[int]] | None) -> float | None:
    """Accuracy of always guessing the most common true class: the floor a model must beat."""
    if not cm:
        return None
    totals = [sum(row) for row in cm]
    return max(totals) / sum(totals) if sum(totals) else None


def algorithm_reports(metrics: dict) -> list[dict]:
    """One entry per algorithm in the version's metrics, ready for the page:
    name, rows of (label, mean, std), confusion matrix, reliability, study claim."""
    reports = []
    for key, entry in all_models(metrics).items():
        cm = confusion_matrix(entry)
        # The engine pools the kurang probability of every test fold into bins.
        reliability = dig(entry, "reliability_kurang")
        if not (isinstance(reliability, dict) and reliability.get("mean_predicted")):
            reliability = None
        reports.append(
            {
                "key": key,
                "name": ALGORITHM_NAMES.get(key, key),
                "is_baseline": key in ("rf", "lr", "gbdt"),
                "metrics": {m: mean_std(entry.get(m)) for m, *_rest in METRIC_ROWS},
                "recall": {
                    label: mean_std(dig(entry, "recall_per_class", label)) for label in LABELS
                },
                "confusion_matrix": cm,
                "n_test": sum(sum(r) for r in cm) if cm else None,
                "majority_baseline": majority_baseline(cm),
                "reliability": reliability,
                "fit_seconds": entry.get("fit_seconds"),
                "study_claim": STUDY_CLAIMS.get(key),
            }
        )
    return reports


def fairness_rows(metrics: dict, key: str) -> list[dict]:
    rows = dig(metrics, "fairness", key)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
