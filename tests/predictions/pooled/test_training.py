"""A new school of a district gets a shared model trained on the other schools only (never on
an opted-out school), its students get predictions, and its own model replaces the shared one
later only when the promotion rule says it is not worse."""

import pytest
from django.core.exceptions import ValidationError

from predictions import training
from predictions.models import ModelVersion, Prediction
from predictions.pooled import pooled_refusal, pooled_run_start
from predictions.pooled_training import pooled_metrics_now, school_samples
from predictions.promotion import WAIT, promotion_check
from predictions.services import training_run_create
from students.models import School, Student, StudentStatus

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _pooled(school):
    run = pooled_run_start(school=school, user=None)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run


def test_the_new_school_cannot_train_its_own_model_with_one_term(district):
    run = training_run_create(school=district.new, user=None, models=["lr"], folds=3)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "failed"
    assert "Data belum cukup" in run.error


def test_a_shared_model_is_trained_on_the_other_schools_only_and_scores_the_new_school(district):
    run = _pooled(district.new)
    version = ModelVersion.objects.get(school=district.new, is_active=True)
    assert version.is_pooled and version.pooled_sources == 2
    pooled = version.metrics["pooled"]
    # the training rows are exactly the labelled samples of schools 1 and 2: not the new
    # school's own, never the opted-out school's
    assert pooled["sources"] == [s.npsn for s in district.sources]
    assert district.opted_out.npsn not in pooled["sources"]
    expected = {s.npsn: len(school_samples(s)) for s in district.sources}
    assert pooled["rows"] == expected
    assert version.metrics["n_samples"] == sum(expected.values())
    # no labelled rows of its own: measured by leaving each source school out in turn
    assert pooled["measured_on"] == "others"
    assert version.metrics["cv"]["folds"] == 2
    assert 0 <= version.metrics["cv"]["accuracy"]["mean"] <= 1
    active = Student.objects.filter(school=district.new, status=StudentStatus.AKTIF)
    current = Prediction.objects.current().filter(student__school=district.new)
    assert current.count() == active.count() > 0
    assert set(current.values_list("model_version_id", flat=True)) == {version.pk}
    assert run.metrics["promotion"]["decision"] == "first"


def test_an_opted_out_school_gets_no_shared_model(district):
    assert "tidak ikut" in pooled_refusal(school=district.opted_out)
    with pytest.raises(ValidationError):
        pooled_run_start(school=district.opted_out, user=None)


def test_a_school_with_enough_history_is_told_to_train_its_own(district):
    run = _pooled_run(district.sources[0])
    assert run.status == "failed"
    assert "sudah cukup" in run.error
    assert not ModelVersion.objects.filter(school=district.sources[0]).exists()


def _pooled_run(school):
    run = pooled_run_start(school=school, user=None)
    return training.training_run_execute(run_id=run.pk)


def test_its_own_model_replaces_the_shared_one_only_when_the_rule_allows(district):
    _pooled(district.new)
    shared = ModelVersion.objects.get(school=district.new, is_active=True)
    district.give_history_back()
    run = training_run_create(school=district.new, user=None, models=["lr"], folds=3)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    promotion = run.metrics["promotion"]
    own = ModelVersion.objects.get(pk=promotion["candidate_id"])
    assert not own.is_pooled and promotion["active_id"] == shared.pk
    # the shared model was measured again on the school's own samples, which it never saw
    remeasured = pooled_metrics_now(active=shared, data=school_samples(district.new))
    assert remeasured["cv"] != shared.metrics["cv"]
    assert (
        promotion["decision"]
        == promotion_check(candidate=own.metrics, active=remeasured)["decision"]
    )
    active = ModelVersion.objects.get(school=district.new, is_active=True)
    assert active == (shared if promotion["decision"] == WAIT else own)


@pytest.mark.parametrize(("shared_f1", "replaced"), [(0.99, False), (0.01, True)])
def test_the_switch_follows_the_rule_both_ways(district, monkeypatch, shared_f1, replaced):
    _pooled(district.new)
    shared = ModelVersion.objects.get(school=district.new, is_active=True)
    district.give_history_back()

    def measured(*, active, data):
        cv = {"macro_f1": {"mean": shared_f1, "std": 0.0}, "folds": 5}
        cv["recall_kurang"] = {"mean": shared_f1, "std": 0.0}
        return {**active.metrics, "cv": cv}

    monkeypatch.setattr(training, "pooled_metrics_now", measured)
    run = training_run_create(school=district.new, user=None, models=["lr"], folds=3)
    run = training.training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    active = ModelVersion.objects.get(school=district.new, is_active=True)
    assert (active != shared) is replaced
    assert (run.metrics["promotion"]["decision"] != WAIT) is replaced


def test_a_school_without_any_grades_is_told_so_and_nothing_is_stored(district):
    empty = School.objects.create(npsn="20109999", name="SMK Baru", district=district.new.district)
    run = _pooled_run(empty)
    assert run.status == "failed"
    assert "Belum ada siswa aktif dengan nilai" in run.error, run.error
    assert not ModelVersion.objects.filter(school=empty).exists()
