"""Training and scoring end to end, in this process: rows → features → cross-validation →
artifacts → versions → promotion → stored predictions with reasons."""

import datetime

import pytest
from django.core.files.storage import storages

from predictions import scoring, services, training
from predictions.ml.registry import file_sha256
from predictions.models import ModelVersion, Prediction, RunStatus, TrainingRun
from smk_dashboard.pages.demo.seed import DemoConfig, seed_demo
from students.models import School, Student, StudentPrivacy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo_school(settings, tmp_path):
    settings.MODEL_STORAGE_DIR = tmp_path / "models"
    seed_demo(DemoConfig(schools=1, students=120, terms=3, seed=1))
    return School.objects.get(npsn="20100001")


def _train(school, models, folds=3) -> TrainingRun:
    run = services.training_run_create(school=school, user=None, models=models, folds=folds)
    return training.training_run_execute(run_id=run.pk)


def test_a_run_cross_validates_every_model_and_promotes_the_best_macro_f1(demo_school):
    run = _train(demo_school, ["lr", "rf"])
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.progress == 100 and run.device == "cpu" and run.heartbeat_at is not None
    versions = {v.algorithm: v for v in ModelVersion.objects.filter(training_run=run)}
    # The soft vote of the models is a candidate on the same folds.
    assert set(versions) == {"lr", "rf", "ensemble"}
    assert versions["ensemble"].metrics["cv"]["members"] == ["lr", "rf"]
    f1 = {name: v.metrics["cv"]["macro_f1"]["mean"] for name, v in versions.items()}
    active = ModelVersion.objects.get(school=demo_school, is_active=True)
    assert f1[active.algorithm] == max(f1.values())
    # The champion was calibrated on out-of-fold predictions; before/after figures stored.
    calibration = active.metrics["calibration"]
    assert calibration["model"] == active.algorithm
    assert calibration["method"] in ("none", "temperature", "sigmoid", "isotonic")
    assert set(calibration["before"]["ece_per_class"]) == {"kurang", "sedang", "baik"}
    assert 0 <= calibration["after"]["ece_pooled"]["kurang"] <= 1
    assert active.metrics["cv_plan"]["folds"] == 3 and active.metrics["device"] == "cpu"
    for version in versions.values():
        assert (
            file_sha256(storages["models"].path(version.artifact_path)) == version.artifact_sha256
        )
        metrics = version.metrics
        assert metrics["labels"] == ["kurang", "sedang", "baik"]
        assert sum(map(sum, metrics["cv"]["confusion_matrix"])) == metrics["n_samples"]
        assert {"major", "gender", "kip"} <= set(metrics["fairness"])
        kip = metrics["fairness"]["kip"]
        assert {r["group"] for r in kip} <= {"0", "1"}
        assert sum(r["n"] for r in kip) == metrics["n_samples"]
        assert metrics["temporal"]["test_term"] == "2025-1"
        assert version.feature_schema["reference"]["step"]


def test_scoring_stores_one_prediction_per_active_student_with_readable_reasons(demo_school):
    _train(demo_school, ["lr"])
    objecting = Student.objects.filter(school=demo_school).first()
    StudentPrivacy.objects.create(student=objecting, objects_to_automated_decisions=True)
    written = scoring.predictions_score(school=demo_school)
    assert written == Student.objects.filter(school=demo_school).count() - 1
    assert not Prediction.objects.filter(student=objecting).exists()
    kurang = Prediction.objects.filter(category="kurang").first()
    assert kurang is not None and kurang.term.code == "2026-1"  # after the last term 2025-2
    assert kurang.factors and all(f["text"] and f["weight"] > 0 for f in kurang.factors)
    assert abs(kurang.p_kurang + kurang.p_sedang + kurang.p_baik - 1) < 1e-6
    # Nobody is shown as certain: every stored probability is strictly inside (0, 1).
    for p in Prediction.objects.values_list("p_kurang", "p_sedang", "p_baik"):
        assert all(0.005 < v < 0.995 for v in p)
    # Scoring again replaces, never duplicates.
    assert scoring.predictions_score(school=demo_school) == written
    assert Prediction.objects.count() == written


def test_a_school_with_too_little_data_gets_a_clear_message_and_no_model(settings, tmp_path):
    settings.MODEL_STORAGE_DIR = tmp_path
    seed_demo(DemoConfig(schools=1, students=15, terms=2, seed=3))
    run = _train(School.objects.get(npsn="20100001"), ["lr"])
    assert run.status == RunStatus.FAILED
    assert "Data belum cukup" in run.error
    assert not ModelVersion.objects.exists()


def test_a_corrupted_artifact_is_refused_and_the_active_model_stays(demo_school):
    _train(demo_school, ["lr", "rf"])
    active = ModelVersion.objects.get(school=demo_school, is_active=True)
    other = ModelVersion.objects.filter(school=demo_school, is_active=False).first()
    with open(storages["models"].path(other.artifact_path), "r+b") as fh:
        fh.seek(100)
        fh.write(b"\0corrupted\0")
    with pytest.raises(services.ValidationError, match="rusak"):
        services.model_version_promote(version=other)
    assert ModelVersion.objects.get(school=demo_school, is_active=True) == active
    before = set(Prediction.objects.current().values_list("id", "category", "p_kurang"))
    assert before  # the run scored every student before its champion became active
    active.artifact_sha256 = "0" * 64
    active.save()
    with pytest.raises(services.ValidationError, match="rusak"):
        scoring.predictions_score(school=demo_school)
    assert set(Prediction.objects.current().values_list("id", "category", "p_kurang")) == before


def test_a_run_whose_worker_went_silent_is_failed_by_the_sweep(demo_school):
    from django.utils import timezone

    run = TrainingRun.objects.create(
        school=demo_school,
        status=RunStatus.RUNNING,
        heartbeat_at=timezone.now() - timezone.timedelta(hours=1),
    )
    fresh = TrainingRun.objects.create(
        school=demo_school, status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert services.training_run_fail_stale(silent_seconds=600) == 1
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == RunStatus.FAILED and "worker mati" in run.error
    assert fresh.status == RunStatus.RUNNING


def test_the_gru_and_the_cnn_train_and_score_through_the_same_flow(demo_school):
    run = _train(demo_school, ["rnn", "cnn"], folds=2)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert scoring.predictions_score(school=demo_school) > 0


def test_conduct_points_and_pkl_are_features_where_the_school_records_them(demo_school):
    from interventions.conduct.models import PointEntry
    from students.models import PklPlacement

    # The demo school records points and PKL: the model's schema names them, scoring uses them.
    assert PointEntry.objects.filter(student__school=demo_school).exists()
    assert PklPlacement.objects.filter(student__school=demo_school).exists()
    run = _train(demo_school, ["lr"])
    assert run.status == RunStatus.SUCCEEDED, run.error
    with_them = ModelVersion.objects.get(school=demo_school, is_active=True)
    assert with_them.feature_schema["feature_names"][-4:] == [
        "conduct_points",
        "pkl_attendance_rate",
        "pkl_attitude",
        "pkl_skills",
    ]
    assert "conduct_points" in with_them.feature_schema["reference"]["step"]
    n = Student.objects.filter(school=demo_school).count()
    assert Prediction.objects.filter(model_version=with_them, is_current=True).count() == n

    # A school without such records trains on the base features; its model still scores
    # after the first points are recorded (it reads exactly the features it was trained on).
    PointEntry.objects.filter(student__school=demo_school).delete()
    PklPlacement.objects.filter(student__school=demo_school).delete()
    run = _train(demo_school, ["lr"])
    assert run.status == RunStatus.SUCCEEDED, run.error
    without = ModelVersion.objects.get(school=demo_school, is_active=True)
    assert without.pk != with_them.pk
    assert "conduct_points" not in without.feature_schema["feature_names"]
    assert without.data_fingerprint != with_them.data_fingerprint
    from interventions.conduct.models import Behaviour

    student = Student.objects.filter(school=demo_school).first()
    PointEntry.objects.create(
        student=student,
        behaviour=Behaviour.objects.filter(school=demo_school, points__gt=0).first(),
        date=datetime.date(2026, 1, 10),
        points=20,
    )
    assert scoring.predictions_score(school=demo_school) == n
