"""POST /api/v1/training-runs/ → 202 (queued on commit), GET …/<id>/ → status, POST
/api/v1/model-versions/<id>/promote/ → 202 + a scoring of every student first, then (once
scored) 200 on a second call or on …/scoring-runs/<id>/confirm/; 409 for a broken artifact.
Operator only."""

import time

import pytest

from predictions import scoring, services, training
from predictions.ml.registry import file_sha256
from predictions.models import (
    ModelVersion,
    Prediction,
    RunStatus,
    ScoringPurpose,
    ScoringRun,
    ScoringStatus,
    TrainingRun,
)
from smk_dashboard.core.models import AuditEvent
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import Role, School, User
from tests.cache_keys import task_callbacks

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
    assert len(task_callbacks(callbacks)) == 1
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


def test_promoting_queues_a_scoring_first_answers_202_and_switches_nothing_yet(
    world, api_client_for, intact_version, django_capture_on_commit_callbacks
):
    operator = world.one.users[Role.OPERATOR]
    client = api_client_for(operator)
    promote = f"/api/v1/model-versions/{intact_version.pk}/promote/"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(promote)
    assert response.status_code == 202, response.content
    body = response.json()
    run = ScoringRun.objects.get(pk=body["id"])
    assert (run.model_version, run.purpose, run.status) == (
        intact_version,
        ScoringPurpose.SWITCH,
        ScoringStatus.PENDING,
    )
    assert run.requested_by == operator and run.auto_switch is False
    assert len(task_callbacks(callbacks)) == 1
    assert body["status_url"].endswith(f"/api/v1/scoring-runs/{run.pk}/")
    assert body["confirm_url"].endswith(f"/api/v1/scoring-runs/{run.pk}/confirm/")
    assert body["ready"] is False and body["finished"] is False
    # Nothing switched: the old model and every student's prediction stay.
    assert ModelVersion.objects.get(school=world.one.school, is_active=True) == world.one.version
    assert Prediction.objects.current().filter(student__school=world.one.school).count() == 4
    assert not AuditEvent.objects.filter(action="model.promote").exists()

    # A second call while it scores answers the same scoring, queues nothing new.
    again = client.post(promote)
    assert again.status_code == 202 and again.json()["id"] == run.pk
    assert ScoringRun.objects.filter(model_version=intact_version).count() == 1
    assert client.get(body["status_url"]).json()["status"] == "pending"
    # Confirming before it has scored is refused and changes nothing.
    early = client.post(body["confirm_url"])
    assert early.status_code == 409 and "tidak menunggu konfirmasi" in early.json()["detail"]
    assert not ModelVersion.objects.get(pk=intact_version.pk).is_active


def test_auto_switch_asks_the_worker_to_switch_as_soon_as_it_has_scored(
    world, api_client_for, intact_version
):
    client = api_client_for(world.one.users[Role.OPERATOR])
    promote = f"/api/v1/model-versions/{intact_version.pk}/promote/"
    response = client.post(promote, {"auto_switch": True}, format="json")
    assert response.status_code == 202 and response.json()["auto_switch"] is True
    assert ScoringRun.objects.get(pk=response.json()["id"]).auto_switch is True
    bad = client.post(promote, {"auto_switch": "soon"}, format="json")
    assert bad.status_code == 400


def test_promoting_the_version_already_active_answers_200_and_queues_nothing(
    world, api_client_for, intact_version
):
    ModelVersion.objects.filter(school=world.one.school).update(is_active=False)
    ModelVersion.objects.filter(pk=intact_version.pk).update(is_active=True)
    client = api_client_for(world.one.users[Role.OPERATOR])
    response = client.post(f"/api/v1/model-versions/{intact_version.pk}/promote/")
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert not ScoringRun.objects.exists()


def test_scoring_runs_of_another_school_answer_404_and_others_than_operators_403(
    world, api_client_for, intact_version
):
    run = services.scoring_run_start(
        school=world.one.school, version=intact_version, purpose=ScoringPurpose.SWITCH
    )
    other = api_client_for(world.two.users[Role.OPERATOR])
    assert other.get(f"/api/v1/scoring-runs/{run.pk}/").status_code == 404
    assert other.post(f"/api/v1/scoring-runs/{run.pk}/confirm/").status_code == 404
    bk = api_client_for(world.one.users[Role.BK])
    assert bk.get(f"/api/v1/scoring-runs/{run.pk}/").status_code == 403
    assert bk.post(f"/api/v1/scoring-runs/{run.pk}/confirm/").status_code == 403


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
    assert not ScoringRun.objects.exists()


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


@pytest.mark.slow
def test_promote_scores_with_the_real_model_then_a_second_call_switches_with_no_gap(
    db, api_client_for, settings, tmp_path
):
    """Real lr models on a small demo school; the worker's half runs in this process."""
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1, password="rahasia-uji-123"))
    school = School.objects.get(npsn="20100001")
    for _ in range(2):  # v1, then v2 replaces it: v1 is the candidate to promote back
        run = services.training_run_create(school=school, user=None, models=["lr"], folds=2)
        assert training.training_run_execute(run_id=run.pk).status == "succeeded"
    v1, v2 = ModelVersion.objects.filter(school=school, algorithm="lr").order_by("version")
    assert v2.is_active and not v1.is_active
    shown = Prediction.objects.current().filter(student__school=school)
    n_students = shown.count()
    assert n_students > 0 and set(shown.values_list("model_version_id", flat=True)) == {v2.pk}

    client = api_client_for(User.objects.get(username="operator"))
    promote = f"/api/v1/model-versions/{v1.pk}/promote/"
    first = client.post(promote)
    assert first.status_code == 202
    scoring.scoring_run_execute(scoring_id=first.json()["id"])
    status = client.get(first.json()["status_url"]).json()
    assert status["status"] == "ready" and status["ready"] is True
    assert status["n_students"] == n_students
    assert sum(status["summary"]["after"].values()) == n_students
    # Scored, not switched: readers still see v2.
    assert ModelVersion.objects.get(school=school, is_active=True) == v2

    second = client.post(promote)
    assert second.status_code == 200, second.content
    assert second.json()["id"] == v1.pk and second.json()["is_active"] is True
    assert ModelVersion.objects.get(school=school, is_active=True) == v1
    current = Prediction.objects.current().filter(student__school=school)
    assert current.count() == n_students
    assert set(current.values_list("model_version_id", flat=True)) == {v1.pk}
    assert client.get(first.json()["status_url"]).json()["status"] == "done"
    assert AuditEvent.objects.filter(action="model.promote", target_id=str(v1.pk)).exists()
