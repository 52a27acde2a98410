"""Reads of predictions and models: the current prediction of a set of students, a student's
prediction history, the model-quality page and teacher feedback."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from smk_dashboard.core.categories import LABELS
from students.models import School, Student, User

from .metrics import (
    ALGORITHM_NAMES,
    METRIC_ROWS,
    STUDY_CLAIMS,
    all_models,
    confusion_matrix,
    dig,
    mean_std,
)
from .models import ModelVersion, Prediction, PredictionFeedback


def current_predictions(*, students: QuerySet[Student]) -> QuerySet[Prediction]:
    """The current prediction (`Prediction.objects.current()`) of each of `students` that has
    one. Narrowed to the active versions of the students' own schools first, so that the query
    reads one partial index whatever other schools share the database."""
    active = ModelVersion.objects.filter(
        is_active=True, school_id__in=students.values("school_id")
    ).values("id")
    return Prediction.objects.current().filter(model_version_id__in=active, student__in=students)


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
    """Latest predictions in kurang whose previous prediction (any version) was not kurang,
    or that have none: students who newly need attention."""
    previous = (
        Prediction.objects.filter(student_id=OuterRef("student_id"))
        .filter(_earlier())
        .order_by("-created_at", "-id")
        .values("category")[:1]
    )
    return current_kurang.annotate(previous_category=Subquery(previous)).filter(
        Q(previous_category__isnull=True) | ~Q(previous_category="kurang")
    )


def top_factors(factors, n: int = 3) -> list[dict]:
    """The `n` factors that weigh most, whatever their sign; malformed entries skipped."""
    good = [f for f in factors or [] if isinstance(f, dict) and f.get("text")]
    return sorted(good, key=lambda f: -abs(float(f.get("weight") or 0)))[:n]


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
