import pytest
from django.test import Client

from predictions.models import TrainingRun
from students.models import Role
from tests.cache_keys import task_callbacks

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.GURU, Role.WALIKELAS, Role.BK, Role.KEPSEK, Role.SUDIN])
def test_only_the_operator_opens_the_training_page(make_user, role):
    assert _client(make_user(role)).get("/predictions/training/").status_code == 403


def test_the_operator_sees_the_training_page(make_user):
    response = _client(make_user(Role.OPERATOR)).get("/predictions/training/")
    assert response.status_code == 200
    assert "Mulai pelatihan" in response.content.decode()


def test_starting_a_run_records_it_and_queues_it_after_commit(
    make_user, django_capture_on_commit_callbacks
):
    operator = make_user(Role.OPERATOR)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _client(operator).post(
            "/predictions/training/", {"models": ["rf", "lr"], "folds": 3}
        )
    run = TrainingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/predictions/training/{run.pk}/"
    assert run.config == {"models": ["rf", "lr"], "folds": 3, "seed": 42}
    assert run.status == "pending" and run.requested_by == operator
    assert len(task_callbacks(callbacks)) == 1  # the task is sent only once the row is committed


def test_a_run_of_another_school_is_not_found(make_user):
    mine, theirs = make_user(Role.OPERATOR), make_user(Role.OPERATOR)
    run = TrainingRun.objects.create(school=theirs.school)
    client = _client(mine)
    assert client.get(f"/predictions/training/{run.pk}/").status_code == 404
    assert client.get(f"/predictions/training/{run.pk}/status/").status_code == 404


def test_the_status_endpoint_reports_progress_as_json(make_user):
    operator = make_user(Role.OPERATOR)
    run = TrainingRun.objects.create(school=operator.school, status="running", progress=40)
    body = _client(operator).get(f"/predictions/training/{run.pk}/status/").json()
    assert body["progress"] == 40 and body["status"] == "running" and body["finished"] is False


def test_bad_folds_are_refused_with_a_clear_message(make_user):
    response = _client(make_user(Role.OPERATOR)).post(
        "/predictions/training/", {"models": ["rf"], "folds": 1}
    )
    assert response.status_code == 200
    assert TrainingRun.objects.count() == 0
