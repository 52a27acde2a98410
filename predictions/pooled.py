"""A shared district model for a school with too little history (issue 26, item 3): the web
half. `pooled_sources` says which schools may lend their data, `pooled_refusal` why a school
cannot have a shared model now, and `pooled_run_start` records and queues the training run
(on the `ml` queue, as every training run); the worker's half is `predictions.pooled_training`.

Everything happens inside this deployment: the other schools' rows are read from the same
database, in the worker, and never leave it. A school that opts out
(`School.pooled_opt_out`) lends no data and gets no shared model."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smk_dashboard.core.audit import audit_log
from smk_dashboard.core.jobs import enqueue_on_commit
from smk_dashboard.core.page_cache import school_pages_changed
from students.models import GradeRecord, School, User

from .models import ModelVersion, TrainingRun
from .services import TRAINING_TASK

POOLED = "pooled"  # TrainingRun.config["kind"] of a shared-model run
POOLED_ALGORITHMS = ("lr", "rf", "gbdt")
MIN_SOURCE_SCHOOLS = 2


def pooled_sources(*, school: School) -> QuerySet[School]:
    """The schools whose data may train `school`'s shared model: the other schools of the
    same district on this deployment that did not opt out and hold grades."""
    with_grades = GradeRecord.objects.values("student__school_id")
    return (
        School.objects.filter(district=school.district, pooled_opt_out=False, id__in=with_grades)
        .exclude(pk=school.pk)
        .order_by("npsn")
    )


def pooled_refusal(*, school: School) -> str | None:
    """Why `school` cannot get a shared model now (a sentence), or None. Whether its own
    history is too short is decided in the worker by the rule that stops its own training
    (`ml.train.check_enough_data`)."""
    if school.pooled_opt_out:
        return _("Sekolah ini memilih tidak ikut model bersama (lihat Batas indikator).")
    own = ModelVersion.objects.filter(school=school, is_active=True, is_pooled=False)
    if own.exists():
        return _("Sekolah ini sudah memakai modelnya sendiri.")
    if pooled_sources(school=school).count() < MIN_SOURCE_SCHOOLS:
        return _(
            "Model bersama butuh data dari sedikitnya %(n)s sekolah lain di wilayah yang sama "
            "yang tidak memilih keluar."
        ) % {"n": MIN_SOURCE_SCHOOLS}
    return None


def pooled_run_start(
    *, school: School, user: User | None, model: str = "lr", seed: int = 42
) -> TrainingRun:
    """Record a shared-model training run for `school` and queue it after commit. Raises
    ValidationError (nothing stored) when `pooled_refusal` gives a reason."""
    if model not in POOLED_ALGORITHMS:
        raise ValidationError(_("Model tidak dikenal: %(names)s.") % {"names": model})
    reason = pooled_refusal(school=school)
    if reason:
        raise ValidationError(reason)
    run = TrainingRun.objects.create(
        school=school,
        requested_by=user,
        scope={"school": school.npsn, "kind": POOLED},
        config={"kind": POOLED, "models": [model], "seed": seed},
    )
    audit_log(action="training.start", user=user, target=run, school=school)
    enqueue_on_commit(TRAINING_TASK, run.id)
    return run


def pooled_model_retire(*, version: ModelVersion, reason: str) -> None:
    """Stop an active shared model: the school has no active model (its risk list falls back
    to the indicators) until it gets another. Its predictions stay as history."""
    with transaction.atomic():
        ModelVersion.objects.filter(pk=version.pk, is_pooled=True).update(is_active=False)
        audit_log(
            action="model.retire",
            user=None,
            target=version,
            school=version.school,
            detail={"reason": reason},
        )
        school_pages_changed(version.school_id)


def pooled_opt_out_apply(*, school: School) -> dict:
    """After `school` opted out: its own active shared model stops, and every other school's
    active shared model that learned from its data is trained again without it (a new run on
    the `ml` queue; the old one stays until the new one has scored), or stops when too few
    sources are left. Returns {"retired": [school ids], "retrained": [run ids]}."""
    school.refresh_from_db()
    out: dict = {"retired": [], "retrained": []}
    if not school.pooled_opt_out:
        return out
    for version in ModelVersion.objects.filter(is_active=True, is_pooled=True).select_related(
        "school"
    ):
        if version.school_id == school.pk:
            pooled_model_retire(version=version, reason="opt_out")
            out["retired"].append(version.school_id)
        elif school.npsn in (version.metrics.get("pooled") or {}).get("sources", []):
            try:
                out["retrained"].append(pooled_run_start(school=version.school, user=None).pk)
            except ValidationError:
                pooled_model_retire(version=version, reason="source_opt_out")
                out["retired"].append(version.school_id)
    return out


__all__ = [
    "POOLED",
    "pooled_model_retire",
    "pooled_opt_out_apply",
    "pooled_refusal",
    "pooled_run_start",
    "pooled_sources",
]
