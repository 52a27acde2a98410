"""Thin Celery wrappers: take ids, call one service, let the job row record the outcome."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from students.models import School

from . import pooled, scoring, services, training
from .models import ModelVersion, RunStatus, TrainingRun

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=1)
def training_run_task(run_id: int) -> str:
    """Runs on the `ml` (or `gpu`) queue. A worker killed mid-run gives the message back;
    the next delivery restarts the run from the beginning (`attempts` counts them), and a
    run that keeps dying is failed after two attempts."""
    run = TrainingRun.objects.get(pk=run_id)
    if run.status == RunStatus.RUNNING and run.attempts >= 2:
        TrainingRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error="Pelatihan terhenti dua kali (worker mati)."
        )
        return RunStatus.FAILED
    return training.training_run_execute(run_id=run_id).status


@shared_task(acks_late=True)
def predictions_score_task(school_id: int) -> int:
    return scoring.predictions_score(school=School.objects.get(pk=school_id))


@shared_task(acks_late=True)
def scoring_run_task(scoring_id: int) -> str:
    """Run one recorded scoring (`services.scoring_run_start`); the row keeps the outcome."""
    try:
        return scoring.scoring_run_execute(scoring_id=scoring_id).status
    except Exception:  # recorded on the row by the service; a retry would not help
        return "failed"


@shared_task(acks_late=True)
def students_rescore_task(school_id: int, student_ids: list[int]) -> str:
    """Queued by the students app (by name) when an import of grades or attendance lands:
    re-score those students with the school's active model, if it has one."""
    version = ModelVersion.objects.filter(school_id=school_id, is_active=True).first()
    if version is None or not student_ids:
        return "skipped"
    run = services.scoring_run_start(
        school=version.school,
        version=version,
        purpose="refresh",
        student_ids=student_ids,
        queue=False,
    )
    return scoring_run_task(run.pk)


@shared_task
def nightly_scoring_task() -> int:
    """Score every school that has an active model (periodic, see CELERY_BEAT_SCHEDULE)."""
    school_ids = ModelVersion.objects.filter(is_active=True).values_list("school_id", flat=True)
    for school_id in school_ids:
        predictions_score_task.delay(school_id)
    return len(school_ids)


@shared_task
def retrain_on_new_data_task() -> int:
    """Start a training run for schools whose data changed since their active model was
    trained (periodic; off unless RETRAIN_ON_NEW_DATA is set)."""
    if not settings.RETRAIN_ON_NEW_DATA:
        return 0
    started = 0
    for school in School.objects.all():
        if services.school_needs_retraining(school=school):
            services.training_run_start(school=school, user=None)
            started += 1
    return started


@shared_task
def training_runs_fail_stale_task() -> int:
    """Periodic: fail training runs whose worker stopped sending heartbeats."""
    return services.training_run_fail_stale(silent_seconds=settings.TRAINING_HEARTBEAT_TIMEOUT)


@shared_task(acks_late=True)
def pooled_opt_out_apply_task(school_id: int) -> dict:
    """Queued by the students app (by name) when a school opts out of the shared model."""
    return pooled.pooled_opt_out_apply(school=School.objects.get(pk=school_id))
