"""Reads of predictions and models: the current prediction of a set of students, a student's
prediction history, the model-quality page and teacher feedback."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
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
from django.utils.translation import gettext as _

from smk_dashboard.core.categories import CATEGORY_RANK
from smk_dashboard.core.fields import (
    COUNSELLING_AUDIENCE,
    factors_for_audience,
    factors_for_user,
)
from students.models import AcademicTerm, Student, User, term_label

from .factor_text import display_text
from .metrics import (
    dig,
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
    *, students: QuerySet[Student] | None = None, latest_per_term: bool = False
) -> QuerySet[Prediction]:
    """THE history of `students` (every school's when None): every prediction they were
    shown (`published`). With
    `latest_per_term`, one per student and predicted term: the one shown last (the current
    one, where it predicts that term; else the one whose scoring finished last). Trends,
    before/after comparisons and "sejak prediksi sebelumnya" all read it, so a term's counts
    agree with what the pages showed, and the current term's with the current predictions."""
    shown = Prediction.objects.filter(published())
    if students is not None:
        shown = shown.filter(student__in=students)
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
    factors,
    n: int = 3,
    *,
    user: User | None,
    based_on: AcademicTerm | None = None,
    student=None,
    audience: frozenset[str] | None = None,
) -> list[dict]:
    """The `n` factors that weigh most, whatever their sign; malformed entries skipped. A
    factor naming a field group `user` may not see (`core.fields`; for `student`, when given)
    is a neutral sentence; with `user=None`, one that any role of `audience` may not see
    (text written for several readers: an intervention's reason, a printed pack).
    With `based_on` (the term of the data), texts name that term when it is not the current
    one."""
    shown = (
        factors_for_audience(factors, audience=audience or COUNSELLING_AUDIENCE)
        if user is None
        else factors_for_user(factors, user=user, student=student)
    )
    good = [f for f in shown if f.get("text")]
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


def flag_of(row) -> tuple:
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


def student_feedback(*, student: Student) -> list[PredictionFeedback]:
    """Every teacher's feedback on the student's predictions, newest first, with the
    prediction, its term and the author: read once by the profile, which shows the user's own
    answers and, to those who may read them (`core.fields.can_read_teacher_notes`), the notes."""
    return list(
        PredictionFeedback.objects.filter(student=student)
        .select_related("prediction", "prediction__term", "user")
        .order_by("-updated_at", "-id")
    )


def student_prediction_history(
    *, student: Student, user: User, feedback: list[PredictionFeedback] | None = None
) -> list[Prediction]:
    """Every stored prediction of the student, newest first, each with `top` (factors),
    `my_feedback` (the user's own answer to that flag, or None), `feedback_carried` (that
    answer was given on an earlier prediction of the same flag: "dari prediksi sebelumnya")
    and `earlier_feedback` (no answer to this flag, but the user answered another flag of
    the same term: shown beside the new flag while the teacher is asked again). Only the
    user's own answers: other teachers' notes follow `core.fields.can_read_teacher_notes`."""
    predictions = list(
        published_predictions(students=Student.objects.filter(pk=student.pk))
        .select_related("term", "based_on_term", "model_version")
        .order_by("-created_at", "-id")
    )
    if feedback is None:
        feedback = student_feedback(student=student)
    mine = [f for f in feedback if f.user_id == user.pk]
    by_flag = {flag_of(f): f for f in mine}
    for p in predictions:
        p.top = top_factors(p.factors, n=5, user=user, based_on=p.based_on_term, student=student)
        p.my_feedback = by_flag.get(flag_of(p))
        answered = p.my_feedback.prediction if p.my_feedback else None
        p.feedback_carried = answered is not None and (answered.created_at, answered.pk) < (
            p.created_at,
            p.pk,
        )
        p.earlier_feedback = (
            None if p.my_feedback else next((f for f in mine if f.term_id == p.term_id), None)
        )
    return predictions


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
            "worse": CATEGORY_RANK[r["category"]] < CATEGORY_RANK.get(shown[r["student_id"]], 1),
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
