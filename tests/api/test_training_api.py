"""POST /api/v1/training-runs/ → 202 (queued on commit), GET …/<id>/ → status, POST
/api/v1/model-versions/<id>/promote/ → 200, or 409 for a broken artifact. Operator only."""

import time

import pytest

from predictions.ml.registry import file_sha256
from predictions.models import ModelVersion, RunStatus, TrainingRun
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.demo import DemoConfig, seed_demo
from students.models import Role, User

NOT_OPERATORS = [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK]


@pytest.fixture
def intact_version(world, tmp_path):
    artifact = tmp_path / "lr.joblib"
    artifact.write_bytes(b"artifact bytes")
    return ModelVersion.objects.create(
        school=world.one.school,
        algorithm="lr",
        version=1,
        artifact_path=str(artifact),
        artifact_sha256=file_sha256(str(artifact)),
        data_fingerprint="f" * 64,
    )


def test_anonymous_callers_get_401(world, api_client_for):
    client = api_client_for()
    run = TrainingRun.objects.create(school=world.one.school)
    assert client.post("/api/v1/training-runs/", {}, format="json").status_code == 401
    assert client.get(f"/api/v1/training-runs/{run.pk}/").status_code == 401


@pytest.mark.parametrize("role", NOT_OPERATORS)
def test_only_the_operator_may_train_or_promote(world, api_client_for, intact_version, role):
    client = api_client_for(world.one.users[role])
    run = TrainingRun.objects.create(school=world.one.school)
    assert (
        client.post("/api/v1/training-runs/", {"models": ["lr"]}, format="json").status_code == 403
    )
    assert client.get(f"/api/v1/training-runs/{run.pk}/").status_code == 403
    promote = f"/api/v1/model-versions/{intact_version.pk}/promote/"
    assert client.post(promote).status_code == 403
    assert TrainingRun.objects.count() == 1
    assert not ModelVersion.objects.get(pk=intact_version.pk).is_active


def test_sudin_may_not_train(world, api_client_for):
    response = api_client_for(world.sudin).post("/api/v1/training-runs/", {}, format="json")
    assert response.status_code == 403


def test_starting_a_run_answers_202_and_queues_it_after_commit(
    world, api_client_for, django_capture_on_commit_callbacks
):
    operator = world.one.users[Role.OPERATOR]
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client_for(operator).post(
            "/api/v1/training-runs/", {"models": ["rf", "lr"], "folds": 3}, format="json"
        )
    assert response.status_code == 202, response.content
    body = response.json()
    run = TrainingRun.objects.get(pk=body["id"])
    assert (run.school, run.requested_by, run.status) == (world.one.school, operator, "pending")
    assert run.config == {"models": ["rf", "lr"], "folds": 3, "seed": 42}
    assert body["status_url"].endswith(f"/api/v1/training-runs/{run.pk}/")
    assert body["finished"] is False
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="training.start", target_id=str(run.pk)).exists()


@pytest.mark.parametrize(
    "payload",
    [{"models": ["svm"]}, {"models": []}, {"folds": 1}, {"folds": 11}, {"models": "lr"}],
)
def test_bad_training_requests_answer_400_and_record_nothing(world, api_client_for, payload):
    client = api_client_for(world.one.users[Role.OPERATOR])
    assert client.post("/api/v1/training-runs/", payload, format="json").status_code == 400
    assert not TrainingRun.objects.exists()


def test_run_status_reports_progress_device_metrics_and_error(world, api_client_for):
    run = TrainingRun.objects.create(
        school=world.one.school,
        status=RunStatus.FAILED,
        progress=40,
        device="cpu",
        metrics={"champion": "lr"},
        error="Data terlalu sedikit.",
    )
    body = api_client_for(world.one.users[Role.OPERATOR]).get(f"/api/v1/training-runs/{run.pk}/")
    body = body.json()
    assert (body["status"], body["progress"], body["device"]) == ("failed", 40, "cpu")
    assert body["finished"] is True and body["error"] == "Data terlalu sedikit."
    assert body["metrics"] == {"champion": "lr"}


def test_school_two_operator_gets_404_for_school_one_runs_and_versions(
    world, api_client_for, intact_version
):
    run = TrainingRun.objects.create(school=world.one.school)
    client = api_client_for(world.two.users[Role.OPERATOR])
    assert client.get(f"/api/v1/training-runs/{run.pk}/").status_code == 404
    promote = f"/api/v1/model-versions/{intact_version.pk}/promote/"
    assert client.post(promote).status_code == 404
    assert not ModelVersion.objects.get(pk=intact_version.pk).is_active


def test_promoting_an_intact_version_makes_it_the_only_active_one(
    world, api_client_for, intact_version
):
    operator = world.one.users[Role.OPERATOR]
    response = api_client_for(operator).post(f"/api/v1/model-versions/{intact_version.pk}/promote/")
    assert response.status_code == 200 and response.json()["is_active"] is True
    active = ModelVersion.objects.filter(school=world.one.school, is_active=True)
    assert list(active) == [intact_version]
    event = AuditEvent.objects.get(action="model.promote", target_id=str(intact_version.pk))
    assert event.user == operator


def test_a_corrupted_artifact_is_refused_with_409_and_the_active_model_stays(
    world, api_client_for, intact_version
):
    with open(intact_version.artifact_path, "ab") as fh:
        fh.write(b"tampered")
    response = api_client_for(world.one.users[Role.OPERATOR]).post(
        f"/api/v1/model-versions/{intact_version.pk}/promote/"
    )
    assert response.status_code == 409
    assert "rusak atau hilang" in response.json()["detail"]
    active = ModelVersion.objects.get(school=world.one.school, is_active=True)
    assert active == world.one.version


@pytest.mark.integration
@pytest.mark.slow
def test_a_real_worker_trains_a_small_school_started_through_the_api(
    transactional_db, api_client_for, settings, tmp_path, monkeypatch, worker
):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    monkeypatch.setenv("MODEL_STORAGE_DIR", str(tmp_path / "models"))
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1))
    client = api_client_for(User.objects.get(username="operator"))
    response = client.post("/api/v1/training-runs/", {"models": ["lr"], "folds": 2}, format="json")
    assert response.status_code == 202
    status_url = response.json()["status_url"]
    deadline = time.monotonic() + 240
    body = {}
    while time.monotonic() < deadline:
        body = client.get(status_url).json()
        if body["finished"]:
            break
        time.sleep(1)
    assert body["status"] == "succeeded", body
    assert body["progress"] == 100 and body["device"]
    assert body["metrics"]["champion"] == "lr"
    assert 0 <= body["metrics"]["models"]["lr"]["macro_f1"]["mean"] <= 1
    [version] = body["versions"]
    assert version["algorithm"] == "lr" and version["is_active"] is True
