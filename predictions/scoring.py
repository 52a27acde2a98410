"""Scoring in the worker: a stored model writes each active student's prediction."""

from __future__ import annotations

import logging
import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from students.models import AcademicTerm, School

from .ml.explain import Explainer, score
from .ml.features import build_scoring_samples, next_term
from .ml.registry import ArtifactChecksumError, load_model
from .models import ModelVersion, Prediction
from .training_data import school_frames, scoring_students

logger = logging.getLogger(__name__)


def predictions_score(*, school: School, version: ModelVersion | None = None) -> int:
    """Score every active student of the school with the active model (batched), store a
    Prediction per student for the term after their latest data, with the top factors.
    Returns the number of predictions written."""
    version = version or ModelVersion.objects.filter(school=school, is_active=True).first()
    if version is None:
        raise ValidationError(_("Sekolah ini belum punya model aktif. Latih model dulu."))
    try:
        model = load_model(version.artifact_path, sha256=version.artifact_sha256)
    except (OSError, ValueError, ArtifactChecksumError) as exc:
        raise ValidationError(
            _("Berkas model %(model)s rusak atau hilang; prediksi tidak dibuat.")
            % {"model": str(version)}
        ) from exc
    students = scoring_students(school=school)
    frames = school_frames(school=school, students=students)
    if frames.grades.empty:
        return 0
    schema = version.feature_schema
    data = build_scoring_samples(
        frames.grades,
        frames.attendance,
        frames.ratings,
        frames.students,
        kkm=float(school.kkm),
        max_steps=schema.get("max_steps"),
    )
    started = time.perf_counter()
    proba = score(model, data)
    factors: list[list[dict]] = [[] for _ in range(len(data))]
    if schema.get("reference"):
        explainer = Explainer.from_reference(schema["reference"], data, kkm=float(school.kkm))
        factors = explainer.explain(model, data, base=proba)
    logger.info("scored %d students in %.2f s", len(data), time.perf_counter() - started)
    labels = ("kurang", "sedang", "baik")
    term_codes = sorted({next_term(t) for t in data.terms} | set(data.terms))
    terms = {}
    for code in term_codes:
        year, sem = code.split("-")
        terms[code] = AcademicTerm.objects.get_or_create(
            code=code, defaults={"year": int(year), "semester": int(sem)}
        )[0]
    rows = [
        Prediction(
            student_id=int(sid),
            term=terms[next_term(str(t))],
            based_on_term=terms[str(t)],
            model_version=version,
            category=labels[int(np.argmax(p))],
            p_kurang=float(p[0]),
            p_sedang=float(p[1]),
            p_baik=float(p[2]),
            factors=f,
        )
        for sid, t, p, f in zip(data.groups, data.terms, proba, factors, strict=True)
    ]
    with transaction.atomic():
        # Re-scoring replaces this version's predictions for these terms; older terms and
        # other versions stay as history.
        Prediction.objects.filter(
            model_version=version, term__in={r.term_id for r in rows}
        ).delete()
        Prediction.objects.filter(student__school=school, is_current=True).update(is_current=False)
        for row in rows:
            row.is_current = True
        Prediction.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
