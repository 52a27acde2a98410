"""Per-term records that a higher layer owns (conduct points live in interventions). That layer
registers a function (students queryset -> DataFrame) here in its AppConfig.ready, so
predictions never imports it. Key "conduct": columns student_id, term, points.

Kept apart from training_data.py so that registering, which every process does at start-up,
does not import pandas into the web process."""

from collections.abc import Callable

TERM_FEATURE_SOURCES: dict[str, Callable] = {}
