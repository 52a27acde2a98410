"""Single-row saves and deletes of what cached pages show make the school's cached fragments
stale (smk_dashboard/core/page_cache.py). Cache bookkeeping only, no business rule: bulk
writes (imports, scoring, switching models) report their change from their services, since
Django sends no signal for them."""

from django.db.models.signals import post_delete, post_save

from interventions.conduct.models import PointEntry, PointThreshold
from interventions.models import Intervention, InterventionSession
from interventions.referrals.models import BkReferral
from predictions.models import ModelVersion, Prediction, PredictionFeedback, ScoringRun, TrainingRun
from smk_dashboard.core.page_cache import school_pages_changed
from students.models import (
    AttendanceSummary,
    IndicatorSettings,
    Major,
    School,
    SchoolClass,
    Student,
    TeachingAssignment,
)

# model -> how to reach the school id from a row (attribute path; the last step is an id).
SCHOOL_OF = {
    School: ("id",),
    Student: ("school_id",),
    SchoolClass: ("school_id",),
    Major: ("school_id",),
    TeachingAssignment: ("school_class", "school_id"),
    AttendanceSummary: ("student", "school_id"),
    ModelVersion: ("school_id",),
    ScoringRun: ("school_id",),
    TrainingRun: ("school_id",),
    Prediction: ("student", "school_id"),
    PredictionFeedback: ("prediction", "student", "school_id"),
    Intervention: ("student", "school_id"),
    InterventionSession: ("intervention", "student", "school_id"),
    BkReferral: ("school_id",),
    # the risk list's flags before a model (issue 26): thresholds and conduct points; an
    # achievement makes a kurang student "Membaik" on the risk list (issue 24, item 10)
    IndicatorSettings: ("school_id",),
    PointEntry: ("student", "school_id"),
    # The profile keeps a school's thresholds in the cache (core.page_cache.school_value).
    PointThreshold: ("school_id",),
}


def _school_id(instance, path: tuple[str, ...]):
    value = instance
    try:
        for step in path:
            value = getattr(value, step)
    except Exception:  # a row whose parent is already gone (cascade delete): nothing to reach
        return None
    return value


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures loading
        return
    school_pages_changed(_school_id(instance, SCHOOL_OF[sender]))


# Deletes of the many-row children (a student's predictions, summaries, feedback, sessions)
# come from deleting the student (reported) or from the scoring service (reported there); a
# receiver on them would stop Django from deleting them in bulk.
NO_DELETE_RECEIVER = {AttendanceSummary, Prediction, PredictionFeedback, InterventionSession}

for _model in SCHOOL_OF:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"page_cache_{_model.__name__}")
    if _model not in NO_DELETE_RECEIVER:
        post_delete.connect(
            _changed, sender=_model, dispatch_uid=f"page_cache_del_{_model.__name__}"
        )
