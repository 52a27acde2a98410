"""Writes for training runs, model versions and predictions that the web process makes.

The worker's half lives in `predictions.training` (a whole training run) and
`predictions.scoring` (writing predictions with a stored model); they import this module,
never the other way round, so no web request can reach Keras or TensorFlow.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.jobs import enqueue_on_commit
from smk_dashboard.core.page_cache import school_pages_changed, schools_pages_changed
from students.models import GradeRecord, School, Student, User
from students.term_status import exclude_unfinished_terms

from .artifacts import model_artifact_intact
from .models import (
    Change,
    ModelVersion,
    Prediction,
    RunStatus,
    ScoringPurpose,
    ScoringRun,
    ScoringStatus,
    TrainingRun,
)

logger = logging.getLogger(__name__)

ALGORITHMS = ("rnn", "cnn", "rf", "lr", "gbdt")
TRAINING_TASK = "predictions.tasks.training_run_task"
SCORING_TASK = "predictions.tasks.scoring_run_task"


# --------------------------------------------------------------------------- training runs


def training_run_create(
    *,
    school: School,
    user: User | None,
    models: Sequence[str] = ALGORITHMS,
    folds: int = 5,
    seed: int = 42,
    promote: str = "rule",
) -> TrainingRun:
    """Validate the request and record a pending run (nothing is queued). The champion
    becomes active (after it scored every student) only when `promotion.promotion_check`
    allows it; otherwise it waits for the operator. `promote`: "rule" (or the older
    "if_better", the same rule now): there is no way to skip the rule."""
    models = list(dict.fromkeys(models))
    unknown = sorted(set(models) - set(ALGORITHMS))
    if unknown or not models:
        raise ValidationError(
            _("Model tidak dikenal: %(names)s. Pilih dari rnn, cnn, rf, lr, gbdt.")
            % {"names": ", ".join(unknown) or "-"}
        )
    if not 2 <= folds <= 10:
        raise ValidationError(_("Jumlah fold harus antara 2 dan 10."))
    if promote not in ("rule", "if_better"):
        raise ValidationError(_("Aturan pemakaian model tidak dikenal: %(v)s.") % {"v": promote})
    run = TrainingRun.objects.create(
        school=school,
        requested_by=user,
        scope={"school": school.npsn},
        config={"models": models, "folds": folds, "seed": seed},
    )
    audit_log(action="training.start", user=user, target=run, school=school)
    return run


def training_run_start(
    *,
    school: School,
    user: User | None,
    models: Sequence[str] = ALGORITHMS,
    folds: int = 5,
    seed: int = 42,
    queue: str | None = None,
    promote: str = "rule",
) -> TrainingRun:
    """Record a pending run and queue it once the transaction commits (queue from
    CELERY_TASK_ROUTES: `ml`, or `gpu` with TRAINING_QUEUE=gpu)."""
    run = training_run_create(
        school=school, user=user, models=models, folds=folds, seed=seed, promote=promote
    )
    enqueue_on_commit(TRAINING_TASK, run.id, queue=queue)
    return run


def training_run_fail_stale(*, silent_seconds: int) -> int:
    """Fail runs whose heartbeat stopped `silent_seconds` ago: their worker died (SIGKILL,
    out of memory, host lost). The active model was never touched by such a run."""
    cutoff = timezone.now() - timezone.timedelta(seconds=silent_seconds)
    stale = TrainingRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
    schools_pages_changed(stale.values_list("school_id", flat=True))
    return stale.update(
        status=RunStatus.FAILED,
        error=_("Proses pelatihan terhenti (worker mati); model aktif tidak berubah."),
        finished_at=timezone.now(),
    )


def model_version_create(
    *,
    run: TrainingRun,
    algorithm: str,
    metrics: dict,
    feature_schema: dict,
    artifact_path: str,
    artifact_sha256: str,
    data_fingerprint: str,
    library_versions: dict,
    seed: int,
    is_pooled: bool = False,
    pooled_sources: int = 0,
) -> ModelVersion:
    with transaction.atomic():
        last = (
            ModelVersion.objects.select_for_update()
            .filter(school=run.school, algorithm=algorithm)
            .aggregate(v=Max("version"))["v"]
        )
        return ModelVersion.objects.create(
            school=run.school,
            training_run=run,
            algorithm=algorithm,
            version=(last or 0) + 1,
            metrics=metrics,
            feature_schema=feature_schema,
            artifact_path=artifact_path,
            artifact_sha256=artifact_sha256,
            data_fingerprint=data_fingerprint,
            library_versions=library_versions,
            seed=seed,
            is_pooled=is_pooled,
            pooled_sources=pooled_sources,
        )


def _check_artifact(version: ModelVersion) -> None:
    if not model_artifact_intact(version=version):
        raise ValidationError(
            _("Berkas model %(model)s rusak atau hilang; model aktif tidak diubah.")
            % {"model": str(version)}
        )


def model_version_promote(*, version: ModelVersion, user: User | None = None) -> ModelVersion:
    """Make `version` the school's active model, atomically, without scoring: its students
    have no current prediction until it scores them. The web flow uses `scoring_run_start`
    (SWITCH) and `scoring_run_switch` instead. Its artifact must exist and match its sha256;
    otherwise nothing changes."""
    _check_artifact(version)
    with transaction.atomic():
        list(ModelVersion.objects.select_for_update().filter(school=version.school))
        ModelVersion.objects.filter(school=version.school, is_active=True).exclude(
            pk=version.pk
        ).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(
            is_active=True, promoted_at=timezone.now(), promoted_by=user
        )
        audit_log(action="model.promote", user=user, target=version, school=version.school)
        school_pages_changed(version.school_id)
    version.refresh_from_db()
    return version


def model_version_request_switch(
    *, version: ModelVersion, user: User | None = None, auto_switch: bool = False
) -> tuple[ModelVersion, ScoringRun | None]:
    """Rule 1 for the API: a version becomes active only after it has scored every student.
    Returns `(version, None)` once it is active: it already was, or its latest SWITCH scoring
    was ready and is switched now. Otherwise returns the SWITCH scoring under way (one still
    pending or running) or a new one, queued after commit; `auto_switch` makes the worker
    switch as soon as it has scored. A missing or corrupt artifact changes nothing."""
    _check_artifact(version)
    if version.is_active:
        return version, None
    latest = (
        ScoringRun.objects.filter(
            model_version=version,
            purpose=ScoringPurpose.SWITCH,
            status__in=[ScoringStatus.PENDING, ScoringStatus.RUNNING, ScoringStatus.READY],
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.status == ScoringStatus.READY:
        return scoring_run_switch(scoring=latest, user=user), None
    if latest is not None:
        if auto_switch and not latest.auto_switch:
            ScoringRun.objects.filter(pk=latest.pk).update(auto_switch=True)
            latest.auto_switch = True
        return version, latest
    scoring = scoring_run_start(
        school=version.school,
        version=version,
        purpose=ScoringPurpose.SWITCH,
        auto_switch=auto_switch,
        user=user,
    )
    return version, scoring


# --------------------------------------------------------------------------- scoring

RANK = {"kurang": 0, "sedang": 1, "baik": 2}


def scoring_run_start(
    *,
    school: School,
    version: ModelVersion,
    purpose: str,
    student_ids: Sequence[int] | None = None,
    auto_switch: bool = False,
    user: User | None = None,
    training_run: TrainingRun | None = None,
    queue: bool = True,
) -> ScoringRun:
    """Record a scoring of `school`'s students by `version` and queue it after commit (on the
    `default` queue). SWITCH scores a version that is not active yet: its predictions become
    current only together with the version, in `scoring_run_switch`."""
    if version.school_id != school.pk:
        raise ValidationError(_("Model ini milik sekolah lain."))
    if purpose == ScoringPurpose.REFRESH and not version.is_active:
        raise ValidationError(_("Hanya model aktif yang memperbarui prediksi."))
    scoring = ScoringRun.objects.create(
        school=school,
        model_version=version,
        purpose=purpose,
        auto_switch=auto_switch,
        student_ids=sorted({int(i) for i in student_ids}) if student_ids is not None else None,
        requested_by=user,
        training_run=training_run,
    )
    if queue:
        enqueue_on_commit(SCORING_TASK, scoring.id)
    return scoring


def scoring_run_fail(*, scoring_id: int, message: str) -> None:
    """Record why a scoring failed; the active model and its predictions are untouched."""
    failed = ScoringRun.objects.filter(pk=scoring_id).exclude(status=ScoringStatus.DONE)
    schools_pages_changed(failed.values_list("school_id", flat=True))
    failed.update(status=ScoringStatus.FAILED, error=message[:4000], finished_at=timezone.now())


def shown_predictions(*, school: School) -> dict[int, dict]:
    """What readers see now: each student's current prediction, by student id."""
    return {
        row["student_id"]: row
        for row in Prediction.objects.current()
        .filter(student__school=school)
        .values(
            "id",
            "student_id",
            "category",
            "change",
            "previous_category",
            "model_version_id",
            "based_on_term_id",
        )
    }


def prediction_change(*, new: dict, shown: dict | None, first: bool) -> tuple[str, str]:
    """(change, previous_category) of a new prediction against the one the student's readers
    saw until now, whatever model made it. On a school's first scoring every row is
    "prediksi pertama"; a re-scoring that changes nothing keeps the change it had."""
    if first:
        return Change.FIRST, ""
    if shown is None:
        return Change.NEW, ""
    if (
        shown["category"] == new["category"]
        and shown["model_version_id"] == new["model_version_id"]
        and shown["based_on_term_id"] == new["based_on_term_id"]
        and shown["change"]
    ):
        return shown["change"], shown["previous_category"]
    delta = RANK[new["category"]] - RANK.get(shown["category"], 1)
    change = Change.WORSE if delta < 0 else Change.BETTER if delta > 0 else Change.SAME
    return change, shown["category"]


def scoring_summary(*, rows: Sequence[dict], shown: dict[int, dict]) -> dict:
    """How many students are in each category before and after, and how many change."""
    before = dict.fromkeys(RANK, 0)
    for row in shown.values():
        before[row["category"]] = before.get(row["category"], 0) + 1
    after = dict.fromkeys(RANK, 0)
    changed = worse = compared = 0
    for row in rows:
        after[row["category"]] += 1
        old = shown.get(row["student_id"])
        if old is not None:
            compared += 1
            if old["category"] != row["category"]:
                changed += 1
                worse += RANK[row["category"]] < RANK.get(old["category"], 1)
    return {
        "before": before,
        "after": after,
        "changed": changed,
        "worse": worse,
        "compared": compared,
        "n": len(rows),
    }


def prediction_changes(*, rows: Sequence[dict], shown: dict[int, dict]) -> dict[int, tuple]:
    """student id → (change, previous category) for new prediction rows (dicts with
    student_id, category, model_version_id, based_on_term_id) against `shown`."""
    first = not shown
    return {
        row["student_id"]: prediction_change(
            new=row, shown=shown.get(row["student_id"]), first=first
        )
        for row in rows
    }


def _apply_changes(*, scoring: ScoringRun, shown: dict[int, dict]) -> None:
    rows = list(
        Prediction.objects.filter(scoring=scoring).values(
            "id", "student_id", "category", "model_version_id", "based_on_term_id"
        )
    )
    changes = prediction_changes(rows=rows, shown=shown)
    # One UPDATE per (change, previous category) pair: a handful, whatever the school size.
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        groups.setdefault(changes[row["student_id"]], []).append(row["id"])
    for (change, previous), ids in groups.items():
        for start in range(0, len(ids), 900):
            Prediction.objects.filter(id__in=ids[start : start + 900]).update(
                change=change, previous_category=previous
            )


def scoring_publish(*, scoring: ScoringRun) -> None:
    """Make the predictions `scoring` wrote the current ones of their students, in the
    caller's transaction (readers see the old set or the new one, never a mix)."""
    students = Prediction.objects.filter(scoring=scoring).values("student_id")
    Prediction.objects.filter(student_id__in=students, is_current=True).exclude(
        scoring=scoring
    ).update(is_current=False)
    Prediction.objects.filter(scoring=scoring).update(is_current=True)
    school_pages_changed(scoring.school_id)


def scoring_run_switch(*, scoring: ScoringRun, user: User | None = None) -> ModelVersion:
    """Make the scored version the school's active model and its predictions current, in one
    transaction. The scoring must have finished (status "ready"); the artifact must still
    match its sha256. Otherwise nothing changes."""
    version = scoring.model_version
    with transaction.atomic():
        scoring = ScoringRun.objects.select_for_update().get(pk=scoring.pk)
        if scoring.purpose != ScoringPurpose.SWITCH or scoring.status != ScoringStatus.READY:
            raise ValidationError(
                _("Penilaian ini tidak menunggu konfirmasi; model aktif tidak diubah.")
            )
        _check_artifact(version)
        list(ModelVersion.objects.select_for_update().filter(school=version.school))
        _apply_changes(scoring=scoring, shown=shown_predictions(school=version.school))
        # Everything the old model showed stops being current at the same moment.
        Prediction.objects.filter(student__school=version.school, is_current=True).exclude(
            scoring=scoring
        ).update(is_current=False)
        ModelVersion.objects.filter(school=version.school, is_active=True).exclude(
            pk=version.pk
        ).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(
            is_active=True, promoted_at=timezone.now(), promoted_by=user
        )
        Prediction.objects.filter(scoring=scoring).update(is_current=True)
        ScoringRun.objects.filter(pk=scoring.pk).update(
            status=ScoringStatus.DONE, progress=100, finished_at=timezone.now()
        )
        # Other candidates scored against the old model are out of date now.
        ScoringRun.objects.filter(
            school=version.school, purpose=ScoringPurpose.SWITCH, status=ScoringStatus.READY
        ).exclude(pk=scoring.pk).update(status=ScoringStatus.CANCELLED)
        audit_log(
            action="model.promote",
            user=user,
            target=version,
            school=version.school,
            detail={"scoring": scoring.pk, **scoring.summary},
        )
        school_pages_changed(version.school_id)
    version.refresh_from_db()
    return version


def scoring_run_cancel(*, scoring: ScoringRun, user: User | None = None) -> ScoringRun:
    """ "Batal" on a candidate's preview: the scoring is cancelled, the active model and its
    predictions stay, and the candidate's predictions are never shown anywhere
    (`selectors.published`). Only a SWITCH scoring that has not switched and is not being
    written right now (pending or ready) can be cancelled."""
    with transaction.atomic():
        scoring = ScoringRun.objects.select_for_update().get(pk=scoring.pk)
        if scoring.purpose != ScoringPurpose.SWITCH or scoring.status not in (
            ScoringStatus.PENDING,
            ScoringStatus.READY,
        ):
            raise ValidationError(_("Penilaian ini tidak bisa dibatalkan lagi."))
        scoring.status, scoring.finished_at = ScoringStatus.CANCELLED, timezone.now()
        scoring.save(update_fields=["status", "finished_at"])
        audit_log(
            action="model.switch_cancel",
            user=user,
            target=scoring.model_version,
            school=scoring.school,
            detail={"scoring": scoring.pk},
        )
        school_pages_changed(scoring.school_id)
    return scoring


def predictions_refresh_current(*, student_ids) -> None:
    """Make each student's newest prediction (by created_at, then id) the current one, after
    predictions were written or removed other than by `predictions_score`."""
    with transaction.atomic():
        Prediction.objects.filter(student_id__in=student_ids, is_current=True).update(
            is_current=False
        )
        newest = (
            Prediction.objects.filter(student_id__in=student_ids)
            .order_by("student_id", "-created_at", "-id")
            .values_list("student_id", "id")
        )
        latest: dict[int, int] = {}
        for student_id, prediction_id in newest:
            latest.setdefault(student_id, prediction_id)
        Prediction.objects.filter(id__in=latest.values()).update(is_current=True)
        schools_pages_changed(
            Student.objects.filter(id__in=list(latest)).values_list("school_id", flat=True)
        )


def school_needs_retraining(*, school: School) -> bool:
    """True when grades of a finished term newer than the active model's data have arrived
    (a partial ledger's term waits until the operator marks it complete)."""
    active = ModelVersion.objects.filter(school=school, is_active=True).first()
    latest = (
        exclude_unfinished_terms(GradeRecord.objects.filter(student__school=school))
        .order_by("-term__year", "-term__semester")
        .values_list("term__code", flat=True)
        .first()
    )
    if latest is None:
        return False
    if active is None:
        return True
    return latest > active.feature_schema.get("latest_term", "")


def model_storage_dir(school: School):
    """The school's folder in a local `"models"` storage (MODEL_STORAGE_DIR/<npsn>)."""
    directory = settings.MODEL_STORAGE_DIR / school.npsn
    directory.mkdir(parents=True, exist_ok=True)
    return directory
