"""Scoring in the worker: a stored model writes each active student's prediction.

Score first, then switch: a scoring writes its predictions beside the ones readers see, then
makes them current in one transaction (together with the model, when it replaces the active
one). A scoring that fails part-way leaves the active model and its predictions as they were,
and its job row (`ScoringRun`) says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smk_dashboard.core.page_cache import school_pages_changed
from students.models import AcademicTerm, School

from . import services
from .artifacts import model_artifact_load
from .ml.explain import Explainer, score
from .ml.features import STEP_FEATURES, build_scoring_samples, next_term
from .ml.registry import ArtifactChecksumError
from .models import ModelVersion, Prediction, ScoringPurpose, ScoringRun, ScoringStatus
from .training_data import school_frames, scoring_students

logger = logging.getLogger(__name__)

LABELS = ("kurang", "sedang", "baik")


def _progress(scoring: ScoringRun, value: int) -> None:
    # No page-cache change: a page showing a running scoring is cached for seconds only.
    ScoringRun.objects.filter(pk=scoring.pk).update(progress=value)


def _terms(codes) -> dict[str, AcademicTerm]:
    terms = {}
    for code in sorted(codes):
        year, sem = code.split("-")
        terms[code] = AcademicTerm.objects.get_or_create(
            code=code, defaults={"year": int(year), "semester": int(sem)}
        )[0]
    return terms


def _compute(scoring: ScoringRun) -> list[dict]:
    """Score the scoring's students: one dict per student (Prediction fields). No writes."""
    version, school = scoring.model_version, scoring.school
    try:
        model = model_artifact_load(version=version)
    except (OSError, ValueError, ArtifactChecksumError) as exc:
        raise ValidationError(
            _("Berkas model %(model)s rusak atau hilang; prediksi tidak dibuat.")
            % {"model": str(version)}
        ) from exc
    _progress(scoring, 15)
    students = scoring_students(school=school)
    if scoring.student_ids is not None:
        students = students.filter(id__in=scoring.student_ids)
    frames = school_frames(school=school, students=students)
    if frames.grades.empty:
        return []
    schema = version.feature_schema
    data = build_scoring_samples(
        **frames.feature_frames(),
        kkm=float(school.kkm),
        max_steps=schema.get("max_steps"),
        # exactly the step features the model was trained on (older models: the base ones)
        feature_names=schema.get("feature_names") or list(STEP_FEATURES),
    )
    _progress(scoring, 35)
    started = time.perf_counter()
    proba = score(model, data)
    _progress(scoring, 55)
    factors: list[list[dict]] = [[] for _ in range(len(data))]
    if schema.get("reference"):
        explainer = Explainer.from_reference(schema["reference"], data, kkm=float(school.kkm))
        factors = explainer.explain(model, data, base=proba)
    logger.info("scored %d students in %.2f s", len(data), time.perf_counter() - started)
    _progress(scoring, 80)
    terms = _terms({next_term(str(t)) for t in data.terms} | {str(t) for t in data.terms})
    rows = []
    for sid, t, p, f in zip(data.groups, data.terms, proba, factors, strict=True):
        if not np.all(np.isfinite(p)):
            raise ValidationError(
                _("Model %(model)s menghasilkan peluang yang tidak valid; prediksi tidak dibuat.")
                % {"model": str(version)}
            )
        rows.append(
            {
                "student_id": int(sid),
                "term_id": terms[next_term(str(t))].pk,
                "based_on_term_id": terms[str(t)].pk,
                "model_version_id": version.pk,
                "category": LABELS[int(np.argmax(p))],
                "p_kurang": float(p[0]),
                "p_sedang": float(p[1]),
                "p_baik": float(p[2]),
                "factors": f,
            }
        )
    return rows


FIELDS = ("based_on_term_id", "category", "p_kurang", "p_sedang", "p_baik", "factors")


def _referenced(ids: list[int]) -> set[int]:
    """Of `ids`, the predictions another row points at (teachers' feedback, the prediction
    that triggered an intervention): those are rewritten in place, so the link stays."""
    found: set[int] = set()
    for rel in Prediction._meta.related_objects:
        found |= set(
            rel.related_model._default_manager.filter(**{f"{rel.field.name}__in": ids})
            .values_list(rel.field.attname, flat=True)
            .distinct()
        )
    return found


def _write(scoring: ScoringRun, rows: Sequence[dict], changes: dict[int, tuple] | None) -> None:
    """Write the rows, all pointing at `scoring`, none current yet. A re-scoring of the same
    version and term replaces the earlier row; one that others point at is rewritten in
    place. `changes` (student id → (change, previous category)) when already known."""
    existing = {
        (p.student_id, p.term_id): p
        for p in Prediction.objects.filter(
            model_version_id=scoring.model_version_id,
            student_id__in=[r["student_id"] for r in rows],
            term_id__in={r["term_id"] for r in rows},
        ).only("id", "student_id", "term_id")
    }
    if scoring.student_ids is None:
        # A whole-school scoring replaces this version's predictions for these terms: a
        # student no longer scored (left, or objected to automated decisions) keeps none.
        Prediction.objects.filter(
            model_version_id=scoring.model_version_id, term_id__in={r["term_id"] for r in rows}
        ).exclude(student_id__in=[r["student_id"] for r in rows]).delete()
    keep = _referenced([p.pk for p in existing.values()])
    updates, creates = [], []
    for row in rows:
        change, previous = (changes or {}).get(row["student_id"], ("", ""))
        old = existing.get((row["student_id"], row["term_id"]))
        if old is None or old.pk not in keep:
            creates.append(
                Prediction(
                    **row,
                    scoring=scoring,
                    is_current=False,
                    change=change,
                    previous_category=previous,
                )
            )
            continue
        for name in FIELDS:
            setattr(old, name, row[name])
        old.scoring, old.change, old.previous_category = scoring, change, previous
        updates.append(old)
    Prediction.objects.filter(id__in=[p.pk for p in existing.values() if p.pk not in keep]).delete()
    Prediction.objects.bulk_update(
        updates, [*FIELDS, "scoring", "change", "previous_category"], batch_size=500
    )
    Prediction.objects.bulk_create(creates, batch_size=2000)


def scoring_run_execute(*, scoring_id: int) -> ScoringRun:
    """Run one scoring. REFRESH (active model): write and publish in one transaction.
    SWITCH: write beside the current predictions, then switch at once when `auto_switch`,
    else wait ("ready") for the operator's confirmation. Safe to run twice: a finished
    scoring is left alone. Failures are recorded on the row and raised again."""
    with transaction.atomic():
        scoring = (
            ScoringRun.objects.select_for_update()
            .select_related("school", "model_version")
            .get(pk=scoring_id)
        )
        if not scoring.is_open:
            return scoring
        scoring.status, scoring.started_at, scoring.progress = (
            ScoringStatus.RUNNING,
            timezone.now(),
            5,
        )
        scoring.save(update_fields=["status", "started_at", "progress"])
    try:
        rows = _compute(scoring)
        if not rows and scoring.purpose == ScoringPurpose.SWITCH:
            raise ValidationError(
                _("Tidak ada siswa aktif dengan nilai untuk dinilai; model aktif tidak diubah.")
            )
        school = scoring.school
        with transaction.atomic():
            version = ModelVersion.objects.select_for_update().get(pk=scoring.model_version_id)
            if scoring.purpose == ScoringPurpose.REFRESH and not version.is_active:
                raise ValidationError(_("Model ini tidak aktif lagi; prediksi tidak diperbarui."))
            # A REFRESH may rewrite the rows readers see: it publishes in this transaction.
            # For a SWITCH, what readers see is compared before anything is written.
            shown = services.shown_predictions(school=school)
            refresh = scoring.purpose == ScoringPurpose.REFRESH
            changes = services.prediction_changes(rows=rows, shown=shown) if refresh else None
            _write(scoring, rows, changes)
            summary = services.scoring_summary(rows=rows, shown=shown)
            if refresh:
                services.scoring_publish(scoring=scoring)
                status = ScoringStatus.DONE
            else:
                status = ScoringStatus.READY
            ScoringRun.objects.filter(pk=scoring.pk).update(
                status=status,
                progress=100 if status == ScoringStatus.DONE else 95,
                n_students=len(rows),
                summary=summary,
                finished_at=timezone.now() if status == ScoringStatus.DONE else None,
            )
            school_pages_changed(scoring.school_id)
        scoring.refresh_from_db()
        if scoring.purpose == ScoringPurpose.SWITCH and scoring.auto_switch:
            services.scoring_run_switch(scoring=scoring, user=scoring.requested_by)
            scoring.refresh_from_db()
    except Exception as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
        logger.exception("scoring %s failed", scoring_id)
        services.scoring_run_fail(scoring_id=scoring_id, message=message)
        raise
    return scoring


def predictions_score(
    *,
    school: School,
    version: ModelVersion | None = None,
    student_ids: Sequence[int] | None = None,
) -> int:
    """Score every active student of the school (or `student_ids`) with `version` (the
    active model by default) in this process, and make the predictions current: with the
    active model at once, with another version together with making it active. Returns the
    number of predictions written."""
    version = version or ModelVersion.objects.filter(school=school, is_active=True).first()
    if version is None:
        raise ValidationError(_("Sekolah ini belum punya model aktif. Latih model dulu."))
    scoring = services.scoring_run_start(
        school=school,
        version=version,
        purpose=ScoringPurpose.REFRESH if version.is_active else ScoringPurpose.SWITCH,
        auto_switch=not version.is_active,
        student_ids=student_ids,
        queue=False,
    )
    return scoring_run_execute(scoring_id=scoring.pk).n_students
