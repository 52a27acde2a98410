"""Reads of predictions and models: the current prediction of a set of students, a student's
prediction history, the model-quality page and teacher feedback."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

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
from .promotion import WAIT, promotion_sentences


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
    """Current predictions in kurang that were not kurang at the previous scoring (any
    version), or whose student had none: students who newly need attention. A school's first
    scoring ("prediksi pertama") has nobody "new". Rows written before scorings recorded their
    change are compared with the student's history."""
    previous = (
        Prediction.objects.filter(student_id=OuterRef("student_id"))
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


def _unpublished() -> Q:
    """A candidate model's predictions the operator has not switched to: never history, never
    counted (they live apart until the switch)."""
    return Q(scoring__purpose=ScoringPurpose.SWITCH) & ~Q(scoring__status=ScoringStatus.DONE)


def published_predictions() -> QuerySet[Prediction]:
    return Prediction.objects.exclude(_unpublished())


def _flag(row) -> tuple:
    """The flag a prediction or an answer is about (`PredictionFeedback.KEY`)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(get(name) for name in PredictionFeedback.KEY)


def _same_flag_as_outer() -> dict:
    return {name: OuterRef(name) for name in PredictionFeedback.KEY}


def feedback_applying_to(predictions: QuerySet[Prediction]) -> QuerySet[PredictionFeedback]:
    """THE rule of issue 23: a teacher's answer applies to every prediction of the same
    student, term and category (`PredictionFeedback.KEY`), whichever model made it. The
    answers that apply to any of `predictions`. Every count of teachers' answers (model page,
    effectiveness) and the profile card go through this key."""
    return PredictionFeedback.objects.filter(Exists(predictions.filter(**_same_flag_as_outer())))


def predictions_reviewed(predictions: QuerySet[Prediction]) -> dict:
    """Of `predictions`, how many have at least one teacher's answer that applies
    (`reviewed`) and at least one that agrees (`confirmed`); carried-over answers count."""
    answers = PredictionFeedback.objects.filter(**_same_flag_as_outer())
    agg = predictions.annotate(
        _reviewed=Exists(answers), _confirmed=Exists(answers.filter(agrees=True))
    ).aggregate(
        reviewed=Count("id", filter=Q(_reviewed=True)),
        confirmed=Count("id", filter=Q(_confirmed=True)),
    )
    return {"reviewed": agg["reviewed"] or 0, "confirmed": agg["confirmed"] or 0}


def student_prediction_history(*, student: Student, user: User) -> list[Prediction]:
    """Every stored prediction of the student, newest first, each with `top` (factors),
    `my_feedback` (the user's own answer to that flag, or None), `feedback_carried` (that
    answer was given on an earlier prediction of the same flag: "dari prediksi sebelumnya")
    and `earlier_feedback` (no answer to this flag, but the user answered another flag of
    the same term: shown beside the new flag while the teacher is asked again). Only the
    user's own answers: other teachers' notes follow `core.fields.can_read_teacher_notes`."""
    predictions = list(
        published_predictions()
        .filter(student=student)
        .select_related("term", "based_on_term", "model_version")
        .order_by("-created_at", "-id")
    )
    mine = list(
        PredictionFeedback.objects.filter(student=student, user=user)
        .select_related("prediction")
        .order_by("-updated_at", "-id")
    )
    by_flag = {_flag(f): f for f in mine}
    for p in predictions:
        p.top = top_factors(p.factors, n=5, user=user, based_on=p.based_on_term)
        p.my_feedback = by_flag.get(_flag(p))
        answered = p.my_feedback.prediction if p.my_feedback else None
        p.feedback_carried = answered is not None and (answered.created_at, answered.pk) < (
            p.created_at,
            p.pk,
        )
        p.earlier_feedback = (
            None if p.my_feedback else next((f for f in mine if f.term_id == p.term_id), None)
        )
    return predictions


RANK = {"kurang": 0, "sedang": 1, "baik": 2}


def switch_changes(*, scoring: ScoringRun, limit: int = 300) -> dict:
    """The students whose category a switch to `scoring`'s version changes: while it waits
    ("ready"), its prediction against the student's current one; once switched, against the
    category the switch recorded. {"rows": [{"student_id", "name", "school_class", "before",
    "after", "worse"}], "n": all of them}; rows worse-first, then by class and name, at most
    `limit`. Only students of the scoring's own school."""
    rows = Prediction.objects.filter(scoring=scoring, student__school_id=scoring.school_id).values(
        "student_id",
        "category",
        "previous_category",
        "student__name",
        "student__school_class__name",
    )
    if scoring.status == ScoringStatus.READY:
        students = Student.objects.filter(school_id=scoring.school_id)
        shown = dict(current_predictions(students=students).values_list("student_id", "category"))
    elif scoring.status == ScoringStatus.DONE:
        shown = {r["student_id"]: r["previous_category"] for r in rows if r["previous_category"]}
    else:
        return {"rows": [], "n": 0}
    changed = [
        {
            "student_id": r["student_id"],
            "name": r["student__name"],
            "school_class": r["student__school_class__name"] or "",
            "before": shown[r["student_id"]],
            "after": r["category"],
            "worse": RANK[r["category"]] < RANK.get(shown[r["student_id"]], 1),
        }
        for r in rows
        if shown.get(r["student_id"]) not in (None, r["category"])
    ]
    changed.sort(key=lambda c: (not c["worse"], c["school_class"], c["name"]))
    return {"rows": changed[:limit], "n": len(changed)}


def training_run_promotion(*, run: TrainingRun) -> dict | None:
    """What a finished run decided about its champion (`promotion.promotion_check`), in
    words, with the scoring that previews the switch and the students it would change.
    None for a run without a decision (failed, or trained before the rule)."""
    check = dig(run.metrics, "promotion")
    sentences = promotion_sentences(check)
    if not sentences:
        return None
    scoring = (
        ScoringRun.objects.filter(pk=check.get("scoring_id"), school_id=run.school_id)
        .select_related("model_version")
        .first()
    )
    waiting = check["decision"] == WAIT
    if waiting and scoring is not None and scoring.status != ScoringStatus.READY:
        # Decided since, or overtaken: the first sentence ("belum dipakai") is history now.
        waiting = False
        sentences[0] = {
            ScoringStatus.DONE: _(
                "Model baru sempat menunggu; operator sudah menjadikannya model aktif."
            ),
        }.get(
            scoring.status,
            _(
                "Model baru tidak dipakai; pratinjaunya sudah usang karena model aktif berganti "
                "atau penilaiannya gagal."
            ),
        )
    return {
        "decision": check["decision"],
        "waiting": waiting,
        "sentences": sentences,
        "scoring": scoring,
        "changes": switch_changes(scoring=scoring) if scoring else {"rows": [], "n": 0},
    }


def training_runs_waiting(*, school_id: int | None) -> set[int]:
    """Ids of the school's training runs whose champion waits for the operator's decision
    (its preview scoring is ready and not switched automatically)."""
    return set(
        ScoringRun.objects.filter(
            school_id=school_id,
            status=ScoringStatus.READY,
            auto_switch=False,
            training_run__isnull=False,
        ).values_list("training_run_id", flat=True)
    )


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
        answers.setdefault(_flag(row), []).append(row["agrees"])
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
