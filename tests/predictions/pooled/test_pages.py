"""Every page that names the model says when it is the shared one, with how it was measured;
the operator starts it from the training page; the kepsek opts the school out on the
indicator settings page."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from predictions import training
from predictions.models import ModelVersion, Prediction, TrainingRun
from predictions.pooled import POOLED
from smk_dashboard.core.models import AuditEvent
from students.models import User
from tests.cache_keys import task_callbacks
from tests.smk_dashboard.outputs.outputs import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LABEL = "model bersama (dilatih dari sekolah lain)"


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _start_from_the_training_page(django_capture_on_commit_callbacks) -> TrainingRun:
    operator = _client("operator_4")
    page = operator.get("/predictions/training/").content.decode()
    assert 'data-testid="pooled-start"' in page
    assert "model bersama dari sekolah lain dapat dipakai" in operator.get("/").content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = operator.post("/predictions/training/", {"action": "pooled"})
    run = TrainingRun.objects.get(school__npsn="20100004")
    assert response.status_code == 302
    assert response["Location"] == f"/predictions/training/{run.pk}/"
    assert run.config["kind"] == POOLED and run.status == "pending"
    assert len(task_callbacks(callbacks)) == 1  # queued on the ml queue once committed
    return training.training_run_execute(run_id=run.pk)


def test_the_shared_model_is_named_as_such_on_every_page(
    district, django_capture_on_commit_callbacks
):
    run = _start_from_the_training_page(django_capture_on_commit_callbacks)
    assert run.status == "succeeded", run.error
    kepsek = _client("kepsek_4")
    risk = kepsek.get("/students/risk/").content.decode()
    assert LABEL in risk and "dilatih dari 2 sekolah lain" in risk
    assert "validasi silang pada data sekolah ini" not in risk
    models = kepsek.get("/predictions/models/").content.decode()
    assert LABEL in models and 'data-testid="pooled-basis"' in models
    assert 'data-testid="verdict-basis"' not in models  # no "cross-validated here" claim
    student = Prediction.objects.current().filter(student__school=district.new)[0].student_id
    profile = kepsek.get(f"/students/{student}/").content.decode()
    assert LABEL in profile
    pack = kepsek.get(f"/students/{student}/summary.pdf")
    assert pack.status_code == 200
    assert LABEL in " ".join(pdf_text(pack.content).split())
    training_page = _client("operator_4").get("/predictions/training/").content.decode()
    assert LABEL in training_page
    assert LABEL in _client("operator_4").get("/").content.decode()  # the first-day checklist
    version = ModelVersion.objects.get(school=district.new, is_active=True)
    with translation.override("en"):
        banner = render_to_string(
            "students/_model_accuracy.html", {"version": version, "accuracy": (0.7, 0.1)}
        )
    assert "shared model (trained on other schools)" in banner


def test_an_opted_out_school_is_refused_on_the_training_page(district):
    operator = _client("operator_3")
    page = operator.get("/predictions/training/").content.decode()
    assert 'data-testid="pooled-refusal"' in page
    response = operator.post("/predictions/training/", {"action": "pooled"}, follow=True)
    assert "tidak ikut model bersama" in response.content.decode()
    assert not TrainingRun.objects.filter(school=district.opted_out).exists()


def test_the_kepsek_opts_the_school_out_and_back_in(district):
    kepsek = _client("kepsek_4")
    assert 'data-testid="pooled-opt-out"' in kepsek.get("/students/indicators/").content.decode()
    kepsek.post("/students/indicators/", {"action": "pooled", "pooled_opt_out": "on"})
    district.new.refresh_from_db()
    assert district.new.pooled_opt_out
    assert AuditEvent.objects.filter(action="school.pooled_opt_out").exists()
    kepsek.post("/students/indicators/", {"action": "pooled"})
    district.new.refresh_from_db()
    assert not district.new.pooled_opt_out


def test_a_teacher_cannot_change_the_choice(district):
    response = _client("guru_4").post(
        "/students/indicators/", {"action": "pooled", "pooled_opt_out": "on"}
    )
    assert response.status_code == 403
    district.new.refresh_from_db()
    assert not district.new.pooled_opt_out
