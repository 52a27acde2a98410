"""The operator starts a training run in the browser and watches it finish, trained by a real
Celery worker process on the real Redis."""

import os

import pytest

from predictions.models import ModelVersion
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from tests.conftest import celery_worker

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storage(settings, tmp_path):
    # The worker is another process: it must write artifacts where this test looks.
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    os.environ["MODEL_STORAGE_DIR"] = str(settings.MODEL_STORAGE_DIR)
    yield
    os.environ.pop("MODEL_STORAGE_DIR", None)


def test_the_operator_starts_a_training_run_and_sees_it_finish(login, storage):
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1, password="rahasia-uji-123"))
    with celery_worker(queues="default,ml"):
        page = login("operator")
        page.goto(page.url.rstrip("/") + "/predictions/training/")
        for box in page.locator("input[name=models]").all():
            if box.get_attribute("value") != "lr":
                box.uncheck()
        page.fill("input[name=folds]", "3")
        page.click("[data-testid=training-form] button[type=submit]")
        page.wait_for_url("**/predictions/training/*/")
        status = page.get_by_test_id("run-status")
        status.filter(has_text="Berhasil").wait_for(timeout=120_000)
        assert "aktif" in page.get_by_test_id("versions").inner_text()
    assert ModelVersion.objects.get(is_active=True).algorithm == "lr"
