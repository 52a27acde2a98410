"""One school's training run, end to end, in a worker (`training_run_execute`): rows →
features → cross-validation of every model on the same folds → champion → fairness and
temporal checks → artifacts → ModelVersion rows → scoring → promotion, atomic, when the
champion passes `promotion.promotion_check`; otherwise it waits for the operator."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.page_cache import school_pages_changed

from . import scoring, services
from .artifacts import model_artifact_save
from .ml.crossval import temporal_check
from .ml.explain import Explainer
from .ml.labels import LABELS
from .ml.registry import library_versions
from .ml.train import train_and_select
from .models import ModelVersion, RunStatus, TrainingRun
from .pooled import POOLED
from .pooled_training import pooled_metrics_now, train_pooled_model
from .promotion import WAIT, promotion_check
from .training_data import MAX_STEPS, school_frames, school_samples

logger = logging.getLogger(__name__)


def detect_device() -> str:
    """'gpu:<name>' when Keras sees a GPU, else 'cpu'. Only called inside the worker."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf  # the worker may; the web process never runs this

            gpus = tf.config.list_physical_devices("GPU")
            return f"gpu:{gpus[0].name}" if gpus else "cpu"
        if backend == "jax":
            import jax

            devices = [d for d in jax.devices() if d.platform == "gpu"]
            return f"gpu:{devices[0].device_kind}" if devices else "cpu"
        if backend == "torch":
            import torch

            return f"gpu:{torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "cpu"
    except Exception:  # noqa: BLE001 — a device probe must never fail the run
        return "cpu"
    return "cpu"


UNKNOWN_GROUP = "tidak diketahui"


def fairness_table(
    codes: np.ndarray, proba: np.ndarray, groups: pd.Series
) -> list[dict[str, float | int | str | None]]:
    """Per group: n, n_kurang, recall of kurang and the false-positive rate of kurang,
    from out-of-fold predictions (no sample is scored by a model that saw it). Students
    whose group is not known (a ledger brought them without gender) are counted as the
    group "tidak diketahui", never dropped."""
    known = groups.notna() & (groups.astype(str).str.strip() != "")
    groups = groups.astype(object).where(known, UNKNOWN_GROUP)
    pred = proba.argmax(axis=1)
    rows = []
    for name in sorted(groups.unique(), key=lambda g: (g == UNKNOWN_GROUP, str(g))):
        mask = (groups == name).to_numpy()
        true_k, pred_k = codes[mask] == 0, pred[mask] == 0
        n_neg = int((~true_k).sum())
        rows.append(
            {
                "group": str(name),
                "n": int(mask.sum()),
                "n_kurang": int(true_k.sum()),
                "recall_kurang": float((pred_k & true_k).sum() / true_k.sum())
                if true_k.any()
                else None,
                "fpr_kurang": float((pred_k & ~true_k).sum() / n_neg) if n_neg else None,
            }
        )
    return rows


def train_school_models(
    *, run: TrainingRun, progress: Callable[[float], None], log: Callable[[str], None]
) -> dict:
    school = run.school
    config = run.config or {}
    names = config.get("models") or list(services.ALGORITHMS)
    folds, seed = int(config.get("folds", 5)), int(config.get("seed", 42))
    device = detect_device() if {"rnn", "cnn"} & set(names) else "cpu"
    log(f"Perangkat: {device}. Mengambil data sekolah {school.npsn} ...")
    frames = school_frames(school=school)
    data = school_samples(school, frames=frames)
    log(f"{len(data)} sampel berlabel dari {len(np.unique(data.groups))} siswa.")
    started = time.perf_counter()
    result = train_and_select(
        data, models=names, folds=folds, seed=seed, progress=lambda p: progress(p * 0.9)
    )
    log(
        f"Validasi silang {folds} fold selesai dalam {time.perf_counter() - started:.0f} s. "
        + ", ".join(f"{n}: F1 {m['macro_f1']['mean']:.3f}" for n, m in result.metrics.items())
    )
    champion = result.champion
    codes = np.array([LABELS.index(label) for label in data.y])
    static = data.static
    fairness = {}
    if result.oof.get(champion) is not None:
        fairness = {
            "major": fairness_table(codes, result.oof[champion], static["major"]),
            "gender": fairness_table(codes, result.oof[champion], static["gender"]),
            # KIP/PIP recipients ("1") or not ("0"); the page names the groups.
            "kip": fairness_table(
                codes, result.oof[champion], static["kip"].map({1.0: "1", 0.0: "0"})
            ),
        }
    temporal = {}
    try:
        check = temporal_check(data, models=[champion], seed=seed)
        entry = check["models"][champion]
        temporal = {
            "test_term": check["test_term"],
            "n_train": check["n_train"],
            "n_test": check["n_test"],
            "accuracy": entry["accuracy"]["mean"],
            "macro_f1": entry["macro_f1"]["mean"],
        }
    except ValueError as exc:
        temporal = {"error": str(exc)}
    progress(95)
    common = {
        "labels": list(LABELS),
        "folds": folds,
        "n_samples": result.n_samples,
        "n_students": int(len(np.unique(data.groups))),
        "class_counts": result.class_counts,
        "all_models": result.metrics,
        "champion": champion,
        "fairness": fairness,
        "temporal": temporal,
        # The champion's calibration map and its before/after ECE and Brier (see ml.train).
        "calibration": result.calibration,
        # Folds actually used, the big-school rule, models pruned after their first folds.
        "cv_plan": result.plan,
        "device": device,
    }
    schema = {
        "feature_names": list(data.feature_names),
        "static_categorical": list(data.static_categorical),
        "static_numeric": list(data.static_numeric),
        "max_steps": MAX_STEPS,
        "latest_term": str(max(data.terms)) if data.terms is not None else "",
        "kkm": school.kkm,
        "baik": school.baik_threshold,
        # Reference values for the explanations, learned from this run's training data.
        "reference": Explainer(kkm=float(school.kkm)).fit(data).reference(),
    }
    fingerprint = frames.fingerprint()
    # Every artifact is complete in the "models" storage (written atomically) before any row
    # points at it; then all versions and the promotion land in one transaction, so a worker
    # killed or a disk filling up part-way leaves the active model as it was.
    saved = {
        name: model_artifact_save(
            school=school,
            model=model,
            metadata={"model": name, "school": school.npsn, "run": run.pk},
        )
        for name, model in result.models.items()
    }
    with transaction.atomic():
        versions = {
            name: services.model_version_create(
                run=run,
                algorithm=name,
                metrics={**common, "cv": result.metrics[name]},
                feature_schema=schema,
                artifact_path=path,
                artifact_sha256=sha,
                data_fingerprint=fingerprint,
                library_versions=library_versions(),
                seed=seed,
            )
            for name, (path, sha) in saved.items()
        }
    champion_f1 = result.metrics[champion]["macro_f1"]["mean"]
    active = ModelVersion.objects.filter(school=school, is_active=True).first()
    # The one rule (predictions.promotion): on its own only when not worse than the active.
    # A shared model (trained on other schools) is measured again on this school's own
    # samples, which it never saw, so both figures speak of this school.
    check = promotion_check(
        candidate=versions[champion].metrics,
        active=pooled_metrics_now(active=active, data=data) if active else None,
    )
    auto = check["decision"] != WAIT
    if auto:
        log(f"Menilai semua siswa aktif dengan {champion} sebelum menjadikannya model aktif ...")
    else:
        log(
            f"{champion} (macro-F1 {champion_f1:.3f}) tidak langsung dipakai "
            f"({', '.join(check['reasons'])}); model aktif {active} tetap. "
            "Semua siswa dinilai agar operator bisa melihat perubahannya ..."
        )
    # Score, then switch: every active student is scored with the champion before it becomes
    # active, and the switch happens in one transaction. A failure leaves the old model. A
    # champion that waits stops at "ready": the operator's "Jadikan aktif" preview.
    progress(96)
    scoring_run = services.scoring_run_start(
        school=school,
        version=versions[champion],
        purpose="switch",
        auto_switch=auto,
        user=run.requested_by,
        training_run=run,
        queue=False,
    )
    try:
        scoring_run = scoring.scoring_run_execute(scoring_id=scoring_run.pk)
    except Exception as exc:
        scoring_run.refresh_from_db()
        raise ValidationError(
            _(
                "Model %(model)s sudah dilatih, tetapi penilaian siswa gagal: %(error)s "
                "Model aktif dan prediksinya tidak berubah."
            )
            % {"model": versions[champion], "error": scoring_run.error or repr(exc)}
        ) from exc
    changed = scoring_run.summary.get("changed", 0)
    if auto:
        log(
            f"Model aktif: {champion} (macro-F1 {champion_f1:.3f}); "
            f"{scoring_run.n_students} siswa dinilai, {changed} berganti kategori."
        )
    else:
        log(
            f"{scoring_run.n_students} siswa dinilai dengan {champion}; {changed} akan berganti "
            "kategori bila dijadikan aktif. Menunggu keputusan operator."
        )
    promotion = {
        **check,
        "candidate_id": versions[champion].pk,
        "active_id": active.pk if active else None,
        "scoring_id": scoring_run.pk,
    }
    return {**_summary(result, device, champion), "promotion": promotion}


def _summary(result, device: str, champion: str) -> dict:
    summary = {
        name: {k: m[k] for k in ("accuracy", "macro_f1", "recall_kurang", "fit_seconds") if k in m}
        for name, m in result.metrics.items()
    }
    return {"summary": {"champion": champion, "models": summary}, "device": device}


__all__ = ["detect_device", "fairness_table", "train_school_models"]


def _set_progress(run_id: int, progress: float) -> None:
    TrainingRun.objects.filter(pk=run_id).update(
        progress=int(min(max(progress, 0), 100)), heartbeat_at=timezone.now()
    )


def _append_log(run: TrainingRun, line: str) -> None:
    stamp = timezone.localtime().strftime("%H:%M:%S")
    run.log = (run.log + f"[{stamp}] {line}\n")[-20_000:]
    TrainingRun.objects.filter(pk=run.pk).update(log=run.log)


def training_run_execute(*, run_id: int) -> TrainingRun:
    """Train, cross-validate, save and promote. Safe to run twice: a finished run is left
    alone; a run interrupted mid-way (worker killed) is started again from the beginning and
    the active model stays active until a new one is completely saved."""
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.attempts += 1
        run.progress = 0
        run.error = ""
        run.save(
            update_fields=["status", "started_at", "heartbeat_at", "attempts", "progress", "error"]
        )
    try:
        train = (
            train_pooled_model if (run.config or {}).get("kind") == POOLED else train_school_models
        )
        result = train(
            run=run,
            progress=lambda p: _set_progress(run.pk, p),
            log=lambda line: _append_log(run, line),
        )
    except Exception as exc:
        message = str(exc) if isinstance(exc, ValidationError | ValueError) else repr(exc)
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        TrainingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message[:4000], finished_at=timezone.now()
        )
        school_pages_changed(run.school_id)
        logger.exception("training run %s failed", run.pk)
        run.refresh_from_db()
        return run
    TrainingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        metrics={**result["summary"], "promotion": result["promotion"]},
        device=result["device"],
    )
    school_pages_changed(run.school_id)
    run.refresh_from_db()
    return run
