"""Issue 23, item 7, end to end with real models on a small demo school: a training run makes
its champion active on its own only when `promotion_check` allows it; otherwise the champion
is scored and waits for the operator, and the training pages say why, with the students whose
category would change."""

import pytest
from django.test import Client

from predictions import services, training
from predictions.models import ModelVersion, Prediction, ScoringRun, ScoringStatus
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School, User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def school(settings, tmp_path):
    """A demo school whose first model (logistic regression) is active: a first model is
    promoted as before, whatever its figures."""
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1, password="rahasia-uji-123"))
    school = School.objects.get(npsn="20100001")
    run = _train(school, ["lr"])
    assert run.metrics["promotion"]["decision"] == "first"
    assert ModelVersion.objects.get(school=school, is_active=True).algorithm == "lr"
    return school


def _train(school, models):
    run = services.training_run_create(school=school, user=None, models=models, folds=3)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run


def _active_measured_as(school, f1: float) -> ModelVersion:
    """Give the active model the cross-validated macro-F1 `f1` (±0.01 over 3 folds)."""
    active = ModelVersion.objects.get(school=school, is_active=True)
    active.metrics["cv"]["macro_f1"] = {"mean": f1, "std": 0.01}
    active.save(update_fields=["metrics"])
    return active


def _shown(school):
    return set(
        Prediction.objects.current()
        .filter(student__school=school)
        .values_list("id", "model_version_id", "category")
    )


def _operator() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="operator"))
    return client


def test_a_worse_champion_waits_and_the_training_page_says_why_with_the_students(school):
    old = _active_measured_as(school, 0.99)
    shown = _shown(school)
    run = _train(school, ["rf"])

    # Not activated: the old model and everything readers see stay.
    assert ModelVersion.objects.get(school=school, is_active=True) == old
    assert _shown(school) == shown
    promotion = run.metrics["promotion"]
    assert promotion["decision"] == "wait" and "f1_lower" in promotion["reasons"]
    assert promotion["active_id"] == old.pk
    candidate = ModelVersion.objects.get(pk=promotion["candidate_id"])
    # Scored like a "Jadikan aktif" preview, waiting for the operator.
    preview = ScoringRun.objects.get(pk=promotion["scoring_id"])
    assert (preview.model_version, preview.status, preview.auto_switch) == (
        candidate,
        ScoringStatus.READY,
        False,
    )
    assert "Menunggu keputusan operator." in run.log

    operator = _operator()
    listing = operator.get("/predictions/training/").content.decode()
    assert 'data-testid="promotion-rule"' in listing and "tidak lebih rendah" in listing
    assert 'data-testid="run-waiting"' in listing
    page = operator.get(f"/predictions/training/{run.pk}/").content.decode()
    assert 'data-decision="wait"' in page and "Model baru belum dipakai" in page
    assert "Model baru kurang tepat secara keseluruhan: F1 makro 0,990" in page
    assert "dari 10" in page
    assert f'href="/predictions/scoring/{preview.pk}/"' in page
    changed = preview.summary["changed"]
    assert changed > 0, "rf and lr disagree on some students of the demo school"
    assert page.count('data-testid="switch-student"') == changed

    confirm = operator.get(f"/predictions/scoring/{preview.pk}/").content.decode()
    assert "Model baru belum dipakai" in confirm and 'data-testid="confirm-switch"' in confirm
    assert confirm.count('data-testid="switch-student"') == changed
    current = dict(
        Prediction.objects.current()
        .filter(student__school=school)
        .values_list("student__name", "category")
    )
    new = dict(Prediction.objects.filter(scoring=preview).values_list("student__name", "category"))
    moved = sorted(name for name, category in new.items() if current.get(name) != category)
    assert len(moved) == changed and all(name in confirm for name in moved)

    # The operator decides: the existing confirmation switches.
    assert operator.post(f"/predictions/scoring/{preview.pk}/").status_code == 302
    assert ModelVersion.objects.get(school=school, is_active=True) == candidate
    page = operator.get(f"/predictions/training/{run.pk}/").content.decode()
    assert "operator sudah menjadikannya model aktif" in page
    assert "Model baru belum dipakai" not in page and 'data-testid="switch-student"' not in page
    assert (
        'data-testid="run-waiting"' not in operator.get("/predictions/training/").content.decode()
    )


def test_a_champion_not_worse_than_the_active_model_is_activated_on_its_own(school):
    _active_measured_as(school, 0.10)
    run = _train(school, ["rf"])
    promotion = run.metrics["promotion"]
    assert (promotion["decision"], promotion["reasons"]) == ("auto", [])
    active = ModelVersion.objects.get(school=school, is_active=True)
    assert active.pk == promotion["candidate_id"] and active.algorithm in ("rf", "ensemble")
    assert {v for _id, v, _c in _shown(school)} == {active.pk}
    page = _operator().get(f"/predictions/training/{run.pk}/").content.decode()
    assert 'data-decision="auto"' in page and "jadi langsung dipakai" in page
    assert 'data-testid="promotion-review"' not in page


def test_the_same_data_and_model_again_is_not_worse_and_replaces_the_active_model(school):
    run = _train(school, ["lr"])
    promotion = run.metrics["promotion"]
    assert promotion["decision"] == "auto" and promotion["macro_f1"]["diff"] == 0
    assert ModelVersion.objects.get(school=school, is_active=True).pk == promotion["candidate_id"]
