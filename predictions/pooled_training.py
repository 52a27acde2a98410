"""A shared district model, the worker's half (issue 26, item 3): trained on the other
schools of this deployment (`pooled.pooled_sources`), stored as a ModelVersion of the school
that uses it (`is_pooled`, `pooled_sources`), scored and made active like any model, so every
page keeps reading predictions through the usual selectors.

Its accuracy: trained on the others, tested on this school's labelled samples when it has any;
otherwise each source school left out in turn (the page says which). When the school later
trains its own model, `training.train_school_models` measures the shared model again on the
school's own samples (`pooled_metrics_now`) and `promotion_check` decides as for any model."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import scoring, services
from .artifacts import model_artifact_load, model_artifact_save
from .ml.data import SequenceData
from .ml.explain import Explainer
from .ml.features import build_scoring_samples
from .ml.labels import LABELS
from .ml.pooled import (
    SHARED_CATEGORICAL,
    SHARED_FEATURES,
    SHARED_NUMERIC,
    PooledModel,
    measure_leave_one_out,
    measure_on_school,
    pooled_fit,
)
from .ml.registry import library_versions
from .ml.train import InsufficientDataError, check_enough_data
from .models import ModelVersion, TrainingRun
from .pooled import MIN_SOURCE_SCHOOLS, pooled_sources
from .training_data import MAX_STEPS, school_frames, school_samples, scoring_students


def _too_little_history(data: SequenceData, folds: int = 5) -> bool:
    """The rule that stops a school's own training (`check_enough_data`)."""
    try:
        check_enough_data(data.y, folds=folds)
    except InsufficientDataError:
        return True
    return False


def train_pooled_model(
    *, run: TrainingRun, progress: Callable[[float], None], log: Callable[[str], None]
) -> dict:
    school = run.school
    config = run.config or {}
    algorithm = (config.get("models") or ["lr"])[0]
    seed = int(config.get("seed", 42))
    if school.pooled_opt_out:
        raise ValidationError(_("Sekolah ini memilih tidak ikut model bersama."))
    own = school_samples(school)
    if not _too_little_history(own):
        raise ValidationError(
            _(
                "Data sekolah ini sudah cukup untuk melatih modelnya sendiri; pakai tombol "
                "Mulai pelatihan."
            )
        )
    sources = {}
    for source in pooled_sources(school=school):
        data = school_samples(source)
        if len(data):
            sources[source.npsn] = (data, float(source.kkm))
    if len(sources) < MIN_SOURCE_SCHOOLS:
        raise ValidationError(
            _("Model bersama butuh data berlabel dari sedikitnya %(n)s sekolah lain.")
            % {"n": MIN_SOURCE_SCHOOLS}
        )
    log(
        f"Melatih model bersama ({algorithm}) dari {len(sources)} sekolah lain: "
        + ", ".join(f"{npsn} ({len(d)} sampel)" for npsn, (d, _k) in sources.items())
    )
    progress(10)
    estimator, train = pooled_fit(sources, model=algorithm, seed=seed)
    model = PooledModel(estimator, kkm=float(school.kkm))
    progress(50)
    if len(own):
        cv, measured_on = measure_on_school(model, own), "this_school"
        log(f"Diuji pada {len(own)} sampel berlabel sekolah ini.")
    else:
        cv, measured_on = measure_leave_one_out(sources, model=algorithm, seed=seed), "others"
        log("Sekolah ini belum punya sampel berlabel: diuji dengan meninggalkan tiap sekolah.")
    progress(80)
    students = scoring_students(school=school)
    scoring_data = build_scoring_samples(
        **school_frames(school=school, students=students).feature_frames(),
        kkm=float(school.kkm),
        max_steps=MAX_STEPS,
        feature_names=list(SHARED_FEATURES),
    )
    if not len(scoring_data):
        raise ValidationError(_("Belum ada siswa aktif dengan nilai untuk dinilai."))
    metrics = {
        "labels": list(LABELS),
        "champion": algorithm,
        "n_samples": len(train),
        "class_counts": {label: int((train.y == label).sum()) for label in LABELS},
        "all_models": {algorithm: cv},
        "cv": cv,
        "pooled": {
            "n_schools": len(sources),
            "sources": list(sources),
            "rows": {npsn: len(d) for npsn, (d, _k) in sources.items()},
            "measured_on": measured_on,
            "n_test": len(own) if measured_on == "this_school" else None,
        },
    }
    schema = {
        "feature_names": list(SHARED_FEATURES),
        "static_categorical": list(SHARED_CATEGORICAL),
        "static_numeric": list(SHARED_NUMERIC),
        "max_steps": MAX_STEPS,
        "latest_term": str(max(scoring_data.terms)),
        "kkm": school.kkm,
        "baik": school.baik_threshold,
        # explanations compare a student with this school's typical student, in its own scores
        "reference": Explainer(kkm=float(school.kkm)).fit(scoring_data).reference(),
        "pooled": True,
    }
    fingerprint = hashlib.sha256(
        "|".join(f"{npsn}:{len(d)}" for npsn, (d, _k) in sources.items()).encode()
    ).hexdigest()
    path, sha = model_artifact_save(
        school=school,
        model=model,
        metadata={"model": algorithm, "school": school.npsn, "run": run.pk, "pooled": True},
    )
    with transaction.atomic():
        version = services.model_version_create(
            run=run,
            algorithm=algorithm,
            metrics=metrics,
            feature_schema=schema,
            artifact_path=str(path),
            artifact_sha256=sha,
            data_fingerprint=fingerprint,
            library_versions=library_versions(),
            seed=seed,
            is_pooled=True,
            pooled_sources=len(sources),
        )
    active = ModelVersion.objects.filter(school=school, is_active=True).first()
    if active is not None and not active.is_pooled:
        # the school's own model arrived meanwhile: it stays; this one waits for the operator
        decision = "wait"
    else:
        # the first model, or a newer shared model in place of the older one (e.g. after a
        # source school opted out): no rule to weigh, the newer data wins
        decision = "first" if active is None else "shared"
    scoring_run = services.scoring_run_start(
        school=school,
        version=version,
        purpose="switch",
        auto_switch=decision != "wait",
        user=run.requested_by,
        training_run=run,
        queue=False,
    )
    scoring_run = scoring.scoring_run_execute(scoring_id=scoring_run.pk)
    log(f"{scoring_run.n_students} siswa dinilai dengan model bersama.")
    if decision == "shared":
        log(f"Model bersama baru menggantikan model bersama sebelumnya ({active}).")
    summary = {k: cv[k]["mean"] for k in ("accuracy", "macro_f1", "recall_kurang") if k in cv}
    return {
        "summary": {"champion": algorithm, "models": {algorithm: summary}, "pooled": True},
        "device": "cpu",
        "promotion": {
            "decision": decision,
            "reasons": [],
            "candidate_id": version.pk,
            "active_id": active.pk if active else None,
            "scoring_id": scoring_run.pk,
        },
    }


def pooled_metrics_now(*, active: ModelVersion, data: SequenceData) -> dict:
    """The metrics of an active shared model for the promotion rule, measured again on the
    school's labelled samples `data` (it never trained on them). The stored metrics when the
    artifact cannot be read or `data` is empty."""
    if not active.is_pooled or not len(data):
        return active.metrics
    try:
        model = model_artifact_load(version=active)
        cv = measure_on_school(model, data)
    except Exception:  # noqa: BLE001 — the stored figures still allow a decision
        return active.metrics
    return {**active.metrics, "cv": cv}


__all__ = ["pooled_metrics_now", "school_samples", "train_pooled_model"]
