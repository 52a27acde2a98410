"""Opting out after the fact: the school's own shared model stops (its list falls back to the
indicators), and a shared model that learned from its data is trained again without it, or
stops when too few schools are left to learn from."""

import pytest
from django.test import Client

from predictions import training
from predictions.models import ModelVersion, Prediction, TrainingRun
from predictions.pooled import POOLED, pooled_opt_out_apply, pooled_run_start
from predictions.tasks import pooled_opt_out_apply_task
from students.models import School, User
from students.services import school_pooled_opt_out_set
from tests.cache_keys import task_callbacks

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _pooled(school):
    run = training.training_run_execute(run_id=pooled_run_start(school=school, user=None).pk)
    assert run.status == "succeeded", run.error
    return ModelVersion.objects.get(school=school, is_active=True)


def test_opting_out_stops_the_schools_own_shared_model(
    district, django_capture_on_commit_callbacks
):
    _pooled(district.new)
    with django_capture_on_commit_callbacks() as callbacks:
        school_pooled_opt_out_set(school=district.new, user=None, opt_out=True)
    assert len(task_callbacks(callbacks)) == 1  # the predictions layer's task, by name
    assert pooled_opt_out_apply_task(district.new.pk) == {
        "retired": [district.new.pk],
        "retrained": [],
    }
    assert not ModelVersion.objects.filter(school=district.new, is_active=True).exists()
    assert not Prediction.objects.current().filter(student__school=district.new).exists()


def test_a_source_that_opts_out_is_left_out_of_a_retrained_shared_model(district):
    # school 3 takes part again: three sources, so one can leave and two remain
    School.objects.filter(pk=district.opted_out.pk).update(pooled_opt_out=False)
    first = _pooled(district.new)
    assert first.pooled_sources == 3
    leaving = district.sources[0]
    school_pooled_opt_out_set(school=leaving, user=None, opt_out=True)
    result = pooled_opt_out_apply(school=leaving)
    assert result["retired"] == [] and len(result["retrained"]) == 1
    run = TrainingRun.objects.get(pk=result["retrained"][0])
    assert run.config["kind"] == POOLED
    assert training.training_run_execute(run_id=run.pk).status == "succeeded"
    now = ModelVersion.objects.get(school=district.new, is_active=True)
    assert now != first and leaving.npsn not in now.metrics["pooled"]["sources"]
    assert now.pooled_sources == 2
    operator = Client()
    operator.force_login(User.objects.get(username="operator_4"))
    page = operator.get(f"/predictions/training/{run.pk}/").content.decode()
    assert "menggantikan model bersama sebelumnya" in page


def test_a_shared_model_stops_when_too_few_sources_are_left(district):
    first = _pooled(district.new)  # schools 1 and 2
    school_pooled_opt_out_set(school=district.sources[1], user=None, opt_out=True)
    result = pooled_opt_out_apply(school=district.sources[1])
    assert result == {"retired": [district.new.pk], "retrained": []}
    first.refresh_from_db()
    assert not first.is_active
