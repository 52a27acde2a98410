"""Writes for training runs, model versions and predictions.

Training runs in a Celery worker (queue `ml`, or `gpu` on a GPU host): `training_run_execute`
is the whole job; the task only calls it. The web process never imports TensorFlow: keras is
imported inside `predictions.ml.models` when a deep model is built or loaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.audit import audit_log
from students.models import AcademicTerm, School, User

from .ml.registry import ArtifactChecksumError
from .models import ModelVersion, Prediction, PredictionFeedback, RunStatus, TrainingRun
from .training_data import school_frames, scoring_students

logger = logging.getLogger(__name__)

ALGORITHMS = ("rnn", "cnn", "rf", "lr", "gbdt")


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
    from .tasks import training_run_task

    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: training_run_task.apply_async(args=[run.id], **options))
    return run


def _set_progress(run_id: int, progress: float) -> None:
    TrainingRun.objects.filter(pk=run_id).update(
        progress=int(min(max(progress, 0), 100)), heartbeat_at=timezone.now()
    )


def _append_log(run: TrainingRun, line: str) -> None:
    stamp = timezone.localtime().strftime("%H:%M:%S")
    run.log = (run.log + f"[{stamp}] {line}\n")[-20_000:]
    TrainingRun.objects.filter(pk=run.pk).update(log=run.log)


def training_run_execute(*, run_id: int) -> TrainingRun:
    """Train, cross-validate, save and promote. Safe to run twice: a finished run is left
    alone; a run interrupted mid-way (worker killed) is started again from the beginning and
    the active model stays active until a new one is completely saved."""
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.attempts += 1
        run.progress = 0
        run.error = ""
        run.save(
            update_fields=["status", "started_at", "heartbeat_at", "attempts", "progress", "error"]
        )
    try:
        from .training import train_school_models

        result = train_school_models(
            run=run,
            progress=lambda p: _set_progress(run.pk, p),
            log=lambda line: _append_log(run, line),
        )
    except Exception as exc:
        message = str(exc) if isinstance(exc, ValidationError | ValueError) else repr(exc)
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        TrainingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message[:4000], finished_at=timezone.now()
        )
        logger.exception("training run %s failed", run.pk)
        run.refresh_from_db()
        return run
    TrainingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        metrics=result["summary"],
        device=result["device"],
    )
    run.refresh_from_db()
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
    from .ml.registry import file_sha256

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


def predictions_score(*, school: School, version: ModelVersion | None = None) -> int:
    """Score every active student of the school with the active model (batched), store a
    Prediction per student for the term after their latest data, with the top factors.
    Returns the number of predictions written."""
    from .ml.explain import Explainer, score
    from .ml.features import build_scoring_samples, next_term
    from .ml.registry import load_model

    version = version or ModelVersion.objects.filter(school=school, is_active=True).first()
    if version is None:
        raise ValidationError(_("Sekolah ini belum punya model aktif. Latih model dulu."))
    try:
        model = load_model(version.artifact_path, sha256=version.artifact_sha256)
    except (OSError, ValueError, ArtifactChecksumError) as exc:
        raise ValidationError(
            _("Berkas model %(model)s rusak atau hilang; prediksi tidak dibuat.")
            % {"model": str(version)}
        ) from exc
    students = scoring_students(school=school)
    frames = school_frames(school=school, students=students)
    if frames.grades.empty:
        return 0
    schema = version.feature_schema
    data = build_scoring_samples(
        frames.grades,
        frames.attendance,
        frames.ratings,
        frames.students,
        kkm=float(school.kkm),
        max_steps=schema.get("max_steps"),
    )
    started = time.perf_counter()
    proba = score(model, data)
    factors: list[list[dict]] = [[] for _ in range(len(data))]
    if schema.get("reference"):
        explainer = Explainer.from_reference(schema["reference"], data, kkm=float(school.kkm))
        factors = explainer.explain(model, data, base=proba)
    logger.info("scored %d students in %.2f s", len(data), time.perf_counter() - started)
    labels = ("kurang", "sedang", "baik")
    term_codes = sorted({next_term(t) for t in data.terms} | set(data.terms))
    terms = {}
    for code in term_codes:
        year, sem = code.split("-")
        terms[code] = AcademicTerm.objects.get_or_create(
            code=code, defaults={"year": int(year), "semester": int(sem)}
        )[0]
    rows = [
        Prediction(
            student_id=int(sid),
            term=terms[next_term(str(t))],
            based_on_term=terms[str(t)],
            model_version=version,
            category=labels[int(np.argmax(p))],
            p_kurang=float(p[0]),
            p_sedang=float(p[1]),
            p_baik=float(p[2]),
            factors=f,
        )
        for sid, t, p, f in zip(data.groups, data.terms, proba, factors, strict=True)
    ]
    with transaction.atomic():
        # Re-scoring replaces this version's predictions for these terms; older terms and
        # other versions stay as history.
        Prediction.objects.filter(
            model_version=version, term__in={r.term_id for r in rows}
        ).delete()
        Prediction.objects.filter(student__school=school, is_current=True).update(is_current=False)
        for row in rows:
            row.is_current = True
        Prediction.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


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
    from students.models import GradeRecord
    from students.term_status import exclude_unfinished_terms

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
