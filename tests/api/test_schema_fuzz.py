"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis),
in-process against the WSGI application, as an authenticated kepsek: no 5xx, and every
answer matches the documented status codes, content type and response schema."""

import datetime as dt
import re

import pytest
import schemathesis
from django.core import signals
from django.core.files import File
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interventions.cases import services
from interventions.cases.programmes import programme_catalogue_seed
from predictions.ml.registry import file_sha256
from predictions.models import ModelVersion, ScoringRun, TrainingRun
from smk_dashboard.core.api_tokens import api_token_issue
from smk_dashboard.wsgi import application
from students.importing.lifecycle import import_batch_create
from students.models import Role
from tests.cache_keys import clear_test_cache
from tests.students.importing.test_views import BUDI
from tests.students.spreadsheets import roster_rows, write_csv

MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_token(world) -> str:
    return api_token_issue(user=world.one.users[Role.KEPSEK])[0]


@pytest.fixture
def _keep_test_connection():
    """The raw WSGI app closes the database connection after each request, which would end
    the test transaction; Django's own test client suspends that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def load_schema(token: str):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        application,
        headers={"Authorization": f"Token {token}"},
    )
    # Revoking would end the session the other examples use; tests/api/test_auth_api.py
    # covers revocation.
    return schema.exclude(path_regex=r"auth/token/revoke").exclude(
        method="DELETE", path_regex=r"auth/token/$"
    )


@pytest.fixture
def api_schema(api_token, _keep_test_connection):
    return load_schema(api_token)


def fuzz(schema, token: str, seeded=()) -> tuple[list[str], list[str]]:
    """Drive every operation of `schema` with Hypothesis; return (exercised, failures).
    `seeded`: (path regex, path parameters) pairs; in about half of the examples of a
    matching operation (DELETE aside) the parameters name those seeded objects, so the
    fuzzer reaches real objects, not only 404."""
    # schemathesis' own pytest plugin (`from_fixture`) does not run under pytest 9, so each
    # operation's strategy is driven by Hypothesis directly; the checks are the same.
    headers = {"Authorization": f"Token {token}"}
    failures, exercised = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        exercised.append(operation.label)
        overrides = next((p for regex, p in seeded if re.search(regex, operation.path)), None)

        @given(case=operation.as_strategy(GenerationMode.POSITIVE), use_seeded=st.booleans())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case, use_seeded):
            # run() is called right below, within this iteration: `overrides` is current.
            if use_seeded and overrides and case.method != "DELETE":  # noqa: B023
                case.path_parameters = {**(case.path_parameters or {}), **overrides}  # noqa: B023
            clear_test_cache()  # throttling would answer 429 to a fast fuzzer, hiding real answers
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collect every operation's failure
            failures.append(f"{operation.label}: {exc}")
    return exercised, failures


def test_every_api_operation_answers_as_its_schema_says(api_schema, api_token):
    exercised, failures = fuzz(api_schema, api_token)
    assert len(exercised) >= 12, exercised
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MODEL_STORAGE_DIR = tmp_path / "models"


def test_operator_writes_answer_as_the_schema_says(
    world, _keep_test_connection, _media_in_tmp, tmp_path
):
    """Uploads, confirmations, training runs and promotions as the operator, who may make
    them (the kepsek above only gets 403). Ids are small, so the fuzzer also hits the
    seeded objects: an unconfirmable batch and a version whose artifact is missing (409)."""
    operator = world.one.users[Role.OPERATOR]
    artifact = tmp_path / "model.joblib"
    artifact.write_bytes(b"not really a model, but its checksum matches")
    version = ModelVersion.objects.create(
        school=world.one.school,
        algorithm="lr",
        version=1,
        artifact_path=str(artifact),
        artifact_sha256=file_sha256(str(artifact)),
        data_fingerprint="f" * 64,
    )
    upload = write_csv(tmp_path / "siswa.csv", roster_rows([BUDI]))
    with upload.open("rb") as fh:
        batch = import_batch_create(
            school=world.one.school,
            kind="roster",
            file=File(fh),
            file_name="siswa.csv",
            user=operator,
            create_missing=True,
        )
    run = TrainingRun.objects.create(school=world.one.school, requested_by=operator)
    scoring = ScoringRun.objects.create(
        school=world.one.school, model_version=version, purpose="switch"
    )
    seeded = [
        (r"imports/", {"id": batch.pk}),
        (r"training-runs/", {"id": run.pk}),
        (r"promote/", {"id": version.pk}),
        (r"scoring-runs/", {"id": scoring.pk}),
    ]
    token = api_token_issue(user=operator)[0]
    schema = load_schema(token).include(path_regex=r"imports|training-runs|promote|scoring-runs")
    exercised, failures = fuzz(schema, token, seeded)
    assert len(exercised) >= 5, exercised
    assert not failures, "\n\n".join(failures)


def test_counsellor_writes_answer_as_the_schema_says(world, _keep_test_connection):
    """Interventions and sessions as the bk who owns one (with a session and notes), so
    updates, closing, deleting and the notes are exercised, not only 403/404."""
    bk = world.one.users[Role.BK]
    programme = programme_catalogue_seed(school=world.one.school)[0]
    detail, to_close, with_sessions = (
        services.intervention_create(
            user=bk,
            student=student,
            programme=programme,
            reason="Nilai turun",
            start_date=dt.date(2025, 1, 6),
        )
        for student in world.one.students
    )
    session = services.session_add(
        intervention=with_sessions, user=bk, date=dt.date(2025, 1, 7), notes="rahasia"
    )
    seeded = [
        (r"sessions/\{session_pk\}", {"id": with_sessions.pk, "session_pk": session.pk}),
        (r"sessions/", {"id": with_sessions.pk}),
        (r"(close|start)/", {"id": to_close.pk}),
        (r"interventions/\{id\}/$", {"id": detail.pk}),
    ]
    token = api_token_issue(user=bk)[0]
    schema = load_schema(token).include(path_regex=r"interventions")
    exercised, failures = fuzz(schema, token, seeded)
    assert len(exercised) >= 8, exercised
    assert not failures, "\n\n".join(failures)
