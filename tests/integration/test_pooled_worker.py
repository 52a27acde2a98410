"""Issue 26, item 3: the shared model's training run goes through the `ml` queue to a real
Celery worker process on the real Redis, like any training run."""

import os

import pytest
from django.db import transaction

from predictions.models import ModelVersion, Prediction, RunStatus
from predictions.pooled import pooled_run_start
from tests.conftest import celery_worker
from tests.integration.test_training_worker import _wait
from tests.predictions.pooled.district import seed_district

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def district(transactional_db, settings, tmp_path):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    os.environ["MODEL_STORAGE_DIR"] = str(settings.MODEL_STORAGE_DIR)
    yield seed_district()
    os.environ.pop("MODEL_STORAGE_DIR", None)


def test_a_shared_model_run_is_trained_by_a_real_worker_on_the_ml_queue(district):
    with celery_worker(queues="ml"):
        with transaction.atomic():
            run = pooled_run_start(school=district.new, user=None)
        run = _wait(run, lambda r: r.status in (RunStatus.SUCCEEDED, RunStatus.FAILED), 180)
    assert run.status == RunStatus.SUCCEEDED, run.error
    version = ModelVersion.objects.get(school=district.new, is_active=True)
    assert version.is_pooled and version.training_run_id == run.pk
    assert Prediction.objects.current().filter(student__school=district.new).exists()
