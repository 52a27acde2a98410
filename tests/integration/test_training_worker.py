"""Training through a real Celery worker process on the real Redis, and what happens when that
worker is killed with SIGKILL in the middle of a run."""

import os
import signal
import time

import pytest
from django.db import transaction

from predictions import services, training
from predictions.models import ModelVersion, RunStatus, TrainingRun
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School
from tests.conftest import celery_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def demo_school(transactional_db, settings, tmp_path):
    # The worker is another process: it must write artifacts where this test looks.
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    os.environ["MODEL_STORAGE_DIR"] = str(settings.MODEL_STORAGE_DIR)
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1))
    yield School.objects.get(npsn="20100001")
    os.environ.pop("MODEL_STORAGE_DIR", None)


def _wait(run: TrainingRun, until, timeout: float) -> TrainingRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if until(run):
            return run
        time.sleep(0.5)
    raise AssertionError(f"run #{run.pk} stuck at {run.status} {run.progress}%: {run.log}")


def test_a_training_run_queued_on_commit_is_trained_by_a_real_worker(demo_school):
    with celery_worker(queues="default,ml"):
        with transaction.atomic():
            run = services.training_run_start(
                school=demo_school, user=None, models=["lr", "rf"], folds=3
            )
        run = _wait(run, lambda r: r.status in (RunStatus.SUCCEEDED, RunStatus.FAILED), 180)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert ModelVersion.objects.filter(school=demo_school, is_active=True).count() == 1
    assert "Model aktif" in run.log


def test_a_worker_killed_mid_training_leaves_the_active_model_untouched(demo_school):
    first = training.training_run_execute(
        run_id=services.training_run_create(school=demo_school, user=None, models=["lr"]).pk
    )
    assert first.status == RunStatus.SUCCEEDED
    active = ModelVersion.objects.get(school=demo_school, is_active=True)
    versions_before = ModelVersion.objects.count()

    with celery_worker(queues="ml") as worker:
        with transaction.atomic():
            run = services.training_run_start(
                school=demo_school, user=None, models=["rnn", "cnn", "rf", "gbdt"], folds=5
            )
        _wait(run, lambda r: r.status == RunStatus.RUNNING and r.progress > 0, 180)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # nobody is left to say otherwise ...
    assert ModelVersion.objects.count() == versions_before  # ... and nothing half-written
    assert ModelVersion.objects.get(school=demo_school, is_active=True) == active
    # The periodic sweep fails the silent run; the active model is still the old one.
    assert services.training_run_fail_stale(silent_seconds=0) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert ModelVersion.objects.get(school=demo_school, is_active=True) == active
