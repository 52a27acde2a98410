"""The prediction lifecycle: score, then switch; the first prediction; re-scoring after new
data; a scoring that fails part-way changes nothing; every reader agrees afterwards. Real
models trained on a small demo school, in this process."""

import csv
import io
import shutil
from collections import Counter

import pytest
from django.core.files.storage import storages
from django.db import transaction
from django.test import Client, override_settings

from interventions.cases.selectors import kurang_without_intervention
from predictions import feedback, scoring, services, training
from predictions.models import ModelVersion, Prediction, ScoringRun, ScoringStatus
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from smk_dashboard.pages.home import home_summary
from smk_dashboard.pages.reports.selectors import district_report, school_report
from smk_dashboard.pages.risk.selectors import RiskFilters, student_risk_list
from students.models import AttendanceSummary, GradeRecord, School, Student, User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def _trained_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """A demo school trained with lr and rf, once for the module: inside a transaction that
    each test rolls back to (Django's TestCase.setUpTestData does the same), with a copy of
    the artifacts as trained."""
    storage = tmp_path_factory.mktemp("models")
    as_trained = tmp_path_factory.mktemp("models-as-trained")
    with (
        django_db_blocker.unblock(),
        override_settings(MODEL_STORAGE_DIR=storage),
        transaction.atomic(),
    ):
        seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1, password="rahasia-uji-123"))
        school = School.objects.get(npsn="20100001")
        run = services.training_run_create(school=school, user=None, models=["lr", "rf"], folds=3)
        run = training.training_run_execute(run_id=run.pk)
        assert run.status == "succeeded", run.error
        shutil.copytree(storage, as_trained, dirs_exist_ok=True)
        yield school.pk, storage, as_trained
        transaction.set_rollback(True)


@pytest.fixture
def trained(_trained_once, db, settings):
    """A demo school trained with lr and rf: the champion is active and has scored every
    student; the other version is trained but not active. Database rows and artifact files
    are as trained at the start of every test."""
    school_pk, storage, as_trained = _trained_once
    settings.MODEL_STORAGE_DIR = storage
    shutil.copytree(as_trained, storage, dirs_exist_ok=True)  # undo a test's damaged file
    return School.objects.get(pk=school_pk)


def _shown(school):
    return set(
        Prediction.objects.current()
        .filter(student__school=school)
        .values_list("id", "student_id", "model_version_id", "category", "p_kurang")
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_finished_run_scores_every_student_before_its_model_becomes_active(trained):
    active = ModelVersion.objects.get(school=trained, is_active=True)
    switch = ScoringRun.objects.get(model_version=active)
    assert switch.status == ScoringStatus.DONE and switch.training_run_id is not None
    current = Prediction.objects.current().filter(student__school=trained)
    assert current.count() == switch.n_students > 0
    assert set(current.values_list("model_version_id", flat=True)) == {active.pk}


def test_a_schools_first_prediction_says_prediksi_pertama_and_nobody_is_baru(trained):
    assert set(Prediction.objects.current().values_list("change", flat=True)) == {"first"}
    page = _client("guru").get("/students/risk/").content.decode()
    assert 'data-change="first"' in page and "Prediksi pertama" in page
    assert 'data-change="new"' not in page
    home = _client("bk").get("/").content.decode()
    assert "menurut prediksi pertama" in home
    assert "baru perlu perhatian sejak prediksi sebelumnya" not in home


def test_new_grades_rescored_compare_with_the_previous_scoring_whatever_model(trained):
    current = Prediction.objects.current().filter(category="baik").select_related("student")
    target = current.first()
    assert target is not None
    before = set(_shown(trained))
    feedback.prediction_feedback_record(
        prediction=target, user=User.objects.get(username="bk"), agrees=True
    )
    # Every grade of the student collapses and unexcused absence piles up.
    GradeRecord.objects.filter(student=target.student).update(score=0)
    AttendanceSummary.objects.filter(student=target.student).update(alpa=60)

    assert scoring.predictions_score(school=trained, student_ids=[target.student_id]) == 1

    after = Prediction.objects.current().get(student=target.student)
    assert after.pk == target.pk  # rewritten in place: the teacher's feedback on it stays
    assert after.feedback.count() == 1
    assert after.p_kurang > target.p_kurang
    assert after.change == "worse" and after.previous_category == "baik"
    others = {row for row in _shown(trained) if row[1] != target.student_id}
    assert others == {row for row in before if row[1] != target.student_id}
    rows = student_risk_list(
        user=User.objects.get(username="bk"), filters=RiskFilters(q=target.student.nisn)
    ).rows
    assert [r.change for r in rows] == ["worse"]


def test_scoring_that_fails_midway_changes_nothing_and_says_why(trained):
    active = ModelVersion.objects.get(school=trained, is_active=True)
    # Any model of the run that did not win (the run also stores the ensemble).
    candidate = ModelVersion.objects.filter(school=trained, is_active=False).first()
    shown = _shown(trained)
    # A feature schema the explanations cannot read: the model has already scored every
    # student when the explanation step fails.
    schema = dict(candidate.feature_schema)
    schema["reference"] = {"step": {"avg": "rusak"}, "static": {}}
    ModelVersion.objects.filter(pk=candidate.pk).update(feature_schema=schema)
    run = services.scoring_run_start(
        school=trained, version=candidate, purpose="switch", auto_switch=True, queue=False
    )
    with pytest.raises(ValueError):
        scoring.scoring_run_execute(scoring_id=run.pk)

    run.refresh_from_db()
    assert run.status == ScoringStatus.FAILED and "rusak" in run.error
    assert run.progress >= 55  # it failed after the model had scored
    assert ModelVersion.objects.get(school=trained, is_active=True) == active
    assert _shown(trained) == shown
    page = _client("operator").get(f"/predictions/scoring/{run.pk}/").content.decode()
    assert "Penilaian gagal; model aktif dan prediksinya tidak berubah." in page


def test_a_corrupt_candidate_artifact_fails_the_switch_and_nothing_changes(trained):
    # Any model of the run that did not win (the run also stores the ensemble).
    candidate = ModelVersion.objects.filter(school=trained, is_active=False).first()
    shown = _shown(trained)
    with open(storages["models"].path(candidate.artifact_path), "r+b") as fh:
        fh.seek(100)
        fh.write(b"\0rusak\0")
    with pytest.raises(services.ValidationError, match="rusak"):
        scoring.predictions_score(school=trained, version=candidate)
    assert not ModelVersion.objects.get(pk=candidate.pk).is_active
    assert _shown(trained) == shown


def test_manual_promotion_scores_first_asks_then_switches_and_every_reader_agrees(trained):
    old = ModelVersion.objects.get(school=trained, is_active=True)
    # Any model of the run that did not win (the run also stores the ensemble).
    candidate = ModelVersion.objects.filter(school=trained, is_active=False).first()
    shown = _shown(trained)
    operator = _client("operator")
    response = operator.post(f"/predictions/versions/{candidate.pk}/promote/")
    run = ScoringRun.objects.get(model_version=candidate)
    assert response.status_code == 302 and response.url == f"/predictions/scoring/{run.pk}/"
    assert "Prediksi sedang diperbarui" in operator.get(response.url).content.decode()
    # The worker's half, in this process.
    scoring.scoring_run_execute(scoring_id=run.pk)
    run.refresh_from_db()
    assert run.status == ScoringStatus.READY
    assert _shown(trained) == shown  # scored, not switched: readers still see the old model
    assert ModelVersion.objects.get(school=trained, is_active=True) == old

    page = operator.get(f"/predictions/scoring/{run.pk}/").content.decode()
    assert 'data-testid="confirm-switch"' in page
    summary = run.summary
    assert f"{summary['changed']} dari {summary['compared']} siswa berganti kategori" in page
    for version in (candidate, old):  # Indonesian decimals: 0,677
        assert f"{version.metrics['cv']['macro_f1']['mean']:.3f}".replace(".", ",") in page

    response = operator.post(f"/predictions/scoring/{run.pk}/")
    assert response.status_code == 302
    assert ModelVersion.objects.get(school=trained, is_active=True) == candidate
    current = Prediction.objects.current().filter(student__school=trained)
    assert set(current.values_list("model_version_id", flat=True)) == {candidate.pk}
    assert current.count() == len(shown)
    changed = sum(1 for p in current if p.change in ("worse", "better"))
    assert changed == summary["changed"]

    # Every reader agrees on who is kurang, at this moment.
    expected = set(current.filter(category="kurang").values_list("student_id", flat=True))
    assert expected
    bk = User.objects.get(username="bk")
    risk = student_risk_list(user=bk, filters=RiskFilters(category="kurang"), per_page=1000)
    assert {row.student.pk for row in risk.rows} == expected
    client = _client("bk")
    api = client.get("/api/v1/students/", {"category": "kurang", "page_size": 1000}).json()
    assert api["count"] == len(expected)
    assert home_summary(user=bk)["kurang"] == len(expected)
    assert {row["student"].pk for row in kurang_without_intervention(user=bk)} <= expected
    export = client.get("/students/risk/", {"category": "kurang", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == len(expected)
    report = school_report(school=trained)
    assert sum(row["kurang"] for row in report["by_class"]) == len(expected)
    # The district report counts the same students per grade level; fewer than 5 read "<5",
    # and a count of 5 or more may be hidden as "*" to protect a small one (complementary).
    by_level = Counter(
        Student.objects.filter(pk__in=expected).values_list("school_class__grade_level", flat=True)
    )
    district = district_report(schools=School.objects.all())
    roman = {10: "X", 11: "XI", 12: "XII"}
    shown_levels = {r["group"]: r["kurang"] for r in district["by_grade_level"]}
    for level, n in by_level.items():
        assert shown_levels[roman[level]] in ((n, "*") if n >= 5 else ("<5",))
