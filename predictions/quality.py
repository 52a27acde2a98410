"""Reads for the model-quality page: which school and versions a user may see, the teachers'
verification rates and precision, counselling capacity, and the per-algorithm and fairness
tables built from a version's stored metrics."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from smk_dashboard.core.categories import LABELS
from smk_dashboard.core.roles import Role
from students.models import School, User

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
from .selectors import feedback_applying_to, flag_of, published_predictions


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


def _rate(n: int, agrees: int) -> dict:
    return {"n": n, "agrees": agrees, "rate": agrees / n if n else None}


def prediction_verification_rate(
    *, school: School, model_version: ModelVersion | None = None
) -> dict:
    """How often teachers found a prediction right: {"n", "agrees", "rate" (None if n=0)}.
    With `model_version`: the answers that apply to its (published) predictions, carried-over
    answers included (`feedback_applying_to`)."""
    qs = PredictionFeedback.objects.all()
    if model_version is not None:
        qs = feedback_applying_to(published_predictions().filter(model_version=model_version))
    return _answers(qs.filter(student__school=school))


def verification_rates_by_version(*, school: School) -> dict[int, dict]:
    """`prediction_verification_rate` of every version of the school in two queries: each
    answer counts for every version whose published predictions carry its flag."""
    answers: dict[tuple, list[bool]] = {}
    for row in PredictionFeedback.objects.filter(student__school=school).values(
        *PredictionFeedback.KEY, "agrees"
    ):
        answers.setdefault(flag_of(row), []).append(row["agrees"])
    if not answers:
        return {}
    counts: dict[int, list[int]] = {}
    flags = (
        published_predictions()
        .filter(student_id__in={key[0] for key in answers})
        .values_list(*PredictionFeedback.KEY, "model_version_id")
    )
    for *flag, version_id in flags:
        for agrees in answers.get(tuple(flag), ()):
            n_agrees = counts.setdefault(version_id, [0, 0])
            n_agrees[0] += 1
            n_agrees[1] += agrees
    return {version_id: _rate(n, a) for version_id, (n, a) in counts.items()}


def counselling_capacity(*, school: School) -> dict:
    """How many flagged students the school's counsellors can take on: the school's
    `students_per_counsellor` × its active BK accounts (at least one counsellor counted)."""
    counsellors = User.objects.filter(school=school, role=Role.BK, is_active=True).count()
    per = school.students_per_counsellor
    counted = max(counsellors, 1)
    return {"per": per, "counsellors": counsellors, "counted": counted, "k": per * counted}


def _answers(qs: QuerySet[PredictionFeedback]) -> dict:
    agg = qs.aggregate(n=Count("id"), agrees=Count("id", filter=Q(agrees=True)))
    return _rate(agg["n"], agg["agrees"])


def teacher_precision(*, version: ModelVersion, k: int) -> dict:
    """Teachers' answers as a second measure of `version`, independent of cross-validation.

    "kurang": of the teacher answers on its kurang predictions, how many say "sesuai" (the
    precision of kurang among reviewed students; answers carried over from another model's
    prediction of the same flag count). "at_k": the same, limited to the `k`
    current kurang predictions with the highest P(kurang): the students the counsellors can
    take on. Each {"n" (answers), "agrees", "rate" (None if n=0)}; "at_k" also has "k"."""
    kurang = published_predictions().filter(model_version=version, category="kurang")
    top = list(
        Prediction.objects.current()
        .filter(model_version=version, category="kurang")
        .order_by("-p_kurang", "id")
        .values_list("id", flat=True)[:k]
    )
    at_k = _answers(feedback_applying_to(Prediction.objects.filter(id__in=top)))
    return {"kurang": _answers(feedback_applying_to(kurang)), "at_k": {**at_k, "k": k}}


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
