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
from students.models import GradeRecord, School, User
from students.term_status import exclude_unfinished_terms

from .ml.registry import file_sha256
from .models import ModelVersion, Prediction, PredictionFeedback, RunStatus, TrainingRun

logger = logging.getLogger(__name__)

ALGORITHMS = ("rnn", "cnn", "rf", "lr", "gbdt")
TRAINING_TASK = "predictions.tasks.training_run_task"


# --------------------------------------------------------------------------- training runs


def training_run_create(
    *,
    school: School,
    user: User | None,
    models: Sequence[str] = ALGORITHMS,
    folds: int = 5,
    seed: int = 42,
) -> TrainingRun:
    """Validate the request and record a pending run (nothing is queued)."""
    models = list(dict.fromkeys(models))
    unknown = sorted(set(models) - set(ALGORITHMS))
    if unknown or not models:
        raise ValidationError(
            _("Model tidak dikenal: %(names)s. Pilih dari rnn, cnn, rf, lr, gbdt.")
            % {"names": ", ".join(unknown) or "-"}
        )
    if not 2 <= folds <= 10:
        raise ValidationError(_("Jumlah fold harus antara 2 dan 10."))
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
) -> TrainingRun:
    """Record a pending run and queue it once the transaction commits (queue from
    CELERY_TASK_ROUTES: `ml`, or `gpu` with TRAINING_QUEUE=gpu)."""
    run = training_run_create(school=school, user=user, models=models, folds=folds, seed=seed)
    enqueue_on_commit(TRAINING_TASK, run.id, queue=queue)
    return run


def training_run_fail_stale(*, silent_seconds: int) -> int:
    """Fail runs whose heartbeat stopped `silent_seconds` ago: their worker died (SIGKILL,
    out of memory, host lost). The active model was never touched by such a run."""
    cutoff = timezone.now() - timezone.timedelta(seconds=silent_seconds)
    return TrainingRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff).update(
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
        )


def model_version_promote(*, version: ModelVersion, user: User | None = None) -> ModelVersion:
    """Make `version` the school's active model, atomically. Its artifact must exist and
    match its sha256; otherwise nothing changes."""
    try:
        intact = file_sha256(version.artifact_path) == version.artifact_sha256
    except OSError:
        intact = False
    if not intact:
        raise ValidationError(
            _("Berkas model %(model)s rusak atau hilang; model aktif tidak diubah.")
            % {"model": str(version)}
        )
    with transaction.atomic():
        list(ModelVersion.objects.select_for_update().filter(school=version.school))
        ModelVersion.objects.filter(school=version.school, is_active=True).exclude(
            pk=version.pk
        ).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(
            is_active=True, promoted_at=timezone.now(), promoted_by=user
        )
        audit_log(action="model.promote", user=user, target=version, school=version.school)
    version.refresh_from_db()
    return version


# --------------------------------------------------------------------------- scoring


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
    directory = settings.MODEL_STORAGE_DIR / school.npsn
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# --------------------------------------------------------------------------- teacher feedback

FEEDBACK_NOTE_MAX = 1000


@transaction.atomic
def prediction_feedback_record(
    *, prediction: Prediction, user: User, agrees: bool, note: str = ""
) -> PredictionFeedback:
    """Record whether `user` finds `prediction` right ("sesuai") or not, with an optional
    note. One answer per user and prediction: a second answer replaces the first."""
    note = (note or "").strip()
    if len(note) > FEEDBACK_NOTE_MAX:
        raise ValidationError(
            _("Catatan terlalu panjang: paling banyak %(max)s karakter.")
            % {"max": FEEDBACK_NOTE_MAX}
        )
    feedback, _created = PredictionFeedback.objects.update_or_create(
        prediction=prediction, user=user, defaults={"agrees": bool(agrees), "note": note}
    )
    return feedback
