"""A real worker trains a new model while the guru keeps reloading the risk list: the list is
never empty, and it ends on the new model's predictions (score, then switch)."""

import os
import time

import pytest
from django.db import transaction

from predictions import services, training
from predictions.models import ModelVersion, Prediction, RunStatus
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School
from tests.conftest import celery_worker

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storage(settings, tmp_path):
    # The worker is another process: it must write artifacts where this test looks.
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    os.environ["MODEL_STORAGE_DIR"] = str(settings.MODEL_STORAGE_DIR)
    yield
    os.environ.pop("MODEL_STORAGE_DIR", None)


def test_the_risk_list_is_never_empty_while_a_new_model_trains_and_switches(login, storage):
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1, password="rahasia-uji-123"))
    school = School.objects.get(npsn="20100001")
    first = services.training_run_create(school=school, user=None, models=["lr"], folds=3)
    assert training.training_run_execute(run_id=first.pk).status == RunStatus.SUCCEEDED
    old = ModelVersion.objects.get(is_active=True)

    page = login("guru")
    risk_url = page.url.rstrip("/") + "/students/risk/"
    seen = []
    with celery_worker(queues="default,ml"):
        with transaction.atomic():
            run = services.training_run_start(school=school, user=None, models=["rf"], folds=3)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            page.goto(risk_url)
            rows = page.get_by_test_id("risk-row").count()
            banner = page.get_by_test_id("model-accuracy").inner_text()
            seen.append((rows, banner))
            assert rows > 0, f"empty risk list after {len(seen)} reloads: {banner}"
            run.refresh_from_db()
            if run.status == RunStatus.FAILED:
                pytest.fail(run.error)
            if run.status == RunStatus.SUCCEEDED and "RF v1" in banner:
                break
        else:
            pytest.fail(f"the list never showed the new model: {seen[-1]}")
    new = ModelVersion.objects.get(is_active=True)
    assert new.algorithm == "rf" and new != old
    assert any("LR v1" in banner for _rows, banner in seen)  # the old model was shown first
    assert set(Prediction.objects.current().values_list("model_version_id", flat=True)) == {new.pk}
